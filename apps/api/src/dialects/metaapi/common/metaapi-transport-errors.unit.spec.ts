import { metaApiErrorPayload } from './metaapi-transport-errors.js';

describe('an error answered before a MetaApi handler ran', () => {
  it('is rewritten into MetaApi’s shape with the error named after its status', () => {
    const payload = JSON.stringify({ error: "Body is not valid JSON but content-type is set to 'application/json'" });
    expect(JSON.parse(metaApiErrorPayload('/users/current/accounts/1/trade', 400, payload) as string)).toEqual({
      id: 1,
      error: 'ValidationError',
      message: "Body is not valid JSON but content-type is set to 'application/json'",
    });
    expect(JSON.parse(metaApiErrorPayload('/users/current/accounts/1/nothing?x=1', 404, '{"error":"Cannot GET"}') as string)).toMatchObject({
      error: 'NotFoundError',
    });
  });

  it.each([
    ['a MetaApi error already', '/users/current/accounts/1/trade', 400, '{"id":1,"error":"ValidationError","message":"Validation failed"}'],
    ['a success', '/users/current/accounts/1/trade', 200, '{"numericCode":10009}'],
    ['another dialect’s path', '/api/v1/trade/create', 400, '{"error":"bad"}'],
    ['a path that only starts alike', '/users/current/accountsX', 404, '{"error":"x"}'],
    ['not JSON', '/users/current/accounts/1/trade', 500, 'oops'],
  ])('is left exactly as it is when it is %s', (_name, url, status, payload) => {
    expect(metaApiErrorPayload(url, status, payload)).toBe(payload);
  });
});
