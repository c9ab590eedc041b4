import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { invalidData } from './mt4-errors.js';

/** One message per failing field: "x is required" alone when it is missing, else each distinct complaint. */
function messages(errors: ValidationError[]): string[] {
  return errors.flatMap((e) => {
    const constraints = e.constraints ?? {};
    const own = constraints.isDefined ? [constraints.isDefined] : [...new Set(Object.values(constraints))];
    return [...own, ...messages(e.children ?? [])];
  });
}

class ValidationFailed extends Error {
  constructor(readonly errors: ValidationError[]) {
    super('validation failed');
  }
}

/** Validates an MT4 body: a JSON object with the seed's JSON types (no coercion); unknown fields are refused. */
export class Mt4ValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      transform: true,
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => new ValidationFailed(errors),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && (typeof value !== 'object' || value === null || Array.isArray(value))) {
      throw invalidData('The body must be a JSON object');
    }
    try {
      return await super.transform(value, metadata);
    } catch (error) {
      if (error instanceof ValidationFailed) throw invalidData(messages(error.errors).join('; ') || 'Invalid request body');
      throw error;
    }
  }
}

export const mt4Body = () => new Mt4ValidationPipe();
