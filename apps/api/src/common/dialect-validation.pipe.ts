import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';

class ValidationFailed extends Error {
  constructor(readonly errors: ValidationError[]) {
    super('validation failed');
  }
}

/**
 * Validates a request body against its DTO and answers a refusal in a dialect's own shape: a body
 * that is not a JSON object, and a body the DTO refuses (unknown fields included: refused, never
 * applied), each become the error that dialect's clients expect.
 */
export abstract class DialectValidationPipe extends ValidationPipe {
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

  /** The dialect's answer to a body that is not a JSON object (a string, a number, an array, null). */
  protected abstract notAnObject(value: unknown): Error;

  /** The dialect's answer to the DTO's refusals of `body`. */
  protected abstract refused(errors: ValidationError[], body: Record<string, unknown>): Error;

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && (typeof value !== 'object' || value === null || Array.isArray(value))) {
      throw this.notAnObject(value);
    }
    try {
      return await super.transform(value, metadata);
    } catch (error) {
      if (error instanceof ValidationFailed) throw this.refused(error.errors, (value ?? {}) as Record<string, unknown>);
      throw error;
    }
  }
}
