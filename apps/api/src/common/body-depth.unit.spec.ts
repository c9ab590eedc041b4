import { bodyProblem, bodyProblemMessage, MAX_BODY_DEPTH, nestedDeeperThan } from './body-depth.js';

const nest = (levels: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < levels; i += 1) value = i % 2 === 0 ? { a: value } : [value];
  return value;
};

describe('the nesting of a request body', () => {
  it('of ordinary bodies is within the limit', () => {
    expect(nestedDeeperThan({ actionType: 'ORDER_TYPE_BUY', expiration: { type: 'ORDER_TIME_GTC' }, fillingModes: ['ORDER_FILLING_FOK'] }, MAX_BODY_DEPTH)).toBe(false);
    expect(nestedDeeperThan([{ symbol: 'BTCUSD', bid: 1, ask: 2 }], MAX_BODY_DEPTH)).toBe(false);
    expect(nestedDeeperThan('text', MAX_BODY_DEPTH)).toBe(false);
  });

  it('is refused one level past the limit, and exactly at it accepted', () => {
    expect(nestedDeeperThan(nest(MAX_BODY_DEPTH), MAX_BODY_DEPTH)).toBe(false);
    expect(nestedDeeperThan(nest(MAX_BODY_DEPTH + 1), MAX_BODY_DEPTH)).toBe(true);
  });

  it('of a body a million levels deep is judged without overflowing the stack', () => {
    expect(nestedDeeperThan(nest(1_000_000), MAX_BODY_DEPTH)).toBe(true);
  });
});

describe('a request body with a reserved property name or ill-formed text', () => {
  it.each(['toString', 'hasOwnProperty', 'constructor', 'prototype', 'valueOf', '__proto__'])('naming %s, even nested, is refused', (key) => {
    expect(bodyProblem(JSON.parse(`{"symbol":"BTCUSD","${key}":1}`))).toEqual({ kind: 'reserved-key', key });
    expect(bodyProblem(JSON.parse(`{"expiration":{"${key}":{"x":1}}}`))).toEqual({ kind: 'reserved-key', key });
  });

  it('with a lone surrogate in a value or a key is refused; ordinary unicode is not', () => {
    expect(bodyProblem({ email: '\ud800@example.com' })).toEqual({ kind: 'ill-formed-text' });
    expect(bodyProblem([{ ['\udc00']: 1 }])).toEqual({ kind: 'ill-formed-text' });
    expect(bodyProblem({ comment: 'Ünïcödé 😀 𝟘 ١٢٣', list: ['\u202e'] })).toBeUndefined();
  });

  it('names the problem in the message', () => {
    expect(bodyProblemMessage({ kind: 'reserved-key', key: 'toString' })).toBe('property toString should not exist (a reserved name in a JSON body)');
  });
});
