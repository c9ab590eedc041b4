/**
 * OpenAPI decorators of the `/api/v1` controllers (seeds 000 and 002, accounts, market data,
 * admin), kept here so each controller carries one line per endpoint. Bodies are described by
 * inline schemas with the seeds' examples; the DTO classes stay as they are.
 */
import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';

const error = (example: string) => ({ type: 'object', properties: { error: { type: 'string' } }, example: { error: example } });
const SYMBOL_ENUM = ['BTCUSD', 'ETHUSD', 'SOLUSD', 'EURUSD', 'GBPUSD', 'USDJPY', 'AUDNZD', 'NZDUSD', 'XAUUSD'];
const unauthorized = ApiResponse({ status: 401, description: 'Missing or bad credentials', schema: error('Unauthorized') });

/** Class-level: a controller of the `/api/v1` user surface (JWT bearer, raw JWT, auth-token or Basic). */
export const ApiV1 = (tag: string) => applyDecorators(ApiTags(tag), ApiBearerAuth('bearer'), ApiSecurity('basic'));
/** Class-level: a public `/api/v1` controller (sign-up, sign-in). */
export const ApiV1Public = (tag: string) => ApiTags(tag);
/** Class-level: an admin controller (x-admin-token). */
export const ApiAdmin = () => applyDecorators(ApiTags('Admin'), ApiSecurity('admin'));

const credentials = {
  type: 'object',
  required: ['email', 'password'],
  properties: { email: { type: 'string', format: 'email', maxLength: 254 }, password: { type: 'string', minLength: 8, maxLength: 256 } },
};

export const SignupDocs = () =>
  applyDecorators(
    ApiOperation({ summary: 'Sign up', description: 'A new user with one USD account in group demo, funded with DEMO_BALANCE.' }),
    ApiBody({ schema: credentials, examples: { signup: { value: { email: 'trader@example.com', password: 'correct-horse-1' } } } }),
    ApiResponse({ status: 201, schema: { type: 'object', properties: { userId: { type: 'string' }, accountId: { type: 'string' } }, example: { userId: '1', accountId: '100001' } } }),
    ApiResponse({ status: 400, schema: error('password must be at least 8 characters') }),
    ApiResponse({ status: 409, schema: error('Email is already registered') }),
  );

