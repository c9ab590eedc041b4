/**
 * The OpenAPI documentation of every dialect: Swagger UI at /docs, the document at /docs-json, each
 * dialect's trade endpoint listed, and the seeds' request examples among the documented examples.
 */
import { jest } from '@jest/globals';
import { useService } from '../support/service.js';

jest.setTimeout(30_000);

const service = useService();

/** Seed 000's basic example, seed 001's OpenTrade, seed 003's Place Trade (as documented). */
const SEED_000 = { symbol: 'BTCUSD', type: 'BUY', quantity: 0.5, leverage: 10 };
const SEED_001 = { login: 1001, cmd: 0, volume: 100, symbol: 'EURUSD', sl: 1.085, tp: 1.1, open_price: 1.09, comment: 'Scalping order' };
const SEED_003_FIELDS = { trade_type: 'BUY', amount: 1, order_type: 'LIMIT', price: 123, position_action: 'OPEN' };

describe('OpenAPI documentation', () => {
  describe('the service is running', () => {
    let document: any;

    beforeAll(async () => {
      const result = await service().http('GET', '/docs-json');
      expect(result.status).toBe(200);
      document = result.body;
    });

    it('serves an OpenAPI 3 document at /docs-json titled Tradestream', () => {
      expect(document.openapi).toMatch(/^3\./);
      expect(document.info.title).toBe('Tradestream');
    });

    it('serves Swagger UI at /docs', async () => {
      const result = await service().http('GET', '/docs');

      expect(result.status).toBe(200);
      expect(result.headers.get('content-type')).toMatch(/text\/html/);
      expect(String(result.body)).toMatch(/swagger-ui/i);
    });

    it('lists the trade endpoint of every dialect and the MT4 sign-in', () => {
      expect(Object.keys(document.paths)).toEqual(
        expect.arrayContaining(['/api/v1/trade/create', '/trade/open', '/sign/in', '/trading/orders', '/users/current/accounts/{accountId}/trade']),
      );
    });

    it('lists the Hummingbot reads and cancel, and the admin managers endpoint', () => {
      expect(document.paths['/trading/positions']).toEqual(expect.objectContaining({ get: expect.any(Object), post: expect.any(Object) }));
      expect(document.paths['/trading/orders/active']).toEqual(expect.objectContaining({ get: expect.any(Object), post: expect.any(Object) }));
      expect(document.paths['/trading/{account_name}/{connector_name}/orders/{client_order_id}/cancel']?.post).toBeDefined();
      expect(document.paths['/api/v1/admin/managers']?.post).toBeDefined();
    });

    it("carries seed 000's, seed 001's and seed 003's request bodies as examples", () => {
      const examples = (path: string) => Object.values(document.paths[path].post.requestBody.content['application/json'].examples).map((e: any) => e.value);

      expect(examples('/api/v1/trade/create')).toContainEqual(SEED_000);
      expect(examples('/trade/open')).toContainEqual(SEED_001);
      expect(examples('/trading/orders')).toContainEqual(expect.objectContaining({ connector_name: 'tradestream', trading_pair: 'BTC-USD', ...SEED_003_FIELDS }));
    });

    it("documents each seed's answers: MT4's five error codes with their statuses, Hummingbot's 201 and 422", () => {
      const mt4 = document.paths['/trade/open'].post.responses;
      const hummingbot = document.paths['/trading/orders'].post.responses;

      expect(Object.keys(mt4)).toEqual(expect.arrayContaining(['200', '400', '401', '403', '404', '500']));
      expect(mt4['403'].description).toMatch(/USER_NOT_FOUND/);
      expect(mt4['404'].description).toMatch(/GROUP_NOT_FOUND/);
      expect(hummingbot['201'].content['application/json'].example).toMatchObject({ status: 'submitted', amount: expect.any(String) });
      expect(hummingbot['422'].content['application/json'].example.detail[0]).toEqual(expect.objectContaining({ loc: expect.any(Array), msg: expect.any(String), type: expect.any(String) }));
    });

    it('gives every MT4, Hummingbot and /api/v1 trading operation a summary and a tag', () => {
      const operations = Object.entries(document.paths as Record<string, Record<string, any>>)
        .filter(([path]) => /^\/(sign|trade|trading)\/|^\/api\/v1\/(trade|accounts|user|admin\/(managers|ticks|groups))/.test(path))
        .flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ operation: `${method.toUpperCase()} ${path}`, summary: op.summary, tags: op.tags })));

      expect(operations.length).toBeGreaterThan(15);
      for (const op of operations) expect(op).toEqual({ operation: op.operation, summary: expect.any(String), tags: [expect.any(String)] });
    });

    it('declares the credential forms: bearer JWT, Basic, the raw MT4 session header and the admin token', () => {
      expect(Object.keys(document.components.securitySchemes)).toEqual(expect.arrayContaining(['bearer', 'basic', 'mt4-session', 'admin']));
      expect(document.components.securitySchemes['mt4-session']).toEqual(expect.objectContaining({ type: 'apiKey', in: 'header', name: 'Authorization' }));
    });
  });
});
