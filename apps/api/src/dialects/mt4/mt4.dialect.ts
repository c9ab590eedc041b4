import type { Dialect } from '../dialect.js';

export const MT4_DIALECT: Dialect = { name: 'mt4', controllers: [], providers: [] };
