export * from './engine-transport.port.js';
export * from './in-process/in-process-engine-bus.js';
export * from './redis/redis-streams.keys.js';
export * from './redis/redis-streams.codec.js';
export * from './redis/shard-routing.js';
export * from './redis/redis-engine-client.js';
export * from './redis/redis-engine-input.js';
export * from './redis/redis-connections.js';
