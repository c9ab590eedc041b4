import type { Dialect } from '../dialect.js';

export const METAAPI_DIALECT: Dialect = { name: 'metaapi', controllers: [], providers: [] };
