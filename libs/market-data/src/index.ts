export * from './candles/candle.js';
export * from './candles/timeframes.js';
export * from './candles/candle-store.port.js';
export * from './candles/candle-projection.js';
export * from './candles/sqlite-candle-store.js';
export * from './candles/redis-candle-store.js';
export * from './candles/redis-tick-candle-consumer.js';
export * from './candles/engine-candle-hook.js';
