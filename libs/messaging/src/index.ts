export * from './engine-transport.port.js';
export * from './in-process/in-process-engine-bus.js';
