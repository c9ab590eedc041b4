import type { ValidationError } from '@nestjs/common';
import { DialectValidationPipe } from '../../common/dialect-validation.pipe.js';
import { invalidData } from './mt4-errors.js';

/** One message per failing field: "x is required" alone when it is missing, else each distinct complaint. */
function messages(errors: ValidationError[]): string[] {
  return errors.flatMap((e) => {
    const constraints = e.constraints ?? {};
    const own = constraints.isDefined ? [constraints.isDefined] : [...new Set(Object.values(constraints))];
    return [...own, ...messages(e.children ?? [])];
  });
}

/** Validates an MT4 body: a JSON object with the seed's JSON types (no coercion); unknown fields are refused. */
export class Mt4ValidationPipe extends DialectValidationPipe {
  protected notAnObject(): Error {
    return invalidData('The body must be a JSON object');
  }

  protected refused(errors: ValidationError[]): Error {
    return invalidData(messages(errors).join('; ') || 'Invalid request body');
  }
}

export const mt4Body = () => new Mt4ValidationPipe();
