import { fixedFromNumber, fixedToString, InvalidDecimalError } from '../../../../libs/domain/src/index.js';
import { badRequest } from './api-errors.js';

/**
 * A JSON number of a request as an exact decimal string, or a 400 naming the field. JSON numbers
 * that print in exponent form (1e-300, 9.6e+258) or carry more than 8 decimals are no decimal the
 * system keeps: they are refused, never a 500.
 */
export function exactDecimal(value: number, field: string): string {
  try {
    return fixedToString(fixedFromNumber(value));
  } catch (error) {
    if (error instanceof InvalidDecimalError) throw badRequest(`${field} must be a plain decimal number with at most 8 decimals`);
    throw error;
  }
}
