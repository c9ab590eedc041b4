import { DOMAIN_EVENT_TYPES, EVENT_SCHEMA_VERSION, type DomainEvent, type DomainEventType } from './index.js';

/** Lifts the data of an event written by an older release to the current schema, one version at a time. */
export type Upcaster = (data: Record<string, unknown>) => Record<string, unknown>;

/** `UPCASTERS[type][v]` turns version v into v + 1. */
const UPCASTERS: Partial<Record<DomainEventType, Record<number, Upcaster>>> = {
  // v2: a close carries the request's clientId and comment; closes written before had none.
  PositionClosed: { 1: (data) => ({ ...data, clientId: null, comment: null }) },
};

const KNOWN = new Set<string>(DOMAIN_EVENT_TYPES);

/**
 * Registers the step that turns `type` at schema version `from` into version `from + 1`. A release
 * that changes an event's shape bumps `EVENT_SCHEMA_VERSION[type]` and registers the step next to
 * the event; tests use it to replay events "written by an older release". Returns the undo.
 */
export function registerUpcaster(type: DomainEventType, from: number, step: Upcaster): () => void {
  const steps = (UPCASTERS[type] ??= {});
  if (steps[from]) throw new Error(`An upcaster for ${type} v${from} is already registered`);
  steps[from] = step;
  return () => {
    if (steps[from] === step) delete steps[from];
  };
}

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
