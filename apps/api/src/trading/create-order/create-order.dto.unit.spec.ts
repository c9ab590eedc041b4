import 'reflect-metadata';
import fc from 'fast-check';
import { INSTRUMENTS } from '../../../../../libs/domain/src/index.js';
import { apiV1Body, withFastPath } from '../../common/validation.js';
import { CREATE_ORDER_REQUIRED, CreateOrderDto, isCertainlyValidCreateOrder } from './create-order.dto.js';

const full = apiV1Body(CREATE_ORDER_REQUIRED);
const metadata = { type: 'body' as const, metatype: CreateOrderDto, data: undefined };

/** What the full validation answers: the DTO it made, or the error it threw (status and body). */
async function fullAnswer(body: unknown): Promise<{ ok: unknown } | { error: unknown }> {
  try {
    return { ok: await full.transform(body, metadata) };
  } catch (error) {
    const e = error as { getStatus(): number; getResponse(): unknown };
    return { error: [e.getStatus(), e.getResponse()] };
  }
}

const anyValue = fc.oneof(fc.string(), fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant([]), fc.constant({}));
const numberish = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: -5, max: 1_005 }), fc.constant(0), fc.constant(100), fc.constant(1000), fc.constant(1001), anyValue);
const text = fc.oneof(fc.string({ maxLength: 30 }), fc.string({ unit: 'grapheme', maxLength: 30 }), anyValue);

/** Mostly a valid value (so the fast path is reached often), else an edge, another type or nothing. */
const mostly = <T>(valid: fc.Arbitrary<T>, other: fc.Arbitrary<unknown>) =>
  fc.oneof({ arbitrary: valid, weight: 12 }, { arbitrary: other, weight: 1 }, { arbitrary: fc.constant(undefined), weight: 1 });
const optional = (valid: fc.Arbitrary<unknown>, other: fc.Arbitrary<unknown>) =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: fc.constant(null), weight: 1 }, { arbitrary: valid, weight: 3 }, { arbitrary: other, weight: 1 });

/** Bodies near the valid ones: each field valid, at an edge, of another type, or absent; sometimes a stray field. */
const bodies = fc
  .record({
    symbol: mostly(fc.constantFrom(...INSTRUMENTS.map((i) => i.symbol)), fc.oneof(fc.constant('NOPE'), anyValue)),
    type: mostly(fc.constantFrom('BUY', 'SELL'), fc.oneof(fc.constantFrom('buy', ''), anyValue)),
    quantity: mostly(fc.double({ min: 1e-9, max: 1e6, noNaN: true }), numberish),
    leverage: mostly(fc.integer({ min: 1, max: 1000 }), numberish),
    slippage: optional(fc.double({ min: 0, max: 100, noNaN: true }), numberish),
    takeProfit: optional(fc.double({ min: 1e-9, max: 1e6, noNaN: true }), numberish),
    stopLoss: optional(fc.double({ min: 1e-9, max: 1e6, noNaN: true }), numberish),
    accountId: optional(fc.oneof(fc.integer(), fc.string()), anyValue),
    clientId: optional(fc.string({ maxLength: 26 }), text),
    comment: optional(fc.string({ maxLength: 26 }), text),
    extra: fc.oneof({ arbitrary: fc.constant(undefined), weight: 10 }, { arbitrary: anyValue, weight: 1 }),
  })
  .map((body) => JSON.parse(JSON.stringify(body)) as Record<string, unknown>);

describe('the create-order fast path', () => {
  it('accepts only what the full validation accepts, and makes the same DTO of it', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        if (!isCertainlyValidCreateOrder(body)) return;
        accepted += 1;
        const answer = await fullAnswer(structuredClone(body));
        expect(answer).toEqual({ ok: Object.assign(new CreateOrderDto(), body) });
        const fast = withFastPath(full, isCertainlyValidCreateOrder).transform(body, metadata);
        expect(fast).toBeInstanceOf(CreateOrderDto);
        expect(fast).toEqual((answer as { ok: unknown }).ok);
      }),
      { numRuns: 3_000 },
    );
    // The generator must reach the fast path often enough for the property to mean something.
    expect(accepted).toBeGreaterThan(300);
  });

  it('leaves every refusal to the full validation, wording included', async () => {
    const pipe = withFastPath(full, isCertainlyValidCreateOrder);
    const refused = [
      {},
      { symbol: 'EURUSD', type: 'BUY', quantity: -1, leverage: 100 },
      { symbol: 'EURUSD', type: 'BUY', quantity: 1, leverage: 100, extra: 1 },
      { symbol: 'EURUSD', type: 'BUY', quantity: 1, leverage: 100, comment: 'x'.repeat(27) },
      [],
    ];
    for (const body of refused) {
      const fast = await Promise.resolve()
        .then(() => pipe.transform(structuredClone(body), metadata))
        .then(
          () => ({ error: 'accepted' }),
          (e: { getStatus(): number; getResponse(): unknown }) => ({ error: [e.getStatus(), e.getResponse()] }),
        );
      expect(fast).toEqual(await fullAnswer(structuredClone(body)));
      expect(fast.error).not.toBe('accepted');
    }
  });
});
