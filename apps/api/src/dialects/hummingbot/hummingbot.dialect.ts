import type { Dialect } from '../dialect.js';

export const HUMMINGBOT_DIALECT: Dialect = { name: 'hummingbot', controllers: [], providers: [] };
