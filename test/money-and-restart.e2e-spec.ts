/**
 * Money to the cent over a sequence of trades (with USDJPY converted at the USDJPY mid price),
 * admin deposits and withdrawals, and a restart on the same DATA_DIR that must bring everything
 * back exactly (users, tokens, accounts, positions, history, armed TP/SL, the id counter).
 *
 * Conventions checked (API.md): a BUY opens at the ask and closes at the bid, a SELL the other way;
 * profit = (close − open) × quantity × contract size (negated for a SELL), converted to USD;
 * margin = quantity × contract size × open price / leverage, in USD; money is rounded to cents,
 * half away from zero, at each realized close. Contract sizes: BTCUSD 1, EURUSD and USDJPY 100000.
 * A JPY amount becomes USD by dividing by the USDJPY mid price (bid + ask) / 2.
 */
import { jest } from '@jest/globals';
import { useService, type TestUser } from './support/service.js';
import { account, closedOrders, closeOrder, createOrder, openOrders, openPosition, pick } from './support/trading.js';

jest.setTimeout(60_000);

const service = useService();

/** The money fields of GET /api/v1/accounts/:id. */
const MONEY = ['balance', 'equity', 'margin', 'freeMargin', 'marginLevel'] as const;

async function money(user: TestUser) {
  return pick(await account(service(), user), MONEY);
}

async function closeOk(user: TestUser, body: Record<string, unknown>) {
  const result = await closeOrder(service(), user, body);
  if (result.status !== 200) throw new Error(`close ${JSON.stringify(body)} answered ${result.status} ${JSON.stringify(result.body)}`);
  return result.body;
}