export const SigninDocs = () =>
  applyDecorators(
    ApiOperation({ summary: 'Sign in (users and managers)', description: 'A JWT; a manager’s token carries the manager access type (acc: manager).' }),
    ApiBody({ schema: credentials, examples: { signin: { value: { email: 'trader@example.com', password: 'correct-horse-1' } } } }),
    ApiResponse({ status: 200, schema: { type: 'object', properties: { token: { type: 'string' } }, example: { token: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...' } } }),
    ApiResponse({ status: 401, schema: error('Invalid email or password') }),
    ApiResponse({ status: 429, schema: error('Too many failed sign-ins: wait before trying again') }),
  );

export const SignoutDocs = () =>
  applyDecorators(
    ApiOperation({
      summary: 'Sign out',
      description: 'Revokes the session of the token sent (Bearer, raw Authorization or auth-token): from then on that token answers 401 everywhere.',
    }),
    ApiResponse({ status: 200, schema: { type: 'object', properties: { message: { type: 'string' } }, example: { message: 'Signed out' } } }),
    ApiResponse({ status: 400, schema: error('HTTP Basic credentials have no session to sign out of: sign out with the token from /api/v1/user/signin') }),
    unauthorized,
  );

const ACCOUNT_EXAMPLE = {
  accountId: '100001',
  login: 100001,
  name: 'Main',
  group: 'demo',
  currency: 'USD',
  leverage: 100,
  balance: 10000,
  equity: 10000,
  margin: 0,
  freeMargin: 10000,
  marginLevel: 0,
};

export const ListAccountsDocs = () =>
  applyDecorators(ApiOperation({ summary: 'List your accounts' }), ApiResponse({ status: 200, schema: { example: { accounts: [ACCOUNT_EXAMPLE] } } }), unauthorized);

export const OpenAccountDocs = () =>
  applyDecorators(
    ApiOperation({ summary: 'Open another account' }),
    ApiBody({
      schema: { type: 'object', properties: { name: { type: 'string', maxLength: 64 }, leverage: { type: 'integer', minimum: 1, maximum: 1000 } } },
      examples: { savings: { value: { name: 'Savings', leverage: 50 } } },
    }),
    ApiResponse({ status: 201, schema: { example: { ...ACCOUNT_EXAMPLE, accountId: '100002', login: 100002, name: 'Savings', leverage: 50, balance: 0, equity: 0, freeMargin: 0 } } }),
    unauthorized,
  );

export const GetAccountDocs = () =>
  applyDecorators(
    ApiOperation({ summary: 'One of your accounts' }),
    ApiParam({ name: 'accountId', example: '100001' }),
    ApiResponse({ status: 200, schema: { example: ACCOUNT_EXAMPLE } }),
    ApiResponse({ status: 404, schema: error('Account not found') }),
    unauthorized,
  );

const SEED_000_BASIC = { symbol: 'BTCUSD', type: 'BUY', quantity: 0.5, leverage: 10 };
const SEED_000_ETH = { symbol: 'ETHUSD', type: 'SELL', quantity: 2.0, leverage: 20, slippage: 0.5, takeProfit: 1800.0, stopLoss: 1950.0 };

export const CreateOrderDocs = () =>
  applyDecorators(
    ApiOperation({ summary: 'Create a market order (seed 000)', description: 'Answered within 3 seconds, else the seed’s 408; a timed-out command is never executed later.' }),
    ApiBody({
      schema: {
        type: 'object',
        required: ['symbol', 'type', 'quantity', 'leverage'],
        properties: {
          symbol: { type: 'string', enum: SYMBOL_ENUM },
          type: { type: 'string', enum: ['BUY', 'SELL'] },
          quantity: { type: 'number', minimum: 0, exclusiveMinimum: true, description: 'Lots' },
          leverage: { type: 'integer', minimum: 1, maximum: 1000 },
          slippage: { type: 'number', minimum: 0, maximum: 100, nullable: true, description: 'Percent of the price quoted when the request arrived' },
          takeProfit: { type: 'number', nullable: true },
          stopLoss: { type: 'number', nullable: true },
          accountId: { type: 'string', description: 'Default: your first account' },
          clientId: { type: 'string', maxLength: 26 },
          comment: { type: 'string', maxLength: 26 },
        },
      },
      examples: {
        basic: { summary: 'Seed 000: basic BUY', value: SEED_000_BASIC },
        takeProfitStopLoss: { summary: 'Seed 000: SELL with take profit and stop loss', value: SEED_000_ETH },
        missing: { summary: 'Seed 000: missing parameters (400)', value: { symbol: 'BTCUSD', quantity: 0.5 } },
      },
    }),
    ApiResponse({ status: 200, schema: { example: { message: 'Order created successfully', orderId: '1000001' } } }),
    ApiResponse({ status: 400, schema: { example: { error: 'Missing required parameters: symbol, type, quantity, leverage' } } }),
    unauthorized,
    ApiResponse({
      status: 408,
      schema: {
        example: {
          error: 'Request timeout: No response received within 3 seconds',
          message: 'Order creation request timed out. The order may have been cancelled.',
          timeout: true,
        },
      },
    }),
  );

export const CloseOrderDocs = () =>
  applyDecorators(
    ApiOperation({ summary: 'Close a position, or part of it', description: 'A quantity below the open one closes part; the position keeps its id.' }),
    ApiBody({
      schema: {
        type: 'object',
        required: ['orderId'],
        properties: { orderId: { type: 'string' }, quantity: { type: 'number', minimum: 0, exclusiveMinimum: true, nullable: true }, accountId: { type: 'string' } },
      },
      examples: { full: { value: { orderId: '1000001' } }, partial: { value: { orderId: '1000001', quantity: 0.2 } } },
    }),
    ApiResponse({ status: 200, schema: { example: { message: 'Order closed successfully', orderId: '1000001', closePrice: 42350.75, profit: 175.38, quantity: 0.5 } } }),
    ApiResponse({ status: 400, schema: error('A close volume exceeds the current position volume: EXCEEDS_OPEN_VOLUME') }),
    ApiResponse({ status: 404, schema: error('Order not found') }),
    unauthorized,
  );

const SEED_002_ROWS = [
  {
    orderId: '1000001',
    symbol: 'BTCUSD',
    type: 'BUY',
    quantity: 0.5,
    leverage: 10,
    openPrice: 42000.0,
    currentPrice: 42350.75,
    profit: 175.38,
    takeProfit: 45000.0,
    stopLoss: 40000.0,
    openTime: '2026-03-03T10:30:00.000Z',
    status: 'OPEN',
  },
  {
    orderId: '1000002',
    symbol: 'ETHUSD',
    type: 'SELL',
    quantity: 2.0,
    leverage: 20,
    openPrice: 1900.0,
    currentPrice: 1875.5,
    profit: 49.0,
    takeProfit: 1800.0,
    stopLoss: 1950.0,
    openTime: '2026-03-03T09:15:00.000Z',
    status: 'OPEN',
  },
];

const accountQuery = ApiQuery({ name: 'accountId', required: false, description: 'Default: your first account' });

export const ListOpenOrdersDocs = () =>
  applyDecorators(
    ApiOperation({ summary: 'Open positions with live price and profit (seed 002)', description: '`/api/v1/trade/orders` is an alias.' }),
    accountQuery,
    ApiQuery({ name: 'clientId', required: false }),
    ApiResponse({ status: 200, schema: { example: { message: SEED_002_ROWS } } }),
    unauthorized,
  );

export const ListClosedOrdersDocs = () =>
  applyDecorators(
    ApiOperation({ summary: 'Closed history, newest first', description: '`/api/v1/trade/close` (GET) is an alias.' }),
    accountQuery,
    ApiResponse({
      status: 200,
      schema: {
        example: {
          message: [{ ...SEED_002_ROWS[0], closePrice: 42350.75, currentPrice: 42350.75, closeTime: '2026-03-03T11:00:00.000Z', profit: 175.38, closeReason: 'MANUAL', status: 'CLOSED' }],
        },
      },
    }),
    unauthorized,
  );

export const SymbolsDocs = () =>
  applyDecorators(
    ApiTags('Market data'),
    ApiOperation({ summary: 'Instruments: digits, contract size, volume min/step/max, maximum leverage' }),
    ApiResponse({
      status: 200,
      schema: {
        example: {
          symbols: [
            { symbol: 'BTCUSD', description: 'Bitcoin vs US Dollar', category: 'crypto', baseCurrency: 'BTC', quoteCurrency: 'USD', digits: 2, contractSize: 1, volumeMin: 0.01, volumeStep: 0.01, volumeMax: 100, maxLeverage: 100 },
          ],
        },
      },
    }),
  );

export const PricesDocs = () =>
  applyDecorators(ApiTags('Market data'), ApiOperation({ summary: 'Latest bid/ask per symbol' }), ApiResponse({ status: 200, schema: { example: { prices: [{ symbol: 'BTCUSD', bid: 41990, ask: 42000, time: '2026-03-03T10:30:00.000Z' }] } } }));

const tick = { type: 'object', required: ['symbol', 'bid', 'ask'], properties: { symbol: { type: 'string', enum: SYMBOL_ENUM }, bid: { type: 'number' }, ask: { type: 'number' } } };

export const ApplyTicksDocs = () =>
  applyDecorators(
    ApiOperation({ summary: 'Feed prices', description: 'Answers once the engine applied every tick (fills, TP/SL, stop-out, expiry) and the read models show the result.' }),
    ApiBody({
      schema: { oneOf: [tick, { type: 'array', items: tick, maxItems: 10000 }] },
      examples: { one: { value: { symbol: 'BTCUSD', bid: 41990, ask: 42000 } }, many: { value: [{ symbol: 'BTCUSD', bid: 41990, ask: 42000 }, { symbol: 'EURUSD', bid: 1.08995, ask: 1.09 }] } },
    }),
    ApiResponse({ status: 200, schema: { example: { applied: 2 } } }),
    ApiResponse({ status: 400, schema: error('tick 0: ask must not be below bid') }),
    ApiResponse({ status: 403, schema: error('Invalid admin token (x-admin-token)') }),
  );

export const ChangeBalanceDocs = () =>
  applyDecorators(
    ApiOperation({ summary: 'Deposit, or withdraw when negative', description: 'A withdrawal larger than the free margin is refused with 400.' }),
    ApiParam({ name: 'accountId', example: '100001' }),
    ApiBody({
      schema: { type: 'object', required: ['amount'], properties: { amount: { type: 'number', description: 'At most 2 decimals' }, comment: { type: 'string', maxLength: 256 } } },
      examples: { deposit: { value: { amount: 500.25, comment: 'bonus' } }, withdrawal: { value: { amount: -100, comment: 'payout' } } },
    }),
    ApiResponse({ status: 200, schema: { example: { accountId: '100001', balance: 10500.25 } } }),
    ApiResponse({ status: 404, schema: error('Account not found') }),
  );

export const DefineGroupDocs = () =>
  applyDecorators(
    ApiOperation({ summary: 'Define (or redefine) a group' }),
    ApiBody({
      schema: {
        type: 'object',
        required: ['name', 'leverage', 'marginCall', 'stopOut'],
        properties: {
          name: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$' },
          leverage: { type: 'integer', minimum: 1, maximum: 1000 },
          marginCall: { type: 'number' },
          stopOut: { type: 'number' },
          maxLeverage: { type: 'integer' },
          commissionPerLot: { type: 'number' },
          symbols: { type: 'array', items: { type: 'string', enum: SYMBOL_ENUM } },
          hedging: { type: 'boolean' },
        },
      },
      examples: { vip: { value: { name: 'vip', leverage: 200, marginCall: 100, stopOut: 50, commissionPerLot: 3.5 } } },
    }),
    ApiResponse({ status: 200, schema: { example: { group: { name: 'vip', leverage: 200, maxLeverage: 1000, marginCallPercent: '100', stopOutPercent: '50', commissionPerLot: '3.5', symbols: null, hedging: true } } } }),
  );

export const ListGroupsDocs = () => applyDecorators(ApiOperation({ summary: 'Defined groups' }), ApiResponse({ status: 200, schema: { example: { groups: [] } } }));

export const MoveAccountDocs = () =>
  applyDecorators(
    ApiOperation({ summary: 'Move an account into a group' }),
    ApiParam({ name: 'accountId', example: '100001' }),
    ApiBody({ schema: { type: 'object', required: ['group'], properties: { group: { type: 'string' } } }, examples: { vip: { value: { group: 'vip' } } } }),
    ApiResponse({ status: 200, schema: { example: { accountId: '100001', group: 'vip', leverage: 200 } } }),
    ApiResponse({ status: 404, schema: error('Group not found') }),
  );

export const HealthDocs = () =>
  applyDecorators(ApiTags('Health'), ApiOperation({ summary: 'Readiness: each component’s status (503 when one is down)' }));
export const LiveDocs = () => applyDecorators(ApiTags('Health'), ApiOperation({ summary: 'Liveness' }));
