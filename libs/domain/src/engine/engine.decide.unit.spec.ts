// Imported through the library's public entry point, so the tests follow the contract rather than
// the internal file layout of the engine.
import {
  parseFixed,
  type ApplyTick,
  type ChangeBalance,
  type ClosePosition,
  type DomainEvent,
  type OpenAccount,
  type PlaceOrder,
  type PositionClosed,
  type PositionOpened,
  type RegisterUser,
} from '../index.js';
import { given } from '../testing/decider-spec.js';
import {
  ANN,
  ANN_ACCOUNT,
  AT,
  ann,
  BOB,
  BOB_ACCOUNT,
  bob,
  changeBalance as balanceChange,
  closed,
  closePosition,
  EARLIER,
  marketOrder as order,
  NOW,
  opened,
  pricesAt,
  rejected,
  shortest,
  tick,
  used,
} from '../testing/trading-fixtures.js';

// ---------------------------------------------------------------------------------------------
// Fixtures: the shared literal events and commands (testing/trading-fixtures.ts), and what only these specs use.
// ---------------------------------------------------------------------------------------------

const BTC = { BTCUSD: ['42000.00', '42000.50'] as [string, string] };
/** A close of ANN's position 1000001 (override what differs). */
const close = (overrides: Partial<ClosePosition> = {}): ClosePosition => closePosition(overrides.orderId ?? 1_000_001, overrides.volume ?? null, overrides);

// ---------------------------------------------------------------------------------------------
// RegisterUser and OpenAccount
// ---------------------------------------------------------------------------------------------

describe('RegisterUser', () => {
  const register = (email: string, initialBalance = '10000'): RegisterUser => ({
    type: 'RegisterUser',
    commandId: 'cmd-1',
    email,
    passwordHash: 'argon2-hash',
    initialBalance,
  });

  describe('an engine with no users', () => {
    it('registers user 1 with a demo USD account 100001 at 1:100 and deposits 10000', () => {
      given([])
        .when(register(' Ann@Example.COM '), pricesAt({}))
        .then([
          { type: 'UserRegistered', data: { userId: 1, email: 'ann@example.com', passwordHash: 'argon2-hash', registeredAt: AT } },
          {
            type: 'AccountOpened',
            data: { accountId: 100_001, userId: 1, name: 'Main', group: 'demo', currency: 'USD', leverage: 100, openedAt: AT },
          },
          {
            type: 'BalanceChanged',
            data: {
              accountId: 100_001,
              kind: 'DEPOSIT',
              amount: '10000',
              balance: '10000',
              comment: 'Initial deposit',
              changedAt: AT,
            },
          },
        ])
        .thenOutcome({ code: 'TRADE_RETCODE_DONE', userId: 1, accountId: 100_001 });
    });

    it('records no deposit for a zero initial balance', () => {
      const decision = given([]).when(register('ann@example.com', '0'), pricesAt({})).decision;
      expect(decision.events.map((e) => e.type)).toEqual(['UserRegistered', 'AccountOpened']);
    });

    it('rounds the initial balance to the cent: 2500.555 → 2500.56', () => {
      const decision = given([]).when(register('ann@example.com', '2500.555'), pricesAt({})).decision;
      expect(decision.events[2]).toEqual({
        type: 'BalanceChanged',
        data: { accountId: 100_001, kind: 'DEPOSIT', amount: '2500.56', balance: '2500.56', comment: 'Initial deposit', changedAt: AT },
      });
    });

    it('refuses a non-decimal initial balance with no events', () => {
      given([])
        .when(register('ann@example.com', '10k'), pricesAt({}))
        .then([])
        .thenOutcome({ code: 'TRADE_RETCODE_INVALID', reason: 'INVALID_AMOUNT' });
    });
  });

  describe('an engine where ann@example.com is registered', () => {
    it.each(['ann@example.com', 'ANN@EXAMPLE.COM', '  Ann@Example.com'])('refuses %j as EMAIL_TAKEN with no events', (email) => {
      given(ann())
        .when(register(email), pricesAt({}))
        .then([])
        .thenOutcome({ code: 'TRADE_RETCODE_REJECT', reason: 'EMAIL_TAKEN' });
    });

    it('gives the next user id 2 and account id 100002', () => {
      given(ann())
        .when(register('bob@example.com', '0'), pricesAt({}))
        .thenOutcome({ code: 'TRADE_RETCODE_DONE', userId: 2, accountId: 100_002 });
    });
  });
});

describe('OpenAccount', () => {
  const openAccount = (overrides: Partial<OpenAccount> = {}): OpenAccount => ({
    type: 'OpenAccount',
    commandId: 'cmd-1',
    userId: ANN,
    name: null,
    leverage: null,
    ...overrides,
  });

  describe('a user with one account', () => {
    it('opens "Account 2" in demo at the group leverage 1:100 with the next account id', () => {
      given(ann())
        .when(openAccount(), pricesAt({}))
        .then([
          {
            type: 'AccountOpened',
            data: { accountId: 100_002, userId: ANN, name: 'Account 2', group: 'demo', currency: 'USD', leverage: 100, openedAt: AT },
          },
        ])
        .thenOutcome({ code: 'TRADE_RETCODE_DONE', userId: ANN, accountId: 100_002 });
    });

    it('keeps a given name and leverage', () => {
      const { events } = given(ann()).when(openAccount({ name: 'Swing', leverage: 500 }), pricesAt({})).decision;
      expect(events).toEqual([
        {
          type: 'AccountOpened',
          data: { accountId: 100_002, userId: ANN, name: 'Swing', group: 'demo', currency: 'USD', leverage: 500, openedAt: AT },
        },
      ]);
    });

    it.each([0, 1001, 2.5])('refuses leverage %d with no events', (leverage) => {
      given(ann())
        .when(openAccount({ leverage }), pricesAt({}))
        .then([])
        .thenOutcome({ code: 'TRADE_RETCODE_INVALID', reason: 'INVALID_LEVERAGE' });
    });

    it('refuses an unknown user with no events', () => {
      given(ann())
        .when(openAccount({ userId: 42 }), pricesAt({}))
        .then([])
        .thenOutcome({ code: 'TRADE_RETCODE_INVALID', reason: 'USER_NOT_FOUND' });
    });
  });
});

