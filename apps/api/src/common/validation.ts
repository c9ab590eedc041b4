import { HttpStatus, ValidationPipe, type ValidationError } from '@nestjs/common';
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