describe('Money and restart', () => {
  describe('one account trades BTCUSD, EURUSD and USDJPY with a deposit and a withdrawal', () => {
    it('ends with balance, equity, margin, free margin and margin level equal to the hand-computed values', async () => {
      const svc = service();
      const user = await svc.signup();
      expect(await money(user)).toEqual({ balance: 10000, equity: 10000, margin: 0, freeMargin: 10000, marginLevel: 0 });

      // a) deposit 500.00 → balance 10500.00
      const deposit = await svc.adminBalance(user.accountId, 500, 'bonus');
      expect(deposit.status).toBe(200);
      expect(deposit.body).toMatchObject({ accountId: user.accountId, balance: 10500 });

      // b) BTCUSD BUY 0.5 x10 opens at the ask 42010.00; margin 0.5 × 1 × 42010 / 10 = 2100.50
      await svc.tick('BTCUSD', 42000.0, 42010.0);
      const btcBuy = await openPosition(svc, user, { symbol: 'BTCUSD', type: 'BUY', quantity: 0.5, leverage: 10 });
      expect(pick(await account(svc, user), ['balance', 'margin'])).toEqual({ balance: 10500, margin: 2100.5 });
      //    closes at the bid 42500.55: (42500.55 − 42010) × 0.5 = 245.275 → 245.28; balance 10745.28
      await svc.tick('BTCUSD', 42500.55, 42510.55);
      expect(await closeOk(user, { orderId: btcBuy })).toMatchObject({ closePrice: 42500.55, profit: 245.28 });
      expect(pick(await account(svc, user), ['balance', 'margin'])).toEqual({ balance: 10745.28, margin: 0 });

      // c) BTCUSD SELL 0.3 x20 opens at the bid 42600.00; margin 0.3 × 42600 / 20 = 639.00
      await svc.tick('BTCUSD', 42600.0, 42610.0);
      const btcSell = await openPosition(svc, user, { symbol: 'BTCUSD', type: 'SELL', quantity: 0.3, leverage: 20 });
      expect((await account(svc, user)).margin).toBe(639);
      //    closes at the ask 42700.05: (42600 − 42700.05) × 0.3 = −30.015 → −30.02 (away from zero); balance 10715.26
      await svc.tick('BTCUSD', 42690.05, 42700.05);
      expect(await closeOk(user, { orderId: btcSell })).toMatchObject({ closePrice: 42700.05, profit: -30.02 });
      expect((await account(svc, user)).balance).toBe(10715.26);

      // d) EURUSD SELL 1.25 x100 opens at the bid 1.08450; margin 1.25 × 100000 × 1.0845 / 100 = 1355.625 → 1355.63
      await svc.tick('EURUSD', 1.0845, 1.08462);
      const eurSell = await openPosition(svc, user, { symbol: 'EURUSD', type: 'SELL', quantity: 1.25, leverage: 100 });
      expect((await account(svc, user)).margin).toBe(1355.63);
      //    0.5 closes at the ask 1.08313: (1.08450 − 1.08313) × 0.5 × 100000 = 68.50; balance 10783.76
      //    margin left for 0.75: 0.75 × 100000 × 1.0845 / 100 = 813.375 → 813.38 (= 1355.63 − 542.25 released)
      await svc.tick('EURUSD', 1.08301, 1.08313);
      expect(await closeOk(user, { orderId: eurSell, quantity: 0.5 })).toMatchObject({ closePrice: 1.08313, profit: 68.5 });
      expect(pick(await account(svc, user), ['balance', 'margin'])).toEqual({ balance: 10783.76, margin: 813.38 });

      // e) USDJPY BUY 2 x50 opens at the ask 149.820; mid (149.800 + 149.820) / 2 = 149.81
      //    margin 2 × 100000 × 149.82 / 50 = 599280 JPY / 149.81 = 4000.26700… → 4000.27 USD; in use 813.38 + 4000.27 = 4813.65
      await svc.tick('USDJPY', 149.8, 149.82);
      const jpyBuy = await openPosition(svc, user, { symbol: 'USDJPY', type: 'BUY', quantity: 2, leverage: 50 });
      expect((await account(svc, user)).margin).toBe(4813.65);
      //    closes at the bid 150.350: (150.350 − 149.820) × 2 × 100000 = 106000 JPY; mid (150.350 + 150.370) / 2 = 150.36
      //    106000 / 150.36 = 704.97472… → 704.97 USD; balance 10783.76 + 704.97 = 11488.73
      await svc.tick('USDJPY', 150.35, 150.37);
      expect(await closeOk(user, { orderId: jpyBuy })).toMatchObject({ closePrice: 150.35, profit: 704.97 });
      expect(pick(await account(svc, user), ['balance', 'margin'])).toEqual({ balance: 11488.73, margin: 813.38 });

      // f) USDJPY SELL 1 x100 opens at the bid 150.350; margin 1 × 100000 × 150.35 / 100 = 150350 JPY / 150.36 = 999.93349… → 999.93
      const jpySell = await openPosition(svc, user, { symbol: 'USDJPY', type: 'SELL', quantity: 1, leverage: 100 });
      expect((await account(svc, user)).margin).toBe(1813.31); // 813.38 + 999.93

      // g) withdrawal 200.00 → balance 11288.73
      const withdrawal = await svc.adminBalance(user.accountId, -200, 'withdrawal');
      expect(withdrawal.status).toBe(200);
      expect(withdrawal.body).toMatchObject({ balance: 11288.73 });

      // h) the market moves; nothing more is realized
      await svc.ticks([
        { symbol: 'EURUSD', bid: 1.082, ask: 1.08212 },
        { symbol: 'USDJPY', bid: 150.1, ask: 150.12 },
      ]);
      // EURUSD SELL 0.75 valued at the ask 1.08212: (1.08450 − 1.08212) × 0.75 × 100000 = 178.50
      // USDJPY SELL 1 valued at the ask 150.120: (150.350 − 150.120) × 100000 = 23000 JPY; mid (150.100 + 150.120) / 2 = 150.11
      //   23000 / 150.11 = 153.22097… → 153.22
      // equity      = 11288.73 + 178.50 + 153.22          = 11620.45
      // margin      = 813.38 + 999.93                     = 1813.31
      // freeMargin  = 11620.45 − 1813.31                  = 9807.14
      // marginLevel = 11620.45 / 1813.31 × 100 = 640.8418… → 640.84
      expect(await money(user)).toEqual({ balance: 11288.73, equity: 11620.45, margin: 1813.31, freeMargin: 9807.14, marginLevel: 640.84 });

      const open = await openOrders(svc, user);
      expect(open.map((r) => pick(r, ['orderId', 'symbol', 'type', 'quantity', 'openPrice', 'currentPrice', 'profit']))).toEqual(
        expect.arrayContaining([
          { orderId: eurSell, symbol: 'EURUSD', type: 'SELL', quantity: 0.75, openPrice: 1.0845, currentPrice: 1.08212, profit: 178.5 },
          { orderId: jpySell, symbol: 'USDJPY', type: 'SELL', quantity: 1, openPrice: 150.35, currentPrice: 150.12, profit: 153.22 },
        ]),
      );
      expect(open).toHaveLength(2);
      expect((await closedOrders(svc, user)).map((r) => pick(r, ['orderId', 'quantity', 'closePrice', 'profit', 'closeReason']))).toEqual([
        { orderId: jpyBuy, quantity: 2, closePrice: 150.35, profit: 704.97, closeReason: 'MANUAL' },
        { orderId: eurSell, quantity: 0.5, closePrice: 1.08313, profit: 68.5, closeReason: 'PARTIAL' },
        { orderId: btcSell, quantity: 0.3, closePrice: 42700.05, profit: -30.02, closeReason: 'MANUAL' },
        { orderId: btcBuy, quantity: 0.5, closePrice: 42500.55, profit: 245.28, closeReason: 'MANUAL' },
      ]);
      // Sanity: the realized profits and the balance changes add up to the balance.
      expect(Math.round((10000 + 500 + 245.28 - 30.02 + 68.5 + 704.97 - 200) * 100) / 100).toBe(11288.73);
    });
  });

  describe('an admin changes a balance', () => {
    it('adds a deposit and subtracts a withdrawal, visible on the next GET', async () => {
      const svc = service();
      const user = await svc.signup();

      const deposit = await svc.adminBalance(user.accountId, 250.55, 'deposit');
      expect(deposit.status).toBe(200);
      expect((await account(svc, user)).balance).toBe(10250.55);

      const withdrawal = await svc.adminBalance(user.accountId, -0.55);
      expect(withdrawal.status).toBe(200);
      expect(await money(user)).toEqual({ balance: 10250, equity: 10250, margin: 0, freeMargin: 10250, marginLevel: 0 });
    });

    it('refuses a withdrawal above the free margin with 400 and accepts one of exactly the free margin', async () => {
      const svc = service();
      const user = await svc.signup();
      // BUY 1 BTCUSD x10 at the ask 42000: margin 1 × 42000 / 10 = 4200.00
      await svc.tick('BTCUSD', 41990.0, 42000.0);
      await openPosition(svc, user, { symbol: 'BTCUSD', type: 'BUY', quantity: 1, leverage: 10 });
      // bid 41000: floating (41000 − 42000) × 1 = −1000; equity 9000; free margin 9000 − 4200 = 4800.00
      await svc.tick('BTCUSD', 41000.0, 41010.0);
      expect(await money(user)).toEqual({ balance: 10000, equity: 9000, margin: 4200, freeMargin: 4800, marginLevel: 214.29 }); // 9000/4200 = 214.2857…

      const tooMuch = await svc.adminBalance(user.accountId, -4800.01, 'too much');
      expect(tooMuch.status).toBe(400);
      expect(tooMuch.body).toEqual({ error: expect.any(String), code: 'TRADE_RETCODE_NO_MONEY' });
      expect((await account(svc, user)).balance).toBe(10000);

      const exact = await svc.adminBalance(user.accountId, -4800, 'all of the free margin');
      expect(exact.status).toBe(200);
      // balance 5200; equity 4200; free margin 0; level 4200 / 4200 = 100.00 %
      expect(await money(user)).toEqual({ balance: 5200, equity: 4200, margin: 4200, freeMargin: 0, marginLevel: 100 });
    });

    it('answers 400 to a zero amount or more than two decimals and 404 to an unknown account', async () => {
      const svc = service();
      const user = await svc.signup();

      for (const amount of [0, 10.001]) {
        const result = await svc.adminBalance(user.accountId, amount);
        expect({ amount, status: result.status }).toEqual({ amount, status: 400 });
      }
      expect((await svc.adminBalance('99999999', 100)).status).toBe(404);
      expect((await account(svc, user)).balance).toBe(10000);
    });
  });

  describe('many orders of one account arrive at the same time', () => {
    it('accepts only as many as the free margin carries', async () => {
      const svc = service();
      const user = await svc.signup();
      await svc.tick('BTCUSD', 41990.0, 42000.0);

      // each needs 0.5 × 42000 / 10 = 2100.00; after four (8400.00, floating 4 × −5.00) the free margin is
      // 10000 − 20 − 8400 = 1580.00 < 2100.00
      const results = await Promise.all(
        Array.from({ length: 10 }, () => createOrder(svc, user, { symbol: 'BTCUSD', type: 'BUY', quantity: 0.5, leverage: 10 })),
      );

      expect(results.filter((r) => r.status === 200)).toHaveLength(4);
      expect(results.filter((r) => r.status === 400).map((r) => r.body.code)).toEqual(Array(6).fill('TRADE_RETCODE_NO_MONEY'));
      expect(await openOrders(svc, user)).toHaveLength(4);
      expect(await money(user)).toEqual({ balance: 10000, equity: 9980, margin: 8400, freeMargin: 1580, marginLevel: 118.81 }); // 9980 / 8400 = 118.8095…
    });
  });

  describe('an account falls to the stop-out level (demo group: 50 %)', () => {
    it('keeps the position above the level and closes it with STOP_OUT at the bid that reached it', async () => {
      const svc = service();
      const user = await svc.signup();
      // BUY 1 BTCUSD x100 at the ask 42000: margin 1 × 42000 / 100 = 420.00; stop-out when equity ≤ 210.00
      await svc.tick('BTCUSD', 41990.0, 42000.0);
      const orderId = await openPosition(svc, user, { symbol: 'BTCUSD', type: 'BUY', quantity: 1, leverage: 100 });

      // bid 32300: equity 10000 − 9700 = 300.00, level 300 / 420 = 71.43 %: stays open
      await svc.tick('BTCUSD', 32300.0, 32310.0);
      expect((await openOrders(svc, user)).map((r) => r.orderId)).toEqual([orderId]);
      expect(await money(user)).toEqual({ balance: 10000, equity: 300, margin: 420, freeMargin: -120, marginLevel: 71.43 });

      // bid 32200: equity 10000 − 9800 = 200.00, level 47.62 % ≤ 50 %: closed at 32200, loss −9800.00
      await svc.tick('BTCUSD', 32200.0, 32210.0);

      expect(await openOrders(svc, user)).toEqual([]);
      expect((await closedOrders(svc, user)).map((r) => pick(r, ['orderId', 'closePrice', 'profit', 'closeReason']))).toEqual([
        { orderId, closePrice: 32200, profit: -9800, closeReason: 'STOP_OUT' },
      ]);
      expect(await money(user)).toEqual({ balance: 200, equity: 200, margin: 0, freeMargin: 200, marginLevel: 0 });
    });

    it('never leaves a negative balance when the price gaps far through the level', async () => {
      const svc = service();
      const user = await svc.signup();
      await svc.tick('BTCUSD', 41990.0, 42000.0);
      const orderId = await openPosition(svc, user, { symbol: 'BTCUSD', type: 'BUY', quantity: 1, leverage: 100 });

      // one tick to bid 30000: the loss (30000 − 42000) × 1 = −12000 exceeds the 10000 balance
      await svc.tick('BTCUSD', 30000.0, 30010.0);

      expect(await openOrders(svc, user)).toEqual([]);
      const [row] = await closedOrders(svc, user);
      expect(pick(row ?? {}, ['orderId', 'closePrice', 'closeReason'])).toEqual({ orderId, closePrice: 30000, closeReason: 'STOP_OUT' });
      expect((await account(svc, user)).balance).toBe(0);
    });
  });

  describe('the service restarts on the same DATA_DIR after trades by two users', () => {
    let alice: TestUser;
    let bob: TestUser;
    let aliceArmed: string;
    let issuedIds: number[];
    let before: Record<string, { account: unknown; accounts: unknown; open: any[]; closed: unknown }>;
    /** The last quote of every symbol before the restart. */
    const lastQuotes = [
      { symbol: 'BTCUSD', bid: 42100.0, ask: 42110.0 },
      { symbol: 'ETHUSD', bid: 1890.0, ask: 1890.5 },
      { symbol: 'EURUSD', bid: 1.0851, ask: 1.08522 },
    ];

    async function state(user: TestUser, token = user.token) {
      const svc = service();
      const as = { ...user, token };
      const accounts = await svc.http('GET', '/api/v1/accounts', { token });
      return { account: await account(svc, as), accounts: accounts.body, open: await openOrders(svc, as), closed: await closedOrders(svc, as) };
    }

    beforeAll(async () => {
      const svc = service();
      alice = await svc.signup();
      bob = await svc.signup();
      await svc.ticks([
        { symbol: 'BTCUSD', bid: 41990.0, ask: 42000.0 },
        { symbol: 'ETHUSD', bid: 1900.0, ask: 1900.5 },
        { symbol: 'EURUSD', bid: 1.0845, ask: 1.08462 },
      ]);
      // Alice: a BUY with TP and SL armed stays open; an ETHUSD SELL is closed.
      aliceArmed = await openPosition(svc, alice, { symbol: 'BTCUSD', type: 'BUY', quantity: 0.5, leverage: 10, takeProfit: 45000, stopLoss: 40000 });
      const aliceEth = await openPosition(svc, alice, { symbol: 'ETHUSD', type: 'SELL', quantity: 1, leverage: 20 });
      // Bob: an EURUSD BUY partly closed, the rest open; a deposit.
      const bobEur = await openPosition(svc, bob, { symbol: 'EURUSD', type: 'BUY', quantity: 1, leverage: 100 });
      expect((await svc.adminBalance(bob.accountId, 123.45, 'restart deposit')).status).toBe(200);
      await svc.ticks(lastQuotes);
      await closeOk(alice, { orderId: aliceEth }); // (1900 − 1890.50) × 1 = 9.50
      await closeOk(bob, { orderId: bobEur, quantity: 0.4 }); // (1.08510 − 1.08462) × 0.4 × 100000 = 19.20
      issuedIds = [aliceArmed, aliceEth, bobEur].map(Number);

      before = { alice: await state(alice), bob: await state(bob) };
      expect(before.alice.open).toHaveLength(1);
      expect(before.bob.open).toHaveLength(1);

      const pid = svc.pid;
      await svc.restart();
      expect(svc.pid).toBeDefined();
      expect(svc.pid).not.toBe(pid); // a new process, same DATA_DIR
    }, 60_000);

    it('signs both users in again and still accepts their tokens from before the restart', async () => {
      const svc = service();
      for (const user of [alice, bob]) {
        const fresh = await svc.signin(user.email, user.password);
        expect((await svc.http('GET', '/api/v1/accounts', { token: fresh })).status).toBe(200);
        const old = await svc.http('GET', '/api/v1/accounts', { token: user.token });
        expect(old.status).toBe(200);
        expect(old.body.accounts.map((a: any) => a.accountId)).toEqual([user.accountId]);
      }
      // The emails are still taken.
      const again = await svc.http('POST', '/api/v1/user/signup', { body: { email: alice.email, password: 'another-password' } });
      expect(again.status).toBe(409);
    });

    it('shows the same balances, margins, positions and closed history before any new price', async () => {
      for (const [name, user] of [['alice', alice], ['bob', bob]] as const) {
        const after = await state(user);
        const was = before[name]!;
        expect(after.closed).toEqual(was.closed);
        expect(pick(after.account as any, ['accountId', 'login', 'name', 'group', 'currency', 'leverage', 'balance', 'margin'])).toEqual(
          pick(was.account as any, ['accountId', 'login', 'name', 'group', 'currency', 'leverage', 'balance', 'margin']),
        );
        // Without a price yet, only the live valuation (currentPrice, profit) may differ.
        const stable = (rows: any[]) => rows.map(({ currentPrice: _p, profit: _f, ...rest }) => rest);
        expect(stable(after.open)).toEqual(stable(was.open));
      }
      expect((await account(service(), bob)).balance).toBe(10142.65); // 10000 + 123.45 + 19.20
      expect((await account(service(), alice)).balance).toBe(10009.5); // 10000 + 9.50
    });

    it('shows exactly the same accounts and open positions once the same prices are quoted again', async () => {
      await service().ticks(lastQuotes);
      expect(await state(alice)).toEqual(before.alice);
      expect(await state(bob)).toEqual(before.bob);
    });

    it('still fires the take profit armed before the restart on a new tick', async () => {
      const svc = service();
      await svc.tick('BTCUSD', 45100.0, 45110.0);

      expect(await openOrders(svc, alice)).toEqual([]);
      const [row] = await closedOrders(svc, alice);
      // (45100 − 42000) × 0.5 = 1550.00
      expect(pick(row, ['orderId', 'closePrice', 'profit', 'closeReason', 'status'])).toEqual({
        orderId: aliceArmed,
        closePrice: 45100,
        profit: 1550,
        closeReason: 'TAKE_PROFIT',
        status: 'CLOSED',
      });
      expect((await account(svc, alice)).balance).toBe(11559.5); // 10009.50 + 1550.00
    });

    it('gives a new order an id greater than every id issued before the restart, and a new user new ids', async () => {
      const svc = service();
      await svc.tick('BTCUSD', 41990.0, 42000.0);

      const created = await createOrder(svc, bob, { symbol: 'BTCUSD', type: 'BUY', quantity: 0.01, leverage: 10 });

      expect(created.status).toBe(200);
      expect(Number(created.body.orderId)).toBeGreaterThan(Math.max(...issuedIds));
      const carol = await svc.signup();
      expect(Number(carol.userId)).toBeGreaterThan(Math.max(Number(alice.userId), Number(bob.userId)));
      expect(Number(carol.accountId)).toBeGreaterThan(Math.max(Number(alice.accountId), Number(bob.accountId)));
      const carolOrder = await openPosition(svc, carol, { symbol: 'BTCUSD', type: 'BUY', quantity: 0.01, leverage: 10 });
      expect(Number(carolOrder)).toBeGreaterThan(Number(created.body.orderId));
    });
  });
});
