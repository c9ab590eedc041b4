import { validateSync } from 'class-validator';
import { IsPlainDecimal } from './decimal-field.js';

class Amount {
  @IsPlainDecimal(2)
  amount!: unknown;
}

const valid = (amount: unknown) => {
  const body = new Amount();
  body.amount = amount;
  return validateSync(body).length === 0;
};

describe('a number checked as a plain decimal with at most 2 decimals', () => {
  it.each([0, 12, -12.5, 1234.56, 1e20])('%p passes', (amount) => {
    expect(valid(amount)).toBe(true);
  });

  it.each([1e-9, 6e-323, 5e-324, 1.234, 1e21, Number.NaN, Number.POSITIVE_INFINITY, '12.3', null, [1]])('%p is refused, never throws', (amount) => {
    expect(() => valid(amount)).not.toThrow();
    expect(valid(amount)).toBe(false);
  });
});
