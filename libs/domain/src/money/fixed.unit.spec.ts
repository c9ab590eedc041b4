import fc from 'fast-check';
import {
  abs,
  div,
  divInt,
  fixedFromNumber,
  fixedToNumber,
  fixedToString,
  formatFixed,
  hasAtMostDigits,
  InvalidDecimalError,
  isFixedText,
  max,
  min,
  mul,
  mulInt,
  ONE,
  parseFixed,
  roundMoney,
  roundTo,
  SCALE,
  fixedOf,
  ZERO,
  type Rounding,
} from './fixed.js';

// Every expected value below is the decimal written out by hand as an integer scaled by 10^8.

describe('Fixed: the scale', () => {
  it('holds 8 decimals: ONE is 10^8 and ZERO is 0', () => {
    expect(SCALE).toBe(100_000_000n);
    expect(ONE).toBe(100_000_000n);
    expect(ZERO).toBe(0n);
  });
});

describe('parseFixed', () => {
  it.each<[string, bigint]>([
    ['0', 0n],
    ['-0', 0n], // −0 is 0
    ['1', 100_000_000n], // 1 × 10^8
    ['+3', 300_000_000n], // an explicit plus sign is accepted
    ['42000.5', 4_200_050_000_000n], // 42000.5 × 10^8
    ['42000.50', 4_200_050_000_000n], // trailing zeros change nothing
    ['-0.01', -1_000_000n], // 0.01 × 10^8 = 10^6
    ['1.08505', 108_505_000n], // 1.08505 × 10^8
    ['0.00000001', 1n], // the smallest unit
    ['1.23456789', 123_456_789n], // exactly 8 decimals
    ['007.5', 750_000_000n], // leading zeros are digits like any other
    ['123456789012.12345678', 12_345_678_901_212_345_678n], // beyond 2^53: bigint stays exact
  ])('reads %s as %s units of 10^-8', (text, expected) => {
    expect(parseFixed(text)).toBe(expected);
  });

  it.each([
    '',
    ' 1',
    '1 ',
    '1.',
    '.5',
    '1e5',
    '1E-3',
    '1,5',
    '--1',
    '+-1',
    '1.2.3',
    'abc',
    'NaN',
    'Infinity',
    '0x10',
    '1_000',
  ])('refuses %j as not a decimal', (text) => {
    expect(() => parseFixed(text)).toThrow(InvalidDecimalError);
  });

  it('reads any decimal with ≤ 8 decimals as its digits written out, on either side of 2^53 units', () => {
    // The reference: the digits themselves as one integer, padded to 8 decimals (no arithmetic to get wrong).
    const reference = (sign: string, whole: string, fraction: string) => BigInt(`${sign === '-' ? '-' : ''}${whole}${fraction.padEnd(8, '0')}`);
    const digits = (maxLength: number) => fc.string({ unit: fc.constantFrom('0', '1', '2', '3', '4', '5', '6', '7', '8', '9'), minLength: 1, maxLength });
    fc.assert(
      fc.property(fc.constantFrom('', '-', '+'), fc.oneof(digits(20), fc.constantFrom('9999999', '10000000', '9007199', '90071992', '99999999')), fc.option(digits(8)), (sign, whole, fraction) => {
        const text = `${sign}${whole}${fraction === null ? '' : `.${fraction}`}`;
        expect(parseFixed(text)).toBe(reference(sign, whole, fraction ?? ''));
      }),
      { numRuns: 5_000 },
    );
  });

  it('refuses more than 8 decimals instead of rounding them away', () => {
    expect(() => parseFixed('1.234567891')).toThrow(InvalidDecimalError); // 9 decimals
    expect(() => parseFixed('0.000000005')).toThrow(InvalidDecimalError); // would round to 1 unit
  });

  it('names the offending input in the error', () => {
    let error: unknown;
    try {
      parseFixed('12abc');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidDecimalError);
    expect((error as InvalidDecimalError).input).toBe('12abc');
    expect((error as InvalidDecimalError).name).toBe('InvalidDecimalError');
    expect((error as InvalidDecimalError).message).toBe('Not a decimal number: "12abc"');
  });
});

