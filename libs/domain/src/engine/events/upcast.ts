import { DOMAIN_EVENT_TYPES, EVENT_SCHEMA_VERSION, type DomainEvent, type DomainEventType } from './index.js';

/** Lifts the data of an event written by an older release to the current schema, one version at a time. */
type Upcaster = (data: Record<string, unknown>) => Record<string, unknown>;

/** `UPCASTERS[type][v]` turns version v into v + 1. Empty while every event is at version 1. */
const UPCASTERS: Partial<Record<DomainEventType, Record<number, Upcaster>>> = {};

const KNOWN = new Set<string>(DOMAIN_EVENT_TYPES);

export function isDomainEventType(type: string): type is DomainEventType {
  return KNOWN.has(type);
}

/** The domain event of a stored one, at the current schema; undefined for a type this release does not know. */
export function upcast(type: string, data: Record<string, unknown>, schemaVersion = 1): DomainEvent | undefined {
  if (!isDomainEventType(type)) return undefined;
  let version = schemaVersion;
  let current = data;
  while (version < EVENT_SCHEMA_VERSION[type]) {
    const step = UPCASTERS[type]?.[version];
    if (!step) throw new Error(`No upcaster for ${type} v${version}`);
    current = step(current);
    version += 1;
  }
  return { type, data: current } as DomainEvent;
}
