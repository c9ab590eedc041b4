import { ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * class-validator: a finite JSON number written as a plain decimal with at most `maxDecimals`
 * decimals (`12.34`, never `1e-9`). Replaces `IsNumber({ maxDecimalPlaces })`, which throws (a 500)
 * on numbers JavaScript prints in exponent form, such as 1e-9 or 6e-323.
 */
export function IsPlainDecimal(maxDecimals: number, options?: ValidationOptions): PropertyDecorator {
  const pattern = new RegExp(`^-?\\d+(\\.\\d{1,${maxDecimals}})?$`);
  return ValidateBy(
    { name: 'isPlainDecimal', validator: { validate: (value: unknown) => typeof value === 'number' && Number.isFinite(value) && pattern.test(String(value)) } },
    options,
  );
}
