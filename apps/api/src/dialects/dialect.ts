import type { ExceptionFilter, Provider, Type } from '@nestjs/common';

/** A dialect is a thin edge over the same commands, engine and read models: its controllers and helpers. */
export interface Dialect {
  name: string;
  controllers: Type<unknown>[];
  providers: Provider[];
  /**
   * Optional: failures raised before a route's own filter can run (malformed JSON, body too large,
   * unknown route) on these path prefixes are answered by `filter`, in the dialect's error shape.
   */
  errors?: { pathPrefixes: string[]; filter: ExceptionFilter };
}