describe('isFixedText', () => {
  it.each<[string, boolean]>([
    ['42000.5', true],
    ['-0.01', true],
    ['+1', true],
    ['1.23456789', true], // 8 decimals
    ['1.234567891', false], // 9 decimals
    ['1e5', false],
    ['', false],
    ['1.', false],
    ['abc', false],
  ])('%j → %s', (text, expected) => {
    expect(isFixedText(text)).toBe(expected);
  });
});

describe('fixedToString: the shortest exact form stored in events', () => {
  it.each<[bigint, string]>([
    [0n, '0'],
    [4_200_050_000_000n, '42000.5'], // trailing zeros dropped
    [4_200_000_000_000n, '42000'], // no decimal point for a whole number
    [-125_000_000n, '-1.25'],
    [1n, '0.00000001'],
    [-1n, '-0.00000001'],
    [108_505_000n, '1.08505'],
    [-50_000_000n, '-0.5'],
  ])('%s → %s', (value, expected) => {
    expect(fixedToString(value)).toBe(expected);
  });

  it('round-trips through parseFixed for any value', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), (value) => {
        expect(parseFixed(fixedToString(value))).toBe(value);
      }),
    );
  });

  it('round-trips any decimal text with ≤ 8 decimals back to its canonical form', () => {
    const decimalText = fc
      .tuple(
        fc.constantFrom('', '-', '+'),
        fc.bigInt({ min: 0n, max: 10n ** 12n }),
        fc.string({ unit: fc.constantFrom('0', '1', '2', '3', '4', '5', '6', '7', '8', '9'), maxLength: 8 }),
      )
      .map(([sign, whole, fraction]) => `${sign}${whole}${fraction ? `.${fraction}` : ''}`);
    fc.assert(
      fc.property(decimalText, (text) => {
        const value = parseFixed(text);
        expect(parseFixed(fixedToString(value))).toBe(value);
        expect(fixedToString(parseFixed(fixedToString(value)))).toBe(fixedToString(value));
      }),
    );
  });
});

describe('formatFixed: a fixed number of decimals for display', () => {
  it.each<[string, number, string]>([
    ['42000', 2, '42000.00'], // padded to 2 decimals
    ['42000.5', 2, '42000.50'],
    ['1.08505', 5, '1.08505'],
    ['150.1', 3, '150.100'],
    ['1.005', 2, '1.01'], // .005 is a tie: half away from zero → up
    ['-1.005', 2, '-1.01'], // the tie on a negative goes away from zero too
    ['1.004', 2, '1.00'],
    ['-1.004', 2, '-1.00'],
    ['-0.004', 2, '0.00'], // rounds to zero: no "-0.00"
    ['-0.005', 2, '-0.01'],
    ['2.5', 0, '3'], // 0 digits: no decimal point
    ['-2.5', 0, '-3'],
    ['2.4', 0, '2'],
    ['0.00000001', 8, '0.00000001'],
  ])('%s with %d decimals → %s', (text, digits, expected) => {
    expect(formatFixed(parseFixed(text), digits)).toBe(expected);
  });

  it('defaults to money: 2 decimals', () => {
    expect(formatFixed(parseFixed('10175.375'))).toBe('10175.38'); // tie .375 → .38
  });
});

describe('fixedToNumber: JSON numbers for the dialects', () => {
  it.each<[string, number, number]>([
    ['42000.5', 2, 42000.5],
    ['1.08505', 5, 1.08505],
    ['-60.05', 2, -60.05],
    ['484.545', 2, 484.55], // rounded half away from zero first
    ['0', 2, 0],
  ])('%s at %d digits → %d', (text, digits, expected) => {
    expect(fixedToNumber(parseFixed(text), digits)).toBe(expected);
  });
});