// ---------------------------------------------------------------------------------------------
// PlaceOrder
// ---------------------------------------------------------------------------------------------

describe('PlaceOrder', () => {
  describe('an account with 10000 USD and no positions, BTCUSD 42000.00 / 42000.50', () => {
    it('opens a BUY at the ask and holds margin of 4200.05 (1 lot × 42000.50 / 10)', () => {
      given(ann())
        .when(order(), pricesAt(BTC))
        .then([
          {
            type: 'PositionOpened',
            data: {
              accountId: ANN_ACCOUNT,
              orderId: 1_000_001,
              symbol: 'BTCUSD',
              side: 'BUY',
              volume: '1',
              openPrice: '42000.5',
              leverage: 10,
              margin: '4200.05',
              takeProfit: null,
              stopLoss: null,
              openTime: AT,
              quote: used('42000', '42000.5'),
              clientId: null,
              comment: null,
              orderType: 'MARKET',
              commission: '0', // demo group: no commission
              balance: '10000', // unchanged by a zero commission
              magic: null,
            },
          },
        ])
        .thenOutcome({ code: 'TRADE_RETCODE_DONE', accountId: ANN_ACCOUNT, orderId: 1_000_001, price: '42000.5', volume: '1' });
    });

    it("opens a SELL at the bid at the account's 1:100 and holds margin of 42.00 (0.1 × 42000.00 / 100)", () => {
      given(ann())
        .when(order({ side: 'SELL', volume: '0.10', leverage: null, clientId: 'c-7', comment: 'hedge' }), pricesAt(BTC))
        .then([
          {
            type: 'PositionOpened',
            data: {
              accountId: ANN_ACCOUNT,
              orderId: 1_000_001,
              symbol: 'BTCUSD',
              side: 'SELL',
              volume: '0.1',
              openPrice: '42000',
              leverage: 100,
              margin: '42',
              takeProfit: null,
              stopLoss: null,
              openTime: AT,
              quote: used('42000', '42000.5'),
              clientId: 'c-7',
              comment: 'hedge',
              orderType: 'MARKET',
              commission: '0',
              balance: '10000',
              magic: null,
            },
          },
        ])
        .thenOutcome({ code: 'TRADE_RETCODE_DONE', orderId: 1_000_001, price: '42000', volume: '0.1' });
    });

    it('carries the magic number and client tags into the position (MetaApi / MT4 expert id)', () => {
      const { events } = given(ann()).when(order({ magic: 123456, clientId: 'ea-1', comment: 'grid' }), pricesAt(BTC)).decision;
      expect((events[0] as PositionOpened).data).toMatchObject({ magic: 123456, clientId: 'ea-1', comment: 'grid', orderType: 'MARKET' });
    });

    it('holds 420.01 for 1 lot at 1:100 (42000.50 / 100 = 420.005, a tie rounded up)', () => {
      const { events } = given(ann()).when(order({ leverage: 100 }), pricesAt(BTC)).decision;
      expect((events[0] as PositionOpened).data.margin).toBe('420.01');
    });

    it('opens a SELL EURUSD with TP and SL at the bid 1.08500, margin 1085.00 (100000 × 1.085 / 100)', () => {
      given(ann())
        .when(
          order({ symbol: 'EURUSD', side: 'SELL', volume: '1', leverage: 100, takeProfit: '1.08000', stopLoss: '1.09' }),
          pricesAt({ EURUSD: ['1.08500', '1.08510'] }),
        )
        .then([
          {
            type: 'PositionOpened',
            data: {
              accountId: ANN_ACCOUNT,
              orderId: 1_000_001,
              symbol: 'EURUSD',
              side: 'SELL',
              volume: '1',
              openPrice: '1.085',
              leverage: 100,
              margin: '1085',
              takeProfit: '1.08',
              stopLoss: '1.09',
              openTime: AT,
              quote: used('1.085', '1.0851'),
              clientId: null,
              comment: null,
              orderType: 'MARKET',
              commission: '0', // demo group: no commission
              balance: '10000', // unchanged by a zero commission
              magic: null,
            },
          },
        ]);
    });

    it('opens a BUY USDJPY at the ask 150.005, margin 1000.03 (15000500 JPY / mid 150.000 / 100)', () => {
      const { events } = given(ann()).when(order({ symbol: 'USDJPY', leverage: 100 }), pricesAt({ USDJPY: ['149.995', '150.005'] })).decision;
      expect(events).toHaveLength(1);
      expect((events[0] as PositionOpened).data).toMatchObject({ openPrice: '150.005', margin: '1000.03' });
    });

    it('opens a BUY AUDNZD at the ask 1.09010, margin 665.02 (109010 NZD × NZDUSD mid 0.61005 / 100 = 665.0155)', () => {
      const { events } = given(ann()).when(
        order({ symbol: 'AUDNZD', leverage: 100 }),
        pricesAt({ AUDNZD: ['1.09000', '1.09010'], NZDUSD: ['0.61000', '0.61010'] }),
      ).decision;
      expect((events[0] as PositionOpened).data).toMatchObject({ openPrice: '1.0901', margin: '665.02' });
    });

    it('rejects AUDNZD with PRICE_OFF when NZDUSD has no price to convert the margin', () => {
      given(ann())
        .when(order({ symbol: 'AUDNZD', leverage: 100 }), pricesAt({ AUDNZD: ['1.09000', '1.09010'] }))
        .then([rejected('TRADE_RETCODE_PRICE_OFF', 'NO_CONVERSION_PRICE', { quote: used('1.09', '1.0901') })])
        .thenOutcome({ code: 'TRADE_RETCODE_PRICE_OFF', reason: 'NO_CONVERSION_PRICE', accountId: ANN_ACCOUNT });
    });

    it('records an unknown symbol as INVALID', () => {
      given(ann())
        .when(order({ symbol: 'DOGEUSD' }), pricesAt(BTC))
        .then([rejected('TRADE_RETCODE_INVALID', 'UNKNOWN_SYMBOL')]);
    });
  });

  describe('volume (BTCUSD: min 0.01, step 0.01, max 100)', () => {
    it.each(['0.001', '0', '0.009', '100.01', '101', '0.015', '1.005', '-1', 'abc', '1e2', ''])(
      'records %j as INVALID_VOLUME',
      (volume) => {
        given(ann())
          .when(order({ volume }), pricesAt(BTC))
          .then([rejected('TRADE_RETCODE_INVALID_VOLUME', 'VOLUME_OUT_OF_RANGE_OR_STEP')])
          .thenOutcome({ code: 'TRADE_RETCODE_INVALID_VOLUME' });
      },
    );

    it.each<[string, string, string]>([
      ['0.01', '0.01', '42'], // 0.01 × 42000.50 / 10 = 42.0005 → 42.00
      ['100', '100', '420005'], // 100 × 42000.50 / 10
      ['2.37', '2.37', '9954.12'], // 2.37 × 42000.50 / 10 = 9954.1185 → 9954.12
    ])('accepts %s lots (volume %s, margin %s) on an account with 500000 USD', (volume, expectedVolume, margin) => {
      const { events } = given(ann('500000')).when(order({ volume }), pricesAt(BTC)).decision;
      expect((events[0] as PositionOpened).data).toMatchObject({ volume: expectedVolume, margin });
    });
  });

  describe('leverage', () => {
    it.each([101, 0, -10, 2.5])('records BTCUSD at 1:%d as INVALID (BTCUSD allows up to 1:100)', (leverage) => {
      given(ann())
        .when(order({ leverage }), pricesAt(BTC))
        .then([rejected('TRADE_RETCODE_INVALID', 'INVALID_LEVERAGE')]);
    });

    it('accepts EURUSD at its maximum 1:500 (margin 108510 / 500 = 217.02) and refuses 1:501', () => {
      const eur = pricesAt({ EURUSD: ['1.08500', '1.08510'] });
      const ok = given(ann()).when(order({ symbol: 'EURUSD', leverage: 500 }), eur).decision;
      expect((ok.events[0] as PositionOpened).data).toMatchObject({ leverage: 500, margin: '217.02' });
      given(ann())
        .when(order({ symbol: 'EURUSD', leverage: 501 }), eur)
        .then([rejected('TRADE_RETCODE_INVALID', 'INVALID_LEVERAGE')]);
    });
  });

  describe('prices', () => {
    it('records PRICE_OFF when the symbol has no quote', () => {
      given(ann())
        .when(order(), pricesAt({ EURUSD: ['1.08500', '1.08510'] }))
        .then([rejected('TRADE_RETCODE_PRICE_OFF', 'NO_FRESH_PRICE')])
        .thenOutcome({ code: 'TRADE_RETCODE_PRICE_OFF', reason: 'NO_FRESH_PRICE' });
    });

    it('records PRICE_OFF when the quote is older than 30 s (30.001 s)', () => {
      given(ann())
        .when(order(), pricesAt(BTC, NOW - 30_001))
        .then([rejected('TRADE_RETCODE_PRICE_OFF', 'NO_FRESH_PRICE')]);
    });

    it('fills on a quote exactly 30 s old', () => {
      given(ann())
        .when(order(), pricesAt(BTC, NOW - 30_000))
        .thenOutcome({ code: 'TRADE_RETCODE_DONE', price: '42000.5' });
    });
  });

  describe('stops with BTCUSD 42000.00 / 42000.50', () => {
    // Columns: side, TP, SL, accepted?
    it.each<['BUY' | 'SELL', string | null, string | null, boolean]>([
      ['BUY', '42000.00', null, false], // TP = bid: would close at once
      ['BUY', '41999.99', null, false], // TP below the bid
      ['BUY', '42000.01', null, true], // TP just above the bid
      ['BUY', '42000.25', null, true], // between bid and ask: still above the bid
      ['BUY', null, '42000.00', false], // SL = bid
      ['BUY', null, '42000.01', false], // SL above the bid
      ['BUY', null, '41999.99', true],
      ['BUY', '43000', '41000', true],
      ['BUY', '43000', '42000.00', false], // one bad level is enough
      ['SELL', '42000.50', null, false], // TP = ask
      ['SELL', '42000.51', null, false], // TP above the ask
      ['SELL', '42000.49', null, true],
      ['SELL', null, '42000.50', false], // SL = ask
      ['SELL', null, '42000.49', false], // SL below the ask
      ['SELL', null, '42000.51', true],
      ['SELL', '41000', '43000', true],
    ])('%s with TP %s and SL %s: accepted %s', (side, takeProfit, stopLoss, accepted) => {
      const decision = given(ann()).when(order({ side, takeProfit, stopLoss }), pricesAt(BTC)).decision;
      if (accepted) {
        expect(decision.outcome.code).toBe('TRADE_RETCODE_DONE');
        expect((decision.events[0] as PositionOpened).data).toMatchObject({
          takeProfit: takeProfit === null ? null : shortest(takeProfit),
          stopLoss: stopLoss === null ? null : shortest(stopLoss),
        });
      } else {
        expect(decision.events).toEqual([
          rejected('TRADE_RETCODE_INVALID_STOPS', 'STOPS_WOULD_TRIGGER', { quote: used('42000', '42000.5') }),
        ]);
      }
    });

    it.each<[string, string | null, string | null]>([
      ['BTCUSD', '43000.001', null], // 3 decimals on a 2-digit symbol
      ['BTCUSD', null, '41000.999'],
      ['BTCUSD', '0', null], // not a positive price
      ['BTCUSD', null, '-41000'],
      ['BTCUSD', 'high', null],
      ['EURUSD', null, '1.071234'], // 6 decimals on a 5-digit symbol
    ])('%s with TP %s and SL %s records INVALID_STOPS for the level itself, before any price', (symbol, takeProfit, stopLoss) => {
      given(ann())
        .when(order({ symbol, takeProfit, stopLoss, leverage: 100 }), pricesAt({}))
        .then([rejected('TRADE_RETCODE_INVALID_STOPS', 'INVALID_LEVEL')]);
    });
  });

  describe('free margin', () => {
    const at50k = pricesAt({ BTCUSD: ['49999.50', '50000.00'] });

    it('an account with 10000 USD opens a BUY whose margin is exactly 10000.00 (1 × 50000.00 / 5)', () => {
      given(ann())
        .when(order({ leverage: 5 }), at50k)
        .thenOutcome({ code: 'TRADE_RETCODE_DONE' });
    });

    it('an account with 9999.99 USD records NO_MONEY for the same order (one cent short)', () => {
      given(ann('9999.99'))
        .when(order({ leverage: 5 }), at50k)
        .then([rejected('TRADE_RETCODE_NO_MONEY', 'INSUFFICIENT_FREE_MARGIN', { quote: used('49999.5', '50000') })])
        .thenOutcome({ code: 'TRADE_RETCODE_NO_MONEY' });
    });

    it('an account with 10000 USD records NO_MONEY for margin 10000.01 (1 × 50000.05 / 5)', () => {
      given(ann())
        .when(order({ leverage: 5 }), pricesAt({ BTCUSD: ['49999.55', '50000.05'] }))
        .then([rejected('TRADE_RETCODE_NO_MONEY', 'INSUFFICIENT_FREE_MARGIN', { quote: used('49999.55', '50000.05') })]);
    });

    describe('an account with 8400.55 USD and a BUY 1 BTCUSD at 42000.50 (margin 4200.05), bid 42000.00', () => {
      // floating (42000.00 − 42000.50) × 1 = −0.50; equity 8400.05; free margin 8400.05 − 4200.05 = 4200.00
      it('opens a SELL 1 BTCUSD at 1:10 needing exactly 4200.00 (42000.00 / 10)', () => {
        given([...ann('8400.55'), opened({ orderId: 1_000_001, balance: '8400.55' })])
          .when(order({ side: 'SELL' }), pricesAt(BTC))
          .thenOutcome({ code: 'TRADE_RETCODE_DONE', orderId: 1_000_002 });
      });

      it('records NO_MONEY with one cent less balance (free margin 4199.99)', () => {
        given([...ann('8400.54'), opened({ orderId: 1_000_001, balance: '8400.54' })])
          .when(order({ side: 'SELL' }), pricesAt(BTC))
          .thenOutcome({ code: 'TRADE_RETCODE_NO_MONEY', reason: 'INSUFFICIENT_FREE_MARGIN' });
      });
    });
  });

  describe('slippage (the largest distance from the quoted price the client accepts, as a price difference)', () => {
    // The dialects convert their own unit into this distance (Exness: percent of the quote, e.g.
    // 0.001 % of 42000.00 = 0.42); the engine compares |fill price − quoted price| with it.
    it('records PRICE_CHANGED when the ask moved 0.50 from 42000.00 and the limit is 0.42', () => {
      given(ann())
        .when(order({ slippage: { quotedPrice: '42000.00', maxDeviation: '0.42' } }), pricesAt(BTC))
        .then([rejected('TRADE_RETCODE_PRICE_CHANGED', 'SLIPPAGE_EXCEEDED', { quote: used('42000', '42000.5') })])
        .thenOutcome({ code: 'TRADE_RETCODE_PRICE_CHANGED' });
    });

    it('fills when the limit 0.504 ≥ the move 0.50', () => {
      given(ann())
        .when(order({ slippage: { quotedPrice: '42000.00', maxDeviation: '0.504' } }), pricesAt(BTC))
        .thenOutcome({ code: 'TRADE_RETCODE_DONE' });
    });

    it('fills when the move equals the limit exactly (40000.40 − 40000.00 = 0.40)', () => {
      given(ann())
        .when(order({ slippage: { quotedPrice: '40000.00', maxDeviation: '0.40' } }), pricesAt({ BTCUSD: ['39999.90', '40000.40'] }))
        .thenOutcome({ code: 'TRADE_RETCODE_DONE', price: '40000.4' });
    });

    it('records PRICE_CHANGED for a SELL whose bid fell 0.50 below the quote (limit 0.420005)', () => {
      given(ann())
        .when(order({ side: 'SELL', slippage: { quotedPrice: '42000.50', maxDeviation: '0.420005' } }), pricesAt(BTC))
        .thenOutcome({ code: 'TRADE_RETCODE_PRICE_CHANGED', reason: 'SLIPPAGE_EXCEEDED' });
    });

    it('fills with a limit of 0 when the price did not move', () => {
      given(ann())
        .when(order({ slippage: { quotedPrice: '42000.50', maxDeviation: '0' } }), pricesAt(BTC))
        .thenOutcome({ code: 'TRADE_RETCODE_DONE' });
    });

    it('records a non-decimal quoted price or limit as INVALID', () => {
      given(ann())
        .when(order({ slippage: { quotedPrice: '42000.00', maxDeviation: '1%' } }), pricesAt(BTC))
        .then([rejected('TRADE_RETCODE_INVALID', 'INVALID_SLIPPAGE')]);
    });
  });

  describe('deadline and ownership', () => {
    it('records TIMEOUT once the deadline has passed, and never fills', () => {
      given(ann())
        .when(order({ deadline: NOW - 1 }), pricesAt(BTC))
        .then([rejected('TRADE_RETCODE_TIMEOUT', 'DEADLINE_PASSED')])
        .thenOutcome({ code: 'TRADE_RETCODE_TIMEOUT', reason: 'DEADLINE_PASSED' });
    });

    it('fills at the deadline itself', () => {
      given(ann()).when(order({ deadline: NOW }), pricesAt(BTC)).thenOutcome({ code: 'TRADE_RETCODE_DONE' });
    });

    it("refuses another user's account as ACCOUNT_NOT_FOUND with no events", () => {
      given([...ann(), ...bob()])
        .when(order({ accountId: BOB_ACCOUNT }), pricesAt(BTC))
        .then([])
        .thenOutcome({ code: 'TRADE_RETCODE_INVALID', reason: 'ACCOUNT_NOT_FOUND' });
    });

    it('refuses an unknown account the same way', () => {
      given(ann())
        .when(order({ accountId: 999 }), pricesAt(BTC))
        .then([])
        .thenOutcome({ code: 'TRADE_RETCODE_INVALID', reason: 'ACCOUNT_NOT_FOUND' });
    });
  });

  describe('an account with positions 1000001 and 1000002', () => {
    it('hands out order id 1000003', () => {
      given([...ann('100000'), opened({ orderId: 1_000_001, balance: '100000' }), opened({ orderId: 1_000_002, balance: '100000' })])
        .when(order(), pricesAt(BTC))
        .thenOutcome({ code: 'TRADE_RETCODE_DONE', orderId: 1_000_003 });
    });
  });
});

