import { HttpStatus, type ValidationError } from '@nestjs/common';
import { DialectValidationPipe } from '../../common/dialect-validation.pipe.js';
import { HummingbotError, type ValidationDetail } from './hummingbot-errors.js';

/** Maps a class-validator constraint to pydantic v2's error type and message. */
function detail(error: ValidationError, constraint: string, message: string, body: Record<string, unknown>): ValidationDetail {
  const loc = ['body', error.property];
  const input = body[error.property];
  switch (constraint) {
    case 'isDefined':
      return { type: 'missing', loc, msg: 'Field required', input: body };
    case 'whitelistValidation':
      return { type: 'extra_forbidden', loc, msg: 'Extra inputs are not permitted', input };
    case 'isIn':
      return { type: 'literal_error', loc, msg: message, input };
    case 'isString':
      return { type: 'string_type', loc, msg: 'Input should be a valid string', input };
    case 'isDecimal':
      return { type: 'decimal_parsing', loc, msg: 'Input should be a valid decimal', input };
    case 'isPositiveDecimal':
      return { type: 'greater_than', loc, msg: 'Input should be greater than 0', input };
    case 'maxLength':
      return { type: 'string_too_long', loc, msg: message, input };
    case 'isArray':
      return { type: 'list_type', loc, msg: 'Input should be a valid list', input };
    case 'isInt':
      return { type: 'int_type', loc, msg: 'Input should be a valid integer', input };
    case 'min':
      return { type: 'greater_than_equal', loc, msg: message, input };
    case 'max':
      return { type: 'less_than_equal', loc, msg: message, input };
    default:
      return { type: 'value_error', loc, msg: `Value error, ${message}`, input };
  }
}

/** Which failure of a field is reported: presence, then type, then value. */
const PRIORITY = ['isDefined', 'whitelistValidation', 'isString', 'isDecimal', 'isArray', 'isInt'];
const rank = (constraint: string) => {
  const at = PRIORITY.indexOf(constraint);
  return at < 0 ? PRIORITY.length : at;
};

/** Validates a Hummingbot body like FastAPI does: 422 `{ detail: [{ type, loc, msg, input }] }`. */
export class HummingbotValidationPipe extends DialectValidationPipe {
  protected notAnObject(value: unknown): Error {
    return new HummingbotError(HttpStatus.UNPROCESSABLE_ENTITY, [
      { type: 'model_attributes_type', loc: ['body'], msg: 'Input should be a valid dictionary or object to extract fields from', input: value ?? null },
    ]);
  }

  protected refused(errors: ValidationError[], body: Record<string, unknown>): Error {
    const details = errors.map((e) => {
      const constraints = Object.entries(e.constraints ?? {});
      // One item per field, the most basic failure first (missing before type before range).
      const [constraint, message] = [...constraints].sort(([a], [b]) => rank(a) - rank(b))[0] ?? ['value_error', 'invalid value'];
      return detail(e, constraint, message, body);
    });
    return new HummingbotError(HttpStatus.UNPROCESSABLE_ENTITY, details);
  }
}
