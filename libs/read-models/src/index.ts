export * from './views.js';
export * from './read-model.ops.js';
export * from './read-model-store.port.js';
export * from './projection.js';
export * from './sqlite/sqlite-read-model-store.js';
export * from './redis/redis-read-model-store.js';
