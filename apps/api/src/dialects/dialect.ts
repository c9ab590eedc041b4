import type { Provider, Type } from '@nestjs/common';

/** A dialect is a thin edge over the same commands, engine and read models: its controllers and helpers. */
export interface Dialect {
  name: string;
  controllers: Type<unknown>[];
  providers: Provider[];
}
