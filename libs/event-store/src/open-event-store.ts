import { join } from 'node:path';
import type { EventStore } from './event-store.port.js';
import { EsdbEventStore } from './esdb/esdb-event-store.js';
import { SqliteEventStore } from './sqlite/sqlite-event-store.js';

export const EVENTS_FILE = 'events.sqlite';

export interface EventStoreLocation {
  /** `esdb://…`: EventStoreDB; unset: the SQLite file in `dataDir`. */
  eventStoreUrl: string | null;
  dataDir: string;
  /** How often a SQLite subscriber looks for appends made by other processes. */
  pollIntervalMs?: number;
}

export function openEventStore(location: EventStoreLocation): EventStore {
  if (location.eventStoreUrl) return new EsdbEventStore(location.eventStoreUrl);
  return new SqliteEventStore(join(location.dataDir, EVENTS_FILE), { pollIntervalMs: location.pollIntervalMs });
}

export function describeEventStore(location: EventStoreLocation): string {
  return location.eventStoreUrl ? `EventStoreDB at ${new URL(location.eventStoreUrl).host}` : `SQLite at ${join(location.dataDir, EVENTS_FILE)}`;
}