describe('fixedFromNumber: a JSON number as the client wrote it', () => {
  it.each<[number, bigint]>([
    [0.1, 10_000_000n], // String(0.1) = "0.1", not the binary 0.1000000000000000055…
    [42000.5, 4_200_050_000_000n],
    [-0.01, -1_000_000n],
    [100, 10_000_000_000n],
    [1.08505, 108_505_000n],
    [0.000001, 100n], // String(0.000001) = "0.000001": the last value JS prints without an exponent
    [-0, 0n], // String(-0) = "0"
    [0.12345678, 12_345_678n], // 8 decimals
  ])('%d → %s', (value, expected) => {
    expect(fixedFromNumber(value)).toBe(expected);
  });

  it.each([
    [1e-7, 'String(1e-7) is "1e-7": exponent form'],
    [0.00000001, 'String(0.00000001) is "1e-8": exponent form, although 8 decimals would fit'],
    [1e21, 'String(1e21) is "1e+21"'],
    [0.1 + 0.2, 'String(0.1 + 0.2) is "0.30000000000000004": 17 decimals, never rounded'],
    [0.123456789, '9 decimals'],
    [Number.NaN, 'not finite'],
    [Number.POSITIVE_INFINITY, 'not finite'],
    [Number.NEGATIVE_INFINITY, 'not finite'],
  ])('refuses %d (%s)', (value) => {
    expect(() => fixedFromNumber(value)).toThrow(InvalidDecimalError);
  });
});

describe('fixedOf: a JSON number or a decimal string', () => {
  it('reads both forms to the same value', () => {
    expect(fixedOf(42000.5)).toBe(4_200_050_000_000n);
    expect(fixedOf('42000.5')).toBe(4_200_050_000_000n);
  });

  it('refuses a non-decimal string', () => {
    expect(() => fixedOf('1e5')).toThrow(InvalidDecimalError);
  });
});

describe('roundTo: rounding modes', () => {
  // Columns: value, digits, HALF_UP (half away from zero), DOWN (toward zero), UP (away from zero).
  it.each<[string, number, string, string, string]>([
    ['2.345', 2, '2.35', '2.34', '2.35'], // exact tie
    ['-2.345', 2, '-2.35', '-2.34', '-2.35'], // negative tie: symmetric
    ['2.344', 2, '2.34', '2.34', '2.35'],
    ['-2.344', 2, '-2.34', '-2.34', '-2.35'],
    ['2.34500001', 2, '2.35', '2.34', '2.35'], // just above the tie
    ['2.34499999', 2, '2.34', '2.34', '2.35'], // just below the tie
    ['2.34', 2, '2.34', '2.34', '2.34'], // already at precision: unchanged in every mode
    ['-2.34', 2, '-2.34', '-2.34', '-2.34'],
    ['0.005', 2, '0.01', '0', '0.01'],
    ['-0.005', 2, '-0.01', '0', '-0.01'],
    ['0.00000001', 2, '0', '0', '0.01'], // the smallest unit rounds up to a whole cent only with UP
    ['1.5', 0, '2', '1', '2'],
    ['-1.5', 0, '-2', '-1', '-2'],
    ['150.4525', 3, '150.453', '150.452', '150.453'],
  ])('%s to %d decimals: HALF_UP %s, DOWN %s, UP %s', (value, digits, halfUp, down, up) => {
    const x = parseFixed(value);
    const modes: [Rounding, string][] = [
      ['HALF_UP', halfUp],
      ['DOWN', down],
      ['UP', up],
    ];
    for (const [mode, expected] of modes) expect([mode, roundTo(x, digits, mode)]).toEqual([mode, parseFixed(expected)]);
  });

  it('defaults to HALF_UP', () => {
    expect(roundTo(parseFixed('2.345'), 2)).toBe(parseFixed('2.35'));
  });

  it('is the identity at 8 decimals', () => {
    expect(roundTo(123_456_789n, 8, 'UP')).toBe(123_456_789n);
  });
});

describe('roundMoney: cents, half away from zero', () => {
  it.each<[string, string]>([
    ['369.7965', '369.80'], // 999.45 × 0.37
    ['420.005', '420.01'], // tie → up
    ['-305.025', '-305.03'], // negative tie → away from zero
    ['0.00499999', '0'],
    ['-0.00499999', '0'],
    ['10175.38', '10175.38'],
  ])('%s → %s', (value, expected) => {
    expect(roundMoney(parseFixed(value))).toBe(parseFixed(expected));
  });
});

