import { HttpStatus, ValidationPipe, type ArgumentMetadata, type PipeTransform, type ValidationError } from '@nestjs/common';
import { ApiError } from './api-errors.js';

function messages(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) => m.replace(e.property, path));
    return [...own, ...messages(e.children ?? [], path)];
  });
}

/**
 * Validates a body against its DTO for `/api/v1`: unknown fields are refused, never applied.
 * When `required` is given and one of those fields is absent, the answer is the seed's
 * `Missing required parameters: a, b, c` listing every required field.
 */
export function apiV1Body(required?: readonly string[]): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const missing = required && errors.some((e) => required.includes(e.property) && e.constraints?.isDefined);
      if (missing) return new ApiError(HttpStatus.BAD_REQUEST, `Missing required parameters: ${required.join(', ')}`);
      return new ApiError(HttpStatus.BAD_REQUEST, messages(errors).join('; ') || 'Invalid request body');
    },
  });
}

/**
 * A validation pipe with a fast path for the hot bodies: what `certainlyValid` accepts becomes the
 * DTO as the full pipe would make it (class-transformer copies a flat body's fields onto a new
 * instance), without running every decorator; everything else goes through `full`, so every
 * refusal keeps its exact wording. `certainlyValid` must accept nothing `full` refuses (tested).
 */
export function withFastPath(full: PipeTransform, certainlyValid: (body: unknown) => boolean): PipeTransform {
  return {
    transform(value: unknown, metadata: ArgumentMetadata) {
      const { metatype } = metadata;
      if (metatype && certainlyValid(value)) return Object.assign(new (metatype as new () => object)(), value);
      return full.transform(value, metadata);
    },
  };
}
