export * from './event-store.port.js';
export { SqliteEventStore, DuplicateEventIdError, type SqliteEventStoreOptions } from './sqlite/sqlite-event-store.js';
export { EsdbEventStore } from './esdb/esdb-event-store.js';
// The contract suite (event-store.contract.ts) uses jest globals: tests import it directly.
export * from './open-event-store.js';