// ---------------------------------------------------------------------------------------------
// ClosePosition
// ---------------------------------------------------------------------------------------------

describe('ClosePosition', () => {
  const at42500 = pricesAt({ BTCUSD: ['42500.00', '42500.50'] });

  describe('an account with 10000 USD and a BUY 1 BTCUSD at 42000.50 (margin 4200.05), bid now 42500.00', () => {
    const history = () => [...ann(), opened({ orderId: 1_000_001 })];

    it('closes it all at the bid and books 499.50 into the balance (10499.50)', () => {
      const spec = given(history())
        .when(close(), at42500)
        .then([closed({ closePrice: '42500', profit: '499.5', balance: '10499.5' })]) // (42500.00 − 42000.50) × 1
        .thenOutcome({ code: 'TRADE_RETCODE_DONE', orderId: 1_000_001, price: '42500', profit: '499.5', volume: '1' });
      const state = spec.state();
      expect(state.accounts.get(ANN_ACCOUNT)).toMatchObject({ balance: parseFixed('10499.5'), margin: 0n });
      expect(state.positions.size).toBe(0);
    });

    it('carries the request\'s clientId and comment onto the close (they tag its deal)', () => {
      given(history())
        .when(close({ clientId: 'grid-1', comment: 'take it' }), at42500)
        .then([closed({ closePrice: '42500', profit: '499.5', balance: '10499.5', clientId: 'grid-1', comment: 'take it' })]);
    });

    it('treats a volume equal to the open one as a full (MANUAL) close', () => {
      given(history())
        .when(close({ volume: '1.00' }), at42500)
        .then([closed({ closePrice: '42500', profit: '499.5', balance: '10499.5' })]);
    });

    it('closes 0.3 as PARTIAL: profit 149.85, 0.7 left, margin 1260.02 released, same order id', () => {
      const spec = given(history())
        .when(close({ volume: '0.3' }), at42500)
        .then([
          closed({
            volume: '0.3',
            remainingVolume: '0.7',
            closePrice: '42500',
            profit: '149.85', // 499.50 × 0.3
            marginReleased: '1260.02', // 4200.05 × 0.3 = 1260.015 → 1260.02
            balance: '10149.85', // 10000 + 149.85
            reason: 'PARTIAL',
          }),
        ])
        .thenOutcome({ code: 'TRADE_RETCODE_DONE', orderId: 1_000_001, profit: '149.85', volume: '0.3' });
      const state = spec.state();
      expect(state.positions.get(1_000_001)).toMatchObject({ volume: parseFixed('0.7'), margin: parseFixed('2940.03') }); // 4200.05 − 1260.02
      expect(state.accounts.get(ANN_ACCOUNT)).toMatchObject({ balance: parseFixed('10149.85'), margin: parseFixed('2940.03') });
    });

    it('closing the rest after a partial close releases exactly the margin left (2940.03)', () => {
      const afterPartial = closed({
        volume: '0.3',
        remainingVolume: '0.7',
        closePrice: '42500',
        profit: '149.85',
        marginReleased: '1260.02',
        balance: '10149.85',
        reason: 'PARTIAL',
      });
      given([...history(), afterPartial])
        .when(close(), at42500)
        .then([
          closed({
            volume: '0.7',
            closePrice: '42500',
            profit: '349.65', // 499.50 × 0.7
            marginReleased: '2940.03', // 4200.05 − 1260.02: the two releases add up to the margin held
            balance: '10499.5', // 10149.85 + 349.65, the same as one full close
          }),
        ]);
    });

    it('records INVALID_CLOSE_VOLUME for more than is open (1.01 > 1)', () => {
      given(history())
        .when(close({ volume: '1.01' }), at42500)
        .then([rejected('TRADE_RETCODE_INVALID_CLOSE_VOLUME', 'EXCEEDS_OPEN_VOLUME', { command: 'ClosePosition' })])
        .thenOutcome({ code: 'TRADE_RETCODE_INVALID_CLOSE_VOLUME' });
    });

    it.each(['0.005', '0', '-0.1'])('records %j as INVALID_VOLUME', (volume) => {
      given(history())
        .when(close({ volume }), at42500)
        .then([rejected('TRADE_RETCODE_INVALID_VOLUME', 'VOLUME_OUT_OF_RANGE_OR_STEP', { command: 'ClosePosition' })]);
    });

    it('records a non-number volume as INVALID_VOLUME', () => {
      given(history())
        .when(close({ volume: 'half' }), at42500)
        .then([rejected('TRADE_RETCODE_INVALID_VOLUME', 'VOLUME_NOT_A_NUMBER', { command: 'ClosePosition' })]);
    });

    it('records PRICE_OFF on a stale price', () => {
      given(history())
        .when(close(), pricesAt({ BTCUSD: ['42500.00', '42500.50'] }, NOW - 30_001))
        .then([rejected('TRADE_RETCODE_PRICE_OFF', 'NO_FRESH_PRICE', { command: 'ClosePosition' })]);
    });

    it('records TIMEOUT past the deadline', () => {
      given(history())
        .when(close({ deadline: NOW - 1 }), at42500)
        .then([rejected('TRADE_RETCODE_TIMEOUT', 'DEADLINE_PASSED', { command: 'ClosePosition' })]);
    });

    it('closes when the command names the owning account', () => {
      given(history()).when(close({ accountId: ANN_ACCOUNT }), at42500).thenOutcome({ code: 'TRADE_RETCODE_DONE' });
    });

    it("refuses another user's close as POSITION_NOT_FOUND with no events", () => {
      given([...history(), ...bob()])
        .when(close({ userId: BOB }), at42500)
        .then([])
        .thenOutcome({ code: 'TRADE_RETCODE_POSITION_CLOSED', reason: 'POSITION_NOT_FOUND' });
    });

    it('refuses the position through another account of the same user with no events', () => {
      const second: DomainEvent = {
        type: 'AccountOpened',
        data: { accountId: 100_002, userId: ANN, name: 'Account 2', group: 'demo', currency: 'USD', leverage: 100, openedAt: EARLIER },
      };
      given([...history(), second])
        .when(close({ accountId: 100_002 }), at42500)
        .then([])
        .thenOutcome({ code: 'TRADE_RETCODE_POSITION_CLOSED', reason: 'POSITION_NOT_FOUND' });
    });

    it('refuses an unknown order id with no events', () => {
      given(history()).when(close({ orderId: 1_000_099 }), at42500).then([]).thenOutcome({ reason: 'POSITION_NOT_FOUND' });
    });
  });

  describe('a position of 0.015 lots (not reachable through PlaceOrder: BTCUSD min = step = 0.01)', () => {
    it('records closing 0.01 as INVALID_CLOSE_VOLUME: the 0.005 left would be below the minimum', () => {
      given([...ann(), opened({ orderId: 1_000_001, volume: '0.015', margin: '63' })])
        .when(close({ volume: '0.01' }), at42500)
        .then([rejected('TRADE_RETCODE_INVALID_CLOSE_VOLUME', 'REMAINDER_BELOW_MINIMUM', { command: 'ClosePosition' })]);
    });
  });

  describe('other symbols', () => {
    it('closes a SELL 1 EURUSD from 1.08500 at the ask 1.08210: profit 290.00', () => {
      given([
        ...ann(),
        opened({ orderId: 1_000_001, symbol: 'EURUSD', side: 'SELL', openPrice: '1.085', leverage: 100, margin: '1085' }),
      ])
        .when(close(), pricesAt({ EURUSD: ['1.08200', '1.08210'] }))
        .thenOutcome({ price: '1.0821', profit: '290' }); // (1.08500 − 1.08210) × 100000
    });

    it('closes a BUY 1 USDJPY from 150.005 at the bid 150.995: 99000 JPY / mid 151.000 = 655.63', () => {
      const { events } = given([
        ...ann(),
        opened({ orderId: 1_000_001, symbol: 'USDJPY', openPrice: '150.005', leverage: 100, margin: '1000.03' }),
      ]).when(close(), pricesAt({ USDJPY: ['150.995', '151.005'] })).decision;
      // (150.995 − 150.005) × 100000 = 99000 JPY; 99000 / 151 = 655.629… → 655.63
      expect((events[0] as PositionClosed).data).toMatchObject({ closePrice: '150.995', profit: '655.63', balance: '10655.63' });
    });

    it('records PRICE_OFF for AUDNZD when NZDUSD has no price', () => {
      given([...ann(), opened({ orderId: 1_000_001, symbol: 'AUDNZD', openPrice: '1.0901', leverage: 100, margin: '665.02' })])
        .when(close(), pricesAt({ AUDNZD: ['1.09500', '1.09510'] }))
        .then([rejected('TRADE_RETCODE_PRICE_OFF', 'NO_CONVERSION_PRICE', { command: 'ClosePosition', quote: used('1.095', '1.0951') })]);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// ApplyTick: take profit and stop loss
// ---------------------------------------------------------------------------------------------

describe('ApplyTick', () => {
  const TICK_AT = AT; // ticks carry time NOW: the close time is the tick's time

  describe('an account with 10000 USD and a BUY 1 BTCUSD at 42000.50 with TP 43000 and SL 41000', () => {
    const history = () => [...ann(), opened({ orderId: 1_000_001, takeProfit: '43000', stopLoss: '41000' })];
    const firedAt = (bid: string, ask: string, profit: string, balance: string, reason: 'TAKE_PROFIT' | 'STOP_LOSS') =>
      closed({
        closePrice: bid,
        profit,
        balance,
        reason,
        takeProfit: '43000',
        stopLoss: '41000',
        closeTime: TICK_AT,
        quote: used(bid, ask, TICK_AT),
      });

    it('takes profit when the bid reaches TP, at that bid: +999.50', () => {
      const { command, ctx } = tick('BTCUSD', '43000.00', '43000.50');
      const spec = given(history())
        .when(command, ctx)
        .then([firedAt('43000', '43000.5', '999.5', '10999.5', 'TAKE_PROFIT')]) // (43000.00 − 42000.50) × 1
        .thenOutcome({ code: 'TRADE_RETCODE_DONE' });
      const state = spec.state();
      expect(state.positions.size).toBe(0);
      expect(state.triggers.size()).toBe(0);
      expect(state.accounts.get(ANN_ACCOUNT)).toMatchObject({ balance: parseFixed('10999.5'), margin: 0n });
    });

    it('takes profit at the bid that jumped past TP: 43250.00 → +1249.50', () => {
      const { command, ctx } = tick('BTCUSD', '43250.00', '43250.50');
      given(history())
        .when(command, ctx)
        .then([firedAt('43250', '43250.5', '1249.5', '11249.5', 'TAKE_PROFIT')]); // (43250.00 − 42000.50) × 1
    });

    it('stops the loss when the bid reaches SL: −1000.50', () => {
      const { command, ctx } = tick('BTCUSD', '41000.00', '41000.50');
      given(history())
        .when(command, ctx)
        .then([firedAt('41000', '41000.5', '-1000.5', '8999.5', 'STOP_LOSS')]); // (41000.00 − 42000.50) × 1
    });

    it('closes a gap through SL at the bid that crossed it (40500.00), not at the SL level: −1500.50', () => {
      const { command, ctx } = tick('BTCUSD', '40500.00', '40500.50');
      given(history())
        .when(command, ctx)
        .then([firedAt('40500', '40500.5', '-1500.5', '8499.5', 'STOP_LOSS')]); // (40500.00 − 42000.50) × 1
    });

    it.each<[string, string]>([
      ['42999.99', '43000.49'], // a cent below TP (the ask above TP does not count)
      ['41000.01', '41000.51'], // a cent above SL
      ['42000.00', '42000.50'],
    ])('fires nothing at %s / %s', (bid, ask) => {
      const { command, ctx } = tick('BTCUSD', bid, ask);
      given(history()).when(command, ctx).then([]).thenOutcome({ code: 'TRADE_RETCODE_DONE' });
    });

    it('fires nothing on a tick of another symbol', () => {
      const { command, ctx } = tick('ETHUSD', '50000.00', '50000.50', { BTCUSD: ['43500.00', '43500.50'] });
      given(history()).when(command, ctx).then([]);
    });
  });

  describe('an account with 10000 USD and a SELL 1 EURUSD at 1.08500 with TP 1.08000 and SL 1.09000', () => {
    const history = () => [
      ...ann(),
      opened({
        orderId: 1_000_001,
        symbol: 'EURUSD',
        side: 'SELL',
        openPrice: '1.085',
        leverage: 100,
        margin: '1085',
        takeProfit: '1.08',
        stopLoss: '1.09',
      }),
    ];
    const firedAt = (bid: string, ask: string, profit: string, balance: string, reason: 'TAKE_PROFIT' | 'STOP_LOSS') =>
      closed({
        symbol: 'EURUSD',
        side: 'SELL',
        openPrice: '1.085',
        leverage: 100,
        marginReleased: '1085',
        takeProfit: '1.08',
        stopLoss: '1.09',
        closePrice: ask,
        profit,
        balance,
        reason,
        closeTime: TICK_AT,
        quote: used(bid, ask, TICK_AT),
      });

    it('takes profit when the ask reaches TP, at that ask: +500.00', () => {
      const { command, ctx } = tick('EURUSD', '1.07990', '1.08000');
      given(history())
        .when(command, ctx)
        .then([firedAt('1.0799', '1.08', '500', '10500', 'TAKE_PROFIT')]); // (1.08500 − 1.08000) × 100000
    });

    it('stops the loss when the ask reaches SL: −500.00', () => {
      const { command, ctx } = tick('EURUSD', '1.08990', '1.09000');
      given(history())
        .when(command, ctx)
        .then([firedAt('1.0899', '1.09', '-500', '9500', 'STOP_LOSS')]); // (1.08500 − 1.09000) × 100000
    });

    it('closes a gap through SL at the ask 1.09250: −750.00', () => {
      const { command, ctx } = tick('EURUSD', '1.09240', '1.09250');
      given(history())
        .when(command, ctx)
        .then([firedAt('1.0924', '1.0925', '-750', '9250', 'STOP_LOSS')]); // (1.08500 − 1.09250) × 100000
    });

    it('fires nothing when only the bid reaches TP (ask 1.08010)', () => {
      const { command, ctx } = tick('EURUSD', '1.08000', '1.08010');
      given(history()).when(command, ctx).then([]);
    });
  });

  describe('an account with 10000 USD and two BUY BTCUSD: 1 lot at 42000.50 TP 43000, 0.5 lot at 42100.50 TP 42900', () => {
    it('closes both on one tick and accumulates the balance: 10999.50 then 11449.25', () => {
      const history = [
        ...ann(),
        opened({ orderId: 1_000_001, takeProfit: '43000' }),
        opened({ orderId: 1_000_002, volume: '0.5', openPrice: '42100.5', margin: '2105.03', takeProfit: '42900' }), // 0.5 × 42100.50 / 10 = 2105.025
      ];
      const { command, ctx } = tick('BTCUSD', '43000.00', '43000.50');
      const spec = given(history)
        .when(command, ctx)
        .then([
          closed({
            closePrice: '43000',
            profit: '999.5', // (43000.00 − 42000.50) × 1
            balance: '10999.5', // 10000 + 999.50
            reason: 'TAKE_PROFIT',
            takeProfit: '43000',
            closeTime: TICK_AT,
            quote: used('43000', '43000.5', TICK_AT),
          }),
          closed({
            orderId: 1_000_002,
            volume: '0.5',
            openPrice: '42100.5',
            marginReleased: '2105.03',
            closePrice: '43000',
            profit: '449.75', // (43000.00 − 42100.50) × 0.5
            balance: '11449.25', // 10999.50 + 449.75
            reason: 'TAKE_PROFIT',
            takeProfit: '42900',
            closeTime: TICK_AT,
            quote: used('43000', '43000.5', TICK_AT),
          }),
        ]);
      const state = spec.state();
      expect(state.accounts.get(ANN_ACCOUNT)).toMatchObject({ balance: parseFixed('11449.25'), margin: 0n });
    });
  });

  describe("Ann's BUY 1 BTCUSD at 42000.50 SL 41000 and Bob's SELL 1 BTCUSD at 42000.00 TP 41500", () => {
    it('closes both on one falling tick, each into its own account, in order id order', () => {
      const history = [
        ...ann(),
        ...bob(),
        opened({ orderId: 1_000_001, stopLoss: '41000' }),
        opened({ orderId: 1_000_002, accountId: BOB_ACCOUNT, side: 'SELL', openPrice: '42000', margin: '4200', takeProfit: '41500' }),
      ];
      const { command, ctx } = tick('BTCUSD', '40999.50', '41000.00');
      const { events } = given(history).when(command, ctx).decision;
      expect(events.map((e) => (e as PositionClosed).data)).toMatchObject([
        // Ann: (40999.50 − 42000.50) × 1 = −1001.00 at the bid
        { accountId: ANN_ACCOUNT, orderId: 1_000_001, reason: 'STOP_LOSS', closePrice: '40999.5', profit: '-1001', balance: '8999' },
        // Bob: (42000.00 − 41000.00) × 1 = +1000.00 at the ask
        { accountId: BOB_ACCOUNT, orderId: 1_000_002, reason: 'TAKE_PROFIT', closePrice: '41000', profit: '1000', balance: '11000' },
      ]);
    });
  });

  describe('an account with a BUY 1 AUDNZD at 1.09010 with TP 1.09500', () => {
    const history = () => [
      ...ann(),
      opened({ orderId: 1_000_001, symbol: 'AUDNZD', openPrice: '1.0901', leverage: 100, margin: '665.02', takeProfit: '1.095' }),
    ];

    it('leaves TP armed while NZDUSD has no price to convert the profit', () => {
      const { command, ctx } = tick('AUDNZD', '1.09500', '1.09510');
      const spec = given(history()).when(command, ctx).then([]);
      expect(spec.state().triggers.size('AUDNZD')).toBe(1);
    });

    it('takes profit converted at the NZDUSD mid: 490 NZD × 0.61005 = 298.92', () => {
      const { command, ctx } = tick('AUDNZD', '1.09500', '1.09510', { NZDUSD: ['0.61000', '0.61010'] });
      const { events } = given(history()).when(command, ctx).decision;
      // (1.09500 − 1.09010) × 100000 = 490 NZD; × 0.61005 = 298.9245 → 298.92
      expect((events[0] as PositionClosed).data).toMatchObject({ closePrice: '1.095', profit: '298.92', balance: '10298.92' });
    });
  });

  describe('an account with a BUY 1 USDJPY at 150.005 with TP 151.000', () => {
    it("takes profit converted at the tick's own USDJPY mid 151.005: 99500 JPY → 658.92", () => {
      const history = [
        ...ann(),
        opened({ orderId: 1_000_001, symbol: 'USDJPY', openPrice: '150.005', leverage: 100, margin: '1000.03', takeProfit: '151' }),
      ];
      const { command, ctx } = tick('USDJPY', '151.000', '151.010');
      const { events } = given(history).when(command, ctx).decision;
      // (151.000 − 150.005) × 100000 = 99500 JPY; mid (151.000 + 151.010) / 2 = 151.005; 99500 / 151.005 = 658.918… → 658.92
      expect((events[0] as PositionClosed).data).toMatchObject({ closePrice: '151', profit: '658.92', balance: '10658.92', reason: 'TAKE_PROFIT' });
    });
  });
});

// ---------------------------------------------------------------------------------------------
// ChangeBalance
// ---------------------------------------------------------------------------------------------

describe('ChangeBalance', () => {
  describe('an account with 10000 USD and no positions', () => {
    it('deposits 500.25 → balance 10500.25', () => {
      given(ann())
        .when(balanceChange('500.25', { comment: 'bonus' }), pricesAt({}))
        .then([
          {
            type: 'BalanceChanged',
            data: { accountId: ANN_ACCOUNT, kind: 'DEPOSIT', amount: '500.25', balance: '10500.25', comment: 'bonus', changedAt: AT },
          },
        ])
        .thenOutcome({ code: 'TRADE_RETCODE_DONE', accountId: ANN_ACCOUNT });
    });

    it('withdraws everything: −10000 → balance 0', () => {
      given(ann())
        .when(balanceChange('-10000'), pricesAt({}))
        .then([
          {
            type: 'BalanceChanged',
            data: { accountId: ANN_ACCOUNT, kind: 'WITHDRAWAL', amount: '-10000', balance: '0', comment: 'operator', changedAt: AT },
          },
        ]);
    });

    it('records NO_MONEY for 10000.01', () => {
      given(ann())
        .when(balanceChange('-10000.01'), pricesAt({}))
        .then([rejected('TRADE_RETCODE_NO_MONEY', 'WITHDRAWAL_EXCEEDS_FREE_MARGIN', { command: 'ChangeBalance' })]);
    });

    it.each(['0', '-0', '1.001', 'abc', '1e3'])('refuses the amount %j with no events', (amount) => {
      given(ann())
        .when(balanceChange(amount), pricesAt({}))
        .then([])
        .thenOutcome({ code: 'TRADE_RETCODE_INVALID', reason: 'INVALID_AMOUNT' });
    });

    it('refuses an unknown account with no events', () => {
      given(ann())
        .when(balanceChange('100', { accountId: 999 }), pricesAt({}))
        .then([])
        .thenOutcome({ code: 'TRADE_RETCODE_INVALID', reason: 'ACCOUNT_NOT_FOUND' });
    });
  });

  describe('an account with 10000 USD and a BUY 1 BTCUSD at 42000.50 (margin 4200.05), bid 42000.00', () => {
    // floating −0.50; equity 9999.50; free margin 9999.50 − 4200.05 = 5799.45
    const history = () => [...ann(), opened({ orderId: 1_000_001 })];

    it('withdraws exactly the free margin 5799.45 → balance 4200.55', () => {
      given(history())
        .when(balanceChange('-5799.45'), pricesAt(BTC))
        .then([
          {
            type: 'BalanceChanged',
            data: { accountId: ANN_ACCOUNT, kind: 'WITHDRAWAL', amount: '-5799.45', balance: '4200.55', comment: 'operator', changedAt: AT },
          },
        ]);
    });

    it('records NO_MONEY for one cent more (5799.46)', () => {
      given(history())
        .when(balanceChange('-5799.46'), pricesAt(BTC))
        .then([rejected('TRADE_RETCODE_NO_MONEY', 'WITHDRAWAL_EXCEEDS_FREE_MARGIN', { command: 'ChangeBalance' })])
        .thenOutcome({ code: 'TRADE_RETCODE_NO_MONEY' });
    });

    it('records PRICE_OFF for a withdrawal while the position has no price', () => {
      given(history())
        .when(balanceChange('-1'), pricesAt({}))
        .then([rejected('TRADE_RETCODE_PRICE_OFF', 'NO_PRICE_FOR_OPEN_POSITIONS', { command: 'ChangeBalance' })]);
    });

    it('accepts a deposit without a price', () => {
      given(history()).when(balanceChange('1'), pricesAt({})).thenOutcome({ code: 'TRADE_RETCODE_DONE' });
    });
  });
});