describe('mul and div', () => {
  it.each<[string, string, Rounding | undefined, string]>([
    ['1.5', '2', undefined, '3'],
    ['0.1', '0.2', undefined, '0.02'], // exact, unlike binary floating point
    ['42000.5', '0.01', undefined, '420.005'], // exact: 4 + 2 decimals fit in 8
    ['-1.5', '0.3', undefined, '-0.45'],
    ['-1.5', '-0.3', undefined, '0.45'],
    ['0.00000001', '0.5', 'HALF_UP', '0.00000001'], // 0.000000005: a tie at the scale → up
    ['0.00000001', '0.5', 'DOWN', '0'],
    ['-0.00000001', '0.5', 'HALF_UP', '-0.00000001'], // negative tie → away from zero
    ['-0.00000001', '0.5', 'DOWN', '0'],
    ['0.00000001', '0.1', 'UP', '0.00000001'], // 10^-9 → up to a whole unit
    ['0.00000001', '0.4', 'HALF_UP', '0'], // 0.4 of a unit → down
  ])('mul(%s, %s, %s) = %s', (a, b, rounding, expected) => {
    expect(mul(parseFixed(a), parseFixed(b), rounding)).toBe(parseFixed(expected));
  });

  it.each<[string, string, Rounding | undefined, string]>([
    ['10', '4', undefined, '2.5'],
    ['1', '3', undefined, '0.33333333'], // 0.333333333… → down
    ['2', '3', undefined, '0.66666667'], // 0.666666666… → up
    ['2', '3', 'DOWN', '0.66666666'],
    ['1', '3', 'UP', '0.33333334'],
    ['-2', '3', undefined, '-0.66666667'], // symmetric on the sign
    ['2', '-3', 'DOWN', '-0.66666666'],
    ['30000', '150', undefined, '200'], // 30000 JPY at 150 → 200 USD
    ['0.00000001', '2', 'HALF_UP', '0.00000001'], // 0.5 unit tie → away from zero
    ['-0.00000001', '2', 'HALF_UP', '-0.00000001'],
  ])('div(%s, %s, %s) = %s', (a, b, rounding, expected) => {
    expect(div(parseFixed(a), parseFixed(b), rounding)).toBe(parseFixed(expected));
  });

  it('refuses division by zero', () => {
    expect(() => div(ONE, ZERO)).toThrow(RangeError);
    expect(() => divInt(ONE, 0)).toThrow(RangeError);
  });

  it('multiplies and divides by plain integers', () => {
    expect(mulInt(parseFixed('1.5'), 3)).toBe(parseFixed('4.5'));
    expect(mulInt(parseFixed('0.01'), 100_000n)).toBe(parseFixed('1000'));
    expect(divInt(parseFixed('420.005'), 1)).toBe(parseFixed('420.005'));
    expect(divInt(parseFixed('0.00000005'), 2)).toBe(3n); // 2.5 units → 3 (HALF_UP)
    expect(divInt(parseFixed('0.00000005'), 2, 'DOWN')).toBe(2n);
    expect(divInt(parseFixed('-0.00000005'), 2)).toBe(-3n);
    expect(divInt(parseFixed('4200.05'), 100)).toBe(parseFixed('42.0005'));
  });

  it('mul then div by the same non-zero factor gives back the value when exact', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 14n), max: 10n ** 14n }),
        fc.bigInt({ min: 1n, max: 10_000n }),
        (a, n) => {
          const factor = n * SCALE; // a whole number: a × factor is exact
          expect(div(mul(a, factor), factor)).toBe(a);
        },
      ),
    );
  });
});

describe('hasAtMostDigits, min, max, abs', () => {
  it.each<[string, number, boolean]>([
    ['1.23', 2, true],
    ['1.235', 2, false],
    ['-0.01', 2, true],
    ['-0.001', 2, false],
    ['42000', 0, true],
    ['1.08505', 5, true],
    ['1.085051', 5, false],
  ])('%s has at most %d decimals: %s', (value, digits, expected) => {
    expect(hasAtMostDigits(parseFixed(value), digits)).toBe(expected);
  });

  it('picks the smaller, the larger and the magnitude', () => {
    const a = parseFixed('-1.5');
    const b = parseFixed('0.25');
    expect(min(a, b)).toBe(a);
    expect(max(a, b)).toBe(b);
    expect(abs(a)).toBe(parseFixed('1.5'));
    expect(abs(b)).toBe(b);
    expect(abs(ZERO)).toBe(ZERO);
  });
});
