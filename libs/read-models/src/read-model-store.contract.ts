/**
 * The behaviour every ReadModelStore adapter must have, as one suite each adapter's integration
 * spec runs against its real backend (`describeReadModelStoreContract(name, factory)`).
 */
import type { DomainEvent } from '../../domain/src/index.js';
import { project } from './projection.js';
import type { ReadModelStore } from './read-model-store.port.js';
import type { ReadModelOp } from './read-model.ops.js';
import { ReadModelInconsistencyError } from './sqlite/sqlite-read-model-store.js';
import type {
  AccountView,
  ClosedOrderView,
  DealView,
  GroupView,
  HistoryOrderView,
  OpenOrderView,
  PendingOrderView,
  UserView,
} from './views.js';

export interface ReadModelStoreFixture {
  /** A new, empty store of its own: no other test sees its documents. */
  store: ReadModelStore;
  /** Closes the current store and opens a new one on the same data. */
  reopen(): Promise<ReadModelStore>;
  /** Closes the store that is open and removes its data. */
  cleanup(): Promise<void>;
}

export const user = (userId: number, email: string): UserView => ({
  userId,
  email,
  passwordHash: `hash-${userId}`,
  registeredAt: '2026-03-03T10:00:00.000Z',
});

export const account = (accountId: number, userId: number, openedAt = '2026-03-03T10:00:00.000Z'): AccountView => ({
  accountId,
  userId,
  name: `Account ${accountId}`,
  group: 'demo',
  currency: 'USD',
  leverage: 100,
  balance: '0',
  margin: '0',
  openedAt,
});

export const openOrder = (orderId: number, accountId: number, volume = '1', margin = '420'): OpenOrderView => ({
  orderId,
  accountId,
  symbol: 'BTCUSD',
  side: 'BUY',
  volume,
  leverage: 100,
  openPrice: '42000',
  margin,
  takeProfit: null,
  stopLoss: null,
  openTime: '2026-03-03T10:30:00.000Z',
  clientId: null,
  comment: null,
});

export const closedOrder = (
  orderId: number,
  accountId: number,
  closeTime: string,
  position: number,
  volume = '1',
): ClosedOrderView => ({
  orderId,
  accountId,
  symbol: 'BTCUSD',
  side: 'BUY',
  volume,
  leverage: 100,
  openPrice: '42000',
  closePrice: '42100',
  takeProfit: null,
  stopLoss: null,
  openTime: '2026-03-03T10:30:00.000Z',
  closeTime,
  profit: '100',
  reason: 'MANUAL',
  position,
});

export const pendingOrder = (orderId: number, accountId: number, price = '41000'): PendingOrderView => ({
  orderId,
  accountId,
  symbol: 'BTCUSD',
  orderType: 'BUY_LIMIT',
  side: 'BUY',
  volume: '0.5',
  price,
  stopLimitPrice: null,
  leverage: 100,
  takeProfit: null,
  stopLoss: null,
  expiration: { type: 'GTC', at: null },
  placedAt: '2026-03-03T10:40:00.000Z',
  clientId: null,
  comment: null,
  magic: null,
});

export const group = (name: string, leverage = 100): GroupView => ({
  name,
  leverage,
  maxLeverage: 500,
  marginCallPercent: '100',
  stopOutPercent: '50',
  commissionPerLot: '3.5',
  symbols: null,
  hedging: true,
});

export const historyOrder = (orderId: number, accountId: number, doneAt: string, position: number): HistoryOrderView => ({
  orderId,
  accountId,
  symbol: 'BTCUSD',
  orderType: 'MARKET',
  side: 'BUY',
  state: 'FILLED',
  volume: '0.5',
  price: '42001',
  stopLimitPrice: null,
  fillPrice: '42001',
  leverage: 100,
  takeProfit: null,
  stopLoss: null,
  expiration: { type: 'GTC', at: null },
  placedAt: doneAt,
  doneAt,
  clientId: 'c-1',
  comment: null,
  magic: 7,
  position,
});

/** A trade deal (IN) of position `positionId`, or a balance deal when positionId is null. */
export const deal = (dealId: number, accountId: number, time: string, positionId: number | null = null): DealView => ({
  dealId,
  accountId,
  kind: positionId === null ? 'BALANCE' : 'BUY',
  entry: positionId === null ? null : 'IN',
  time,
  symbol: positionId === null ? null : 'BTCUSD',
  volume: positionId === null ? null : '0.5',
  price: positionId === null ? null : '42001',
  profit: positionId === null ? '100' : '0',
  commission: positionId === null ? '0' : '-1.75',
  positionId,
  orderId: positionId,
  reason: positionId === null ? 'DEPOSIT' : 'OPEN',
  takeProfit: null,
  stopLoss: null,
  clientId: null,
  comment: null,
  magic: null,
});

/** Every time any test here uses lies inside this range. */
const ALL_TIME = { from: '2000-01-01T00:00:00.000Z', to: '2100-01-01T00:00:00.000Z' };

/** A registered user with one funded account: the state most tests start from. */
export const seed: ReadModelOp[] = [
  { op: 'putUser', user: user(1, 'Ann@Example.com') },
  { op: 'putAccount', account: account(2, 1) },
  { op: 'setBalance', accountId: 2, balance: '10000' },
];

export function describeReadModelStoreContract(name: string, factory: () => Promise<ReadModelStoreFixture>): void {
  describe(`${name} (read-model store contract)`, () => {
    let fixture: ReadModelStoreFixture;
    let store: ReadModelStore;

    beforeEach(async () => {
      fixture = await factory();
      store = fixture.store;
    });

    afterEach(async () => {
      await fixture.cleanup();
    });

    describe('a new store', () => {
      it('has checkpoint 0 and no documents', async () => {
        expect(await store.checkpoint()).toBe(0);
        expect(await store.user(1)).toBeUndefined();
        expect(await store.userByEmail('ann@example.com')).toBeUndefined();
        expect(await store.account(2)).toBeUndefined();
        expect(await store.accountsOfUser(1)).toEqual([]);
        expect(await store.openOrders(2)).toEqual([]);
        expect(await store.openOrder(7)).toBeUndefined();
        expect(await store.closedOrders(2)).toEqual([]);
        expect(await store.pendingOrders(2)).toEqual([]);
        expect(await store.pendingOrder(20)).toBeUndefined();
        expect(await store.groups()).toEqual([]);
        expect(await store.group('demo')).toBeUndefined();
        expect(await store.historyOrders(2, ALL_TIME)).toEqual([]);
        expect(await store.deals(2, ALL_TIME)).toEqual([]);
        expect(await store.positionDeals(7)).toEqual([]);
      });
    });

    describe('a registered user with accounts', () => {
      beforeEach(async () => {
        await store.apply(seed, 1);
        await store.apply([{ op: 'putUser', user: user(5, 'bob@example.com') }], 2);
        await store.apply(
          [
            { op: 'putAccount', account: account(9, 1, '2026-03-03T12:00:00.000Z') },
            { op: 'putAccount', account: account(4, 1, '2026-03-03T11:00:00.000Z') },
            { op: 'putAccount', account: account(6, 5) },
          ],
          3,
        );
      });

      it('finds the user by id', async () => {
        expect(await store.user(1)).toEqual(user(1, 'Ann@Example.com'));
      });

      it('finds the user by email whatever its case and surrounding spaces', async () => {
        expect(await store.userByEmail(' ANN@example.COM ')).toEqual(user(1, 'Ann@Example.com'));
        expect(await store.userByEmail('nobody@example.com')).toBeUndefined();
      });

      it('finds an account by id with its balance', async () => {
        expect(await store.account(2)).toEqual({ ...account(2, 1), balance: '10000' });
      });

      it("lists only the user's accounts, oldest first", async () => {
        expect((await store.accountsOfUser(1)).map((a) => a.accountId)).toEqual([2, 4, 9]);
        expect((await store.accountsOfUser(5)).map((a) => a.accountId)).toEqual([6]);
        expect(await store.accountsOfUser(99)).toEqual([]);
      });

      it('keeps one entry per account when an account is put again', async () => {
        await store.apply([{ op: 'putAccount', account: { ...account(4, 1, '2026-03-03T11:00:00.000Z'), name: 'Renamed' } }], 4);
        expect((await store.accountsOfUser(1)).map((a) => [a.accountId, a.name])).toEqual([
          [2, 'Account 2'],
          [4, 'Renamed'],
          [9, 'Account 9'],
        ]);
      });

      it('reports the last applied position as its checkpoint', async () => {
        expect(await store.checkpoint()).toBe(3);
      });
    });

    describe('two users registered with the same email', () => {
      beforeEach(async () => {
        await store.apply([{ op: 'putUser', user: user(3, 'ann@example.com') }], 1);
        await store.apply([{ op: 'putUser', user: user(8, 'ANN@example.com') }], 2);
      });

      it('finds the first registered one by that email', async () => {
        expect((await store.userByEmail('ann@example.com'))?.userId).toBe(3);
      });
    });

    describe('an account with open positions', () => {
      beforeEach(async () => {
        await store.apply(
          [
            ...seed,
            { op: 'putAccount', account: account(3, 1) },
            { op: 'putOpenOrder', order: openOrder(8, 2) },
            { op: 'putOpenOrder', order: openOrder(7, 2, '0.3', '126') },
            { op: 'putOpenOrder', order: openOrder(10, 3) },
          ],
          10,
        );
      });

      it("lists the account's open orders only", async () => {
        expect((await store.openOrders(2)).map((o) => o.orderId)).toEqual([7, 8]);
        expect(await store.openOrders(3)).toEqual([openOrder(10, 3)]);
      });

      it('finds an open order by id', async () => {
        expect(await store.openOrder(7)).toEqual(openOrder(7, 2, '0.3', '126'));
        expect(await store.openOrder(99)).toBeUndefined();
      });

      it('reduces a partly closed order to its remaining volume and margin, exactly', async () => {
        await store.apply([{ op: 'reduceOpenOrder', orderId: 7, remainingVolume: '0.1', marginReleased: '83.99999999' }], 11);
        expect(await store.openOrder(7)).toMatchObject({ volume: '0.1', margin: '42.00000001' });
        expect((await store.openOrders(2)).map((o) => [o.orderId, o.volume])).toEqual([
          [7, '0.1'],
          [8, '1'],
        ]);
      });

      it('changes only the take-profit and stop-loss of a modified position', async () => {
        await store.apply([{ op: 'setOpenOrderLevels', orderId: 7, takeProfit: '43000', stopLoss: null }], 11);
        await store.apply([{ op: 'setOpenOrderLevels', orderId: 8, takeProfit: null, stopLoss: '41000.5' }], 12);
        expect(await store.openOrder(7)).toEqual({ ...openOrder(7, 2, '0.3', '126'), takeProfit: '43000' });
        expect((await store.openOrders(2)).map((o) => [o.orderId, o.takeProfit, o.stopLoss])).toEqual([
          [7, '43000', null],
          [8, null, '41000.5'],
        ]);
      });

      it('removes a fully closed order', async () => {
        await store.apply([{ op: 'deleteOpenOrder', orderId: 8 }], 11);
        expect(await store.openOrder(8)).toBeUndefined();
        expect((await store.openOrders(2)).map((o) => o.orderId)).toEqual([7]);
      });

      it('removes an order opened and closed within the same batch', async () => {
        await store.apply(
          [
            { op: 'putOpenOrder', order: openOrder(12, 2) },
            { op: 'reduceOpenOrder', orderId: 12, remainingVolume: '0.5', marginReleased: '210' },
            { op: 'deleteOpenOrder', orderId: 12 },
          ],
          11,
        );
        expect(await store.openOrder(12)).toBeUndefined();
        expect((await store.openOrders(2)).map((o) => o.orderId)).toEqual([7, 8]);
      });
    });

    describe('an account with pending orders', () => {
      beforeEach(async () => {
        await store.apply(
          [
            ...seed,
            { op: 'putAccount', account: account(3, 1) },
            { op: 'putPendingOrder', order: pendingOrder(21, 2) },
            { op: 'putPendingOrder', order: pendingOrder(20, 2) },
            { op: 'putPendingOrder', order: pendingOrder(22, 3) },
          ],
          10,
        );
      });

      it("lists the account's pending orders only, oldest first", async () => {
        expect((await store.pendingOrders(2)).map((o) => o.orderId)).toEqual([20, 21]);
        expect(await store.pendingOrders(3)).toEqual([pendingOrder(22, 3)]);
        expect(await store.pendingOrders(99)).toEqual([]);
      });

      it('finds a pending order by id', async () => {
        expect(await store.pendingOrder(21)).toEqual(pendingOrder(21, 2));
        expect(await store.pendingOrder(99)).toBeUndefined();
      });

      it('changes only the fields a modification gives', async () => {
        await store.apply(
          [{ op: 'patchPendingOrder', orderId: 21, changes: { price: '40500', takeProfit: '45000', expiration: { type: 'DAY', at: null } } }],
          11,
        );
        expect(await store.pendingOrder(21)).toEqual({
          ...pendingOrder(21, 2, '40500'),
          takeProfit: '45000',
          expiration: { type: 'DAY', at: null },
        });
      });

      it('removes a cancelled one', async () => {
        await store.apply([{ op: 'deletePendingOrder', orderId: 20 }], 11);
        expect(await store.pendingOrder(20)).toBeUndefined();
        expect((await store.pendingOrders(2)).map((o) => o.orderId)).toEqual([21]);
      });

      it('turns a filled one into the open position with the same id', async () => {
        await store.apply(
          [
            { op: 'deletePendingOrder', orderId: 21 },
            { op: 'putOpenOrder', order: openOrder(21, 2, '0.5', '210') },
            { op: 'addMargin', accountId: 2, delta: '210' },
          ],
          11,
        );
        expect((await store.pendingOrders(2)).map((o) => o.orderId)).toEqual([20]);
        expect((await store.openOrders(2)).map((o) => o.orderId)).toEqual([21]);
        expect((await store.account(2))?.margin).toBe('210');
      });
    });

    describe('defined groups', () => {
      beforeEach(async () => {
        await store.apply(
          [
            ...seed,
            { op: 'putGroup', group: group('vip', 200) },
            { op: 'putGroup', group: group('demo') },
            { op: 'putGroup', group: group('Pro', 300) },
          ],
          1,
        );
      });

      it('lists every group by name, byte order', async () => {
        expect((await store.groups()).map((g) => g.name)).toEqual(['Pro', 'demo', 'vip']);
      });

      it('finds a group by name', async () => {
        expect(await store.group('vip')).toEqual(group('vip', 200));
        expect(await store.group('VIP')).toBeUndefined();
      });

      it('replaces a group defined again, keeping one entry', async () => {
        await store.apply([{ op: 'putGroup', group: group('demo', 50) }], 2);
        expect((await store.groups()).map((g) => [g.name, g.leverage])).toEqual([
          ['Pro', 300],
          ['demo', 50],
          ['vip', 200],
        ]);
      });

      it('moves an account to another group with its leverage', async () => {
        await store.apply([{ op: 'setAccountGroup', accountId: 2, group: 'vip', leverage: 200 }], 2);
        expect(await store.account(2)).toEqual({ ...account(2, 1), balance: '10000', group: 'vip', leverage: 200 });
      });
    });

    describe('an account holding margin', () => {
      beforeEach(async () => {
        await store.apply(seed, 1);
      });

      it('adds margin in exact decimals (0.1 + 0.2 = 0.3)', async () => {
        await store.apply(
          [
            { op: 'addMargin', accountId: 2, delta: '0.1' },
            { op: 'addMargin', accountId: 2, delta: '0.2' },
          ],
          2,
        );
        expect((await store.account(2))?.margin).toBe('0.3');
      });

      it('adds margin in exact decimals across batches', async () => {
        await store.apply([{ op: 'addMargin', accountId: 2, delta: '0.1' }], 2);
        await store.apply([{ op: 'addMargin', accountId: 2, delta: '0.2' }], 3);
        expect((await store.account(2))?.margin).toBe('0.3');
      });

      it('returns to exactly 0 when every position released its margin', async () => {
        await store.apply(
          [
            { op: 'addMargin', accountId: 2, delta: '1234.56789' },
            { op: 'addMargin', accountId: 2, delta: '0.00000001' },
            { op: 'addMargin', accountId: 2, delta: '-0.00000001' },
            { op: 'addMargin', accountId: 2, delta: '-1234.56789' },
          ],
          2,
        );
        expect((await store.account(2))?.margin).toBe('0');
      });
    });

    describe('an account with closed orders', () => {
      beforeEach(async () => {
        await store.apply(seed, 1);
        await store.apply([{ op: 'addClosedOrder', order: closedOrder(7, 2, '2026-03-03T11:00:00.000Z', 20, '0.2') }], 20);
        await store.apply([{ op: 'addClosedOrder', order: closedOrder(8, 2, '2026-03-03T12:00:00.000Z', 21) }], 21);
        // Two closes in the same instant (a stop-out): the later log position is the newer one.
        await store.apply([{ op: 'addClosedOrder', order: closedOrder(7, 2, '2026-03-03T13:00:00.000Z', 22, '0.3') }], 22);
        await store.apply([{ op: 'addClosedOrder', order: closedOrder(9, 2, '2026-03-03T13:00:00.000Z', 23) }], 23);
        await store.apply([{ op: 'addClosedOrder', order: closedOrder(11, 3, '2026-03-03T14:00:00.000Z', 24) }], 24);
      });

      it('lists them newest first by close time, then by log position', async () => {
        expect((await store.closedOrders(2)).map((o) => o.position)).toEqual([23, 22, 21, 20]);
      });

      it('lists a trigger close stamped with an earlier quote time after a manual close logged before it', async () => {
        // A manual close is stamped with the engine's clock; a TP/SL close with its quote's time.
        await store.apply([{ op: 'addClosedOrder', order: closedOrder(12, 2, '2026-03-03T15:00:00.500Z', 25) }], 25);
        await store.apply(
          [{ op: 'addClosedOrder', order: { ...closedOrder(13, 2, '2026-03-03T15:00:00.300Z', 26), reason: 'TAKE_PROFIT' } }],
          26,
        );
        expect((await store.closedOrders(2, 3)).map((o) => o.position)).toEqual([25, 26, 23]);
      });

      it('keeps each partial close of an order as its own row under the same orderId', async () => {
        const partials = (await store.closedOrders(2)).filter((o) => o.orderId === 7);
        expect(partials).toEqual([
          closedOrder(7, 2, '2026-03-03T13:00:00.000Z', 22, '0.3'),
          closedOrder(7, 2, '2026-03-03T11:00:00.000Z', 20, '0.2'),
        ]);
      });

      it('returns only the newest ones up to the limit', async () => {
        expect((await store.closedOrders(2, 2)).map((o) => o.position)).toEqual([23, 22]);
        expect((await store.closedOrders(2, 10)).map((o) => o.position)).toEqual([23, 22, 21, 20]);
      });

      it('returns none for a limit of 0', async () => {
        expect(await store.closedOrders(2, 0)).toEqual([]);
      });

      it("does not show another account's closes", async () => {
        expect((await store.closedOrders(3)).map((o) => o.orderId)).toEqual([11]);
      });
    });

    describe('an account with an order history', () => {
      beforeEach(async () => {
        await store.apply(
          [
            ...seed,
            { op: 'putAccount', account: account(3, 1) },
            { op: 'putHistoryOrder', order: historyOrder(7, 2, '2026-03-03T11:00:00.000Z', 20) },
            { op: 'putHistoryOrder', order: historyOrder(8, 2, '2026-03-03T10:00:00.000Z', 21) },
            // Two orders done in the same instant: the later log position comes later.
            { op: 'putHistoryOrder', order: historyOrder(10, 2, '2026-03-03T12:00:00.000Z', 23) },
            { op: 'putHistoryOrder', order: historyOrder(9, 2, '2026-03-03T12:00:00.000Z', 22) },
            { op: 'putHistoryOrder', order: historyOrder(11, 3, '2026-03-03T11:30:00.000Z', 24) },
            { op: 'putPendingOrder', order: pendingOrder(20, 2) },
            { op: 'putPendingOrder', order: { ...pendingOrder(21, 2), clientId: 'tag', comment: 'dip', magic: 3 } },
          ],
          24,
        );
      });

      it('lists the orders done within the range, oldest first, then by log position', async () => {
        expect((await store.historyOrders(2, ALL_TIME)).map((o) => o.orderId)).toEqual([8, 7, 9, 10]);
        expect(await store.historyOrders(2, ALL_TIME)).toContainEqual(historyOrder(7, 2, '2026-03-03T11:00:00.000Z', 20));
      });

      it('includes an order done at the start of the range and leaves out one done at its end', async () => {
        const range = { from: '2026-03-03T11:00:00.000Z', to: '2026-03-03T12:00:00.000Z' };
        expect((await store.historyOrders(2, range)).map((o) => o.orderId)).toEqual([7]);
        const later = { from: '2026-03-03T11:00:00.001Z', to: '2026-03-03T12:00:00.001Z' };
        expect((await store.historyOrders(2, later)).map((o) => o.orderId)).toEqual([9, 10]);
      });

      it("does not show another account's orders", async () => {
        expect((await store.historyOrders(3, ALL_TIME)).map((o) => o.orderId)).toEqual([11]);
        expect(await store.historyOrders(99, ALL_TIME)).toEqual([]);
      });

      it('skips `offset` orders and returns at most `limit`', async () => {
        expect((await store.historyOrders(2, ALL_TIME, { offset: 1, limit: 2 })).map((o) => o.orderId)).toEqual([7, 9]);
        expect((await store.historyOrders(2, ALL_TIME, { offset: 3 })).map((o) => o.orderId)).toEqual([10]);
        expect((await store.historyOrders(2, ALL_TIME, { limit: 1 })).map((o) => o.orderId)).toEqual([8]);
        expect(await store.historyOrders(2, ALL_TIME, { offset: 4 })).toEqual([]);
      });

      it('archives a pending order with its final state, fill price and fields as the read model held them', async () => {
        await store.apply(
          [
            { op: 'patchPendingOrder', orderId: 21, changes: { price: '40500', takeProfit: '45000' } },
            { op: 'archivePendingOrder', orderId: 21, state: 'FILLED', doneAt: '2026-03-03T13:00:00.000Z', fillPrice: '40499.5', position: 25 },
            { op: 'deletePendingOrder', orderId: 21 },
            { op: 'archivePendingOrder', orderId: 20, state: 'EXPIRED', doneAt: '2026-03-03T13:00:00.000Z', fillPrice: null, position: 26 },
            { op: 'deletePendingOrder', orderId: 20 },
          ],
          26,
        );
        const range = { from: '2026-03-03T13:00:00.000Z', to: '2026-03-03T13:00:01.000Z' };
        expect(await store.historyOrders(2, range)).toEqual([
          {
            ...pendingOrder(21, 2, '40500'),
            takeProfit: '45000',
            clientId: 'tag',
            comment: 'dip',
            magic: 3,
            state: 'FILLED',
            fillPrice: '40499.5',
            doneAt: '2026-03-03T13:00:00.000Z',
            position: 25,
          },
          { ...pendingOrder(20, 2), state: 'EXPIRED', fillPrice: null, doneAt: '2026-03-03T13:00:00.000Z', position: 26 },
        ]);
        expect(await store.pendingOrders(2)).toEqual([]);
      });

      it('keeps one entry per order when the same order is put again', async () => {
        await store.apply([{ op: 'putHistoryOrder', order: { ...historyOrder(7, 2, '2026-03-03T11:00:00.000Z', 20), comment: 'again' } }], 25);
        const orders = await store.historyOrders(2, ALL_TIME);
        expect(orders.map((o) => o.orderId)).toEqual([8, 7, 9, 10]);
        expect(orders[1]?.comment).toBe('again');
      });
    });

    describe('an account with deals', () => {
      beforeEach(async () => {
        await store.apply(
          [
            ...seed,
            { op: 'putAccount', account: account(3, 1) },
            { op: 'putDeal', deal: deal(30, 2, '2026-03-03T10:00:00.000Z') },
            { op: 'putDeal', deal: deal(31, 2, '2026-03-03T10:30:00.000Z', 7) },
            // A TP close stamped with its quote's time, earlier than a deal logged before it.
            { op: 'putDeal', deal: { ...deal(33, 2, '2026-03-03T10:29:00.000Z', 7), kind: 'SELL', entry: 'OUT', reason: 'TAKE_PROFIT' } },
            { op: 'putDeal', deal: deal(32, 2, '2026-03-03T10:30:00.000Z', 8) },
            { op: 'putDeal', deal: deal(34, 3, '2026-03-03T10:30:00.000Z', 9) },
          ],
          34,
        );
      });

      it('lists the deals made within the range by time, then by deal id', async () => {
        expect((await store.deals(2, ALL_TIME)).map((d) => d.dealId)).toEqual([30, 33, 31, 32]);
        expect((await store.deals(2, ALL_TIME))[0]).toEqual(deal(30, 2, '2026-03-03T10:00:00.000Z'));
      });

      it('includes a deal made at the start of the range and leaves out one made at its end', async () => {
        const range = { from: '2026-03-03T10:29:00.000Z', to: '2026-03-03T10:30:00.000Z' };
        expect((await store.deals(2, range)).map((d) => d.dealId)).toEqual([33]);
      });

      it("does not show another account's deals", async () => {
        expect((await store.deals(3, ALL_TIME)).map((d) => d.dealId)).toEqual([34]);
      });

      it('skips `offset` deals and returns at most `limit`', async () => {
        expect((await store.deals(2, ALL_TIME, { offset: 1, limit: 2 })).map((d) => d.dealId)).toEqual([33, 31]);
        expect((await store.deals(2, ALL_TIME, { limit: 0 }))).toEqual([]);
      });

      it("lists one position's deals, oldest first", async () => {
        expect((await store.positionDeals(7)).map((d) => [d.dealId, d.entry])).toEqual([
          [33, 'OUT'],
          [31, 'IN'],
        ]);
        expect((await store.positionDeals(9)).map((d) => d.dealId)).toEqual([34]);
        expect(await store.positionDeals(99)).toEqual([]);
      });

      it('keeps one entry per deal when the same deal is put again', async () => {
        await store.apply([{ op: 'putDeal', deal: { ...deal(31, 2, '2026-03-03T10:30:00.000Z', 7), comment: 'again' } }], 35);
        expect((await store.deals(2, ALL_TIME)).map((d) => d.dealId)).toEqual([30, 33, 31, 32]);
        expect((await store.positionDeals(7)).map((d) => d.comment)).toEqual([null, 'again']);
      });
    });

    describe('a batch with an op the read model cannot apply', () => {
      beforeEach(async () => {
        await store.apply(seed, 1);
      });

      it.each<[string, ReadModelOp]>([
        ['a balance for a missing account', { op: 'setBalance', accountId: 99, balance: '1' }],
        ['margin for a missing account', { op: 'addMargin', accountId: 99, delta: '1' }],
        ['reducing a missing order', { op: 'reduceOpenOrder', orderId: 99, remainingVolume: '1', marginReleased: '1' }],
        ['deleting a missing order', { op: 'deleteOpenOrder', orderId: 99 }],
        ['levels for a missing order', { op: 'setOpenOrderLevels', orderId: 99, takeProfit: '1', stopLoss: null }],
        ['modifying a missing pending order', { op: 'patchPendingOrder', orderId: 99, changes: { price: '1' } }],
        ['cancelling a missing pending order', { op: 'deletePendingOrder', orderId: 99 }],
        [
          'archiving a missing pending order',
          { op: 'archivePendingOrder', orderId: 99, state: 'CANCELED', doneAt: '2026-03-03T11:00:00.000Z', fillPrice: null, position: 2 },
        ],
        ['a group for a missing account', { op: 'setAccountGroup', accountId: 99, group: 'vip', leverage: 200 }],
      ])('rejects %s and applies nothing of the batch, checkpoint included', async (_name, failing) => {
        const batch: ReadModelOp[] = [
          { op: 'putUser', user: user(5, 'bob@example.com') },
          { op: 'putAccount', account: account(6, 5) },
          { op: 'setBalance', accountId: 2, balance: '5' },
          { op: 'addMargin', accountId: 2, delta: '10' },
          { op: 'putOpenOrder', order: openOrder(7, 2) },
          { op: 'addClosedOrder', order: closedOrder(8, 2, '2026-03-03T11:00:00.000Z', 2) },
          { op: 'putPendingOrder', order: pendingOrder(20, 2) },
          { op: 'putGroup', group: group('vip') },
          { op: 'setAccountGroup', accountId: 2, group: 'vip', leverage: 200 },
          { op: 'putHistoryOrder', order: historyOrder(7, 2, '2026-03-03T11:00:00.000Z', 2) },
          { op: 'putDeal', deal: deal(2, 2, '2026-03-03T11:00:00.000Z', 7) },
          failing,
        ];
        await expect(store.apply(batch, 2)).rejects.toThrow(ReadModelInconsistencyError);

        expect(await store.checkpoint()).toBe(1);
        expect(await store.user(5)).toBeUndefined();
        expect(await store.userByEmail('bob@example.com')).toBeUndefined();
        expect(await store.account(6)).toBeUndefined();
        expect(await store.accountsOfUser(5)).toEqual([]);
        expect(await store.account(2)).toEqual({ ...account(2, 1), balance: '10000' });
        expect(await store.openOrder(7)).toBeUndefined();
        expect(await store.openOrders(2)).toEqual([]);
        expect(await store.closedOrders(2)).toEqual([]);
        expect(await store.pendingOrder(20)).toBeUndefined();
        expect(await store.pendingOrders(2)).toEqual([]);
        expect(await store.groups()).toEqual([]);
        expect(await store.historyOrders(2, ALL_TIME)).toEqual([]);
        expect(await store.deals(2, ALL_TIME)).toEqual([]);
        expect(await store.positionDeals(7)).toEqual([]);
      });

      it('rejects an order deleted twice in the same batch', async () => {
        const batch: ReadModelOp[] = [
          { op: 'putOpenOrder', order: openOrder(7, 2) },
          { op: 'deleteOpenOrder', orderId: 7 },
          { op: 'deleteOpenOrder', orderId: 7 },
        ];
        await expect(store.apply(batch, 2)).rejects.toThrow(ReadModelInconsistencyError);
        expect(await store.checkpoint()).toBe(1);
        expect(await store.openOrder(7)).toBeUndefined();
      });

      it('accepts the same position again once the batch is fixed', async () => {
        await expect(store.apply([{ op: 'setBalance', accountId: 99, balance: '1' }], 2)).rejects.toThrow();
        await store.apply([{ op: 'setBalance', accountId: 2, balance: '5' }], 2);
        expect(await store.checkpoint()).toBe(2);
        expect((await store.account(2))?.balance).toBe('5');
      });
    });

    describe('a store that already applied a position', () => {
      beforeEach(async () => {
        await store.apply([...seed, { op: 'addMargin', accountId: 2, delta: '100' }], 5);
      });

      it.each([5, 4, 1])('ignores a batch at position %i', async (position) => {
        await store.apply(
          [
            { op: 'addMargin', accountId: 2, delta: '100' },
            { op: 'addClosedOrder', order: closedOrder(7, 2, '2026-03-03T11:00:00.000Z', position) },
            // Would throw if it ran: proves the batch is not even looked at.
            { op: 'deleteOpenOrder', orderId: 99 },
          ],
          position,
        );
        expect(await store.checkpoint()).toBe(5);
        expect((await store.account(2))?.margin).toBe('100');
        expect(await store.closedOrders(2)).toEqual([]);
      });

      it('moves the checkpoint forward on a batch without ops', async () => {
        await store.apply([], 6);
        expect(await store.checkpoint()).toBe(6);
      });
    });

    describe('a store closed and opened again on the same data', () => {
      it('still has every document and its checkpoint', async () => {
        await store.apply(
          [
            ...seed,
            { op: 'addMargin', accountId: 2, delta: '0.1' },
            { op: 'putOpenOrder', order: openOrder(7, 2) },
            { op: 'addClosedOrder', order: closedOrder(8, 2, '2026-03-03T11:00:00.000Z', 3) },
            { op: 'putPendingOrder', order: pendingOrder(20, 2) },
            { op: 'putGroup', group: group('demo') },
            { op: 'putHistoryOrder', order: historyOrder(9, 2, '2026-03-03T11:00:00.000Z', 3) },
            { op: 'putDeal', deal: deal(3, 2, '2026-03-03T11:00:00.000Z', 9) },
          ],
          3,
        );

        store = await fixture.reopen();
        expect(await store.checkpoint()).toBe(3);
        expect(await store.userByEmail('ann@example.com')).toEqual(user(1, 'Ann@Example.com'));
        expect(await store.account(2)).toEqual({ ...account(2, 1), balance: '10000', margin: '0.1' });
        expect(await store.accountsOfUser(1)).toHaveLength(1);
        expect(await store.openOrders(2)).toEqual([openOrder(7, 2)]);
        expect(await store.closedOrders(2)).toEqual([closedOrder(8, 2, '2026-03-03T11:00:00.000Z', 3)]);
        expect(await store.pendingOrders(2)).toEqual([pendingOrder(20, 2)]);
        expect(await store.groups()).toEqual([group('demo')]);
        expect(await store.historyOrders(2, ALL_TIME)).toEqual([historyOrder(9, 2, '2026-03-03T11:00:00.000Z', 3)]);
        expect(await store.deals(2, ALL_TIME)).toEqual([deal(3, 2, '2026-03-03T11:00:00.000Z', 9)]);
        expect(await store.positionDeals(9)).toEqual([deal(3, 2, '2026-03-03T11:00:00.000Z', 9)]);
      });

      it('goes on applying from its checkpoint', async () => {
        await store.apply([...seed, { op: 'addMargin', accountId: 2, delta: '0.1' }], 3);

        store = await fixture.reopen();
        await store.apply([{ op: 'addMargin', accountId: 2, delta: '0.2' }], 3);
        await store.apply([{ op: 'addMargin', accountId: 2, delta: '0.2' }], 4);
        expect(await store.checkpoint()).toBe(4);
        expect((await store.account(2))?.margin).toBe('0.3');
      });
    });

    describe('a cleared store', () => {
      beforeEach(async () => {
        await store.apply(
          [
            ...seed,
            { op: 'putOpenOrder', order: openOrder(7, 2) },
            { op: 'addClosedOrder', order: closedOrder(8, 2, '2026-03-03T11:00:00.000Z', 3) },
            { op: 'putPendingOrder', order: pendingOrder(20, 2) },
            { op: 'putGroup', group: group('demo') },
            { op: 'putHistoryOrder', order: historyOrder(9, 2, '2026-03-03T11:00:00.000Z', 3) },
            { op: 'putDeal', deal: deal(3, 2, '2026-03-03T11:00:00.000Z', 9) },
          ],
          3,
        );
        await store.clear();
      });

      it('has no documents and checkpoint 0', async () => {
        expect(await store.checkpoint()).toBe(0);
        expect(await store.user(1)).toBeUndefined();
        expect(await store.userByEmail('ann@example.com')).toBeUndefined();
        expect(await store.account(2)).toBeUndefined();
        expect(await store.accountsOfUser(1)).toEqual([]);
        expect(await store.openOrder(7)).toBeUndefined();
        expect(await store.openOrders(2)).toEqual([]);
        expect(await store.closedOrders(2)).toEqual([]);
        expect(await store.pendingOrder(20)).toBeUndefined();
        expect(await store.pendingOrders(2)).toEqual([]);
        expect(await store.groups()).toEqual([]);
        expect(await store.group('demo')).toBeUndefined();
        expect(await store.historyOrders(2, ALL_TIME)).toEqual([]);
        expect(await store.deals(2, ALL_TIME)).toEqual([]);
        expect(await store.positionDeals(9)).toEqual([]);
      });

      it('accepts the log again from its first position', async () => {
        await store.apply(seed, 1);
        expect(await store.checkpoint()).toBe(1);
        expect((await store.account(2))?.balance).toBe('10000');
        expect((await store.accountsOfUser(1)).map((a) => a.accountId)).toEqual([2]);
      });
    });

    describe('a position opened, partly closed, then closed, as projected from the log', () => {
      const quote = { bid: '42000', ask: '42001', time: '2026-03-03T10:30:00.000Z' };
      const position = {
        accountId: 2,
        orderId: 7,
        symbol: 'BTCUSD',
        side: 'BUY' as const,
        openPrice: '42001',
        leverage: 100,
        takeProfit: null,
        stopLoss: null,
        openTime: '2026-03-03T10:30:00.000Z',
      };
      const close = (volume: string, remainingVolume: string, closeTime: string, balance: string): DomainEvent => ({
        type: 'PositionClosed',
        data: {
          ...position,
          volume,
          remainingVolume,
          closePrice: '42100',
          closeTime,
          profit: '29.7',
          marginReleased: '126.003',
          balance,
          reason: remainingVolume === '0' ? 'MANUAL' : 'PARTIAL',
          quote,
          clientId: null,
          comment: null,
        },
      });
      const log: DomainEvent[] = [
        { type: 'UserRegistered', data: { userId: 1, email: 'ann@example.com', passwordHash: 'h', registeredAt: quote.time } },
        {
          type: 'AccountOpened',
          data: { accountId: 2, userId: 1, name: 'Main', group: 'demo', currency: 'USD', leverage: 100, openedAt: quote.time },
        },
        {
          type: 'BalanceChanged',
          data: { accountId: 2, kind: 'DEPOSIT', amount: '10000', balance: '10000', comment: '', changedAt: quote.time },
        },
        {
          type: 'PositionOpened',
          data: {
            ...position,
            volume: '0.6',
            margin: '252.006',
            orderType: 'MARKET',
            commission: '0',
            balance: '10000',
            quote,
            clientId: null,
            comment: null,
            magic: null,
          },
        },
        close('0.3', '0.3', '2026-03-03T11:00:00.000Z', '10029.7'),
      ];

      beforeEach(async () => {
        for (const [index, event] of log.entries()) await store.apply(project({ ...event, position: index + 1 }), index + 1);
      });

      it('leaves the rest of the position open with the margin it still holds', async () => {
        expect(await store.openOrder(7)).toMatchObject({ volume: '0.3', margin: '126.003' });
        expect(await store.account(2)).toMatchObject({ balance: '10029.7', margin: '126.003' });
        expect((await store.closedOrders(2)).map((o) => [o.orderId, o.volume, o.reason, o.position])).toEqual([
          [7, '0.3', 'PARTIAL', 5],
        ]);
      });

      it('ends with no open order, no margin and both closes in the history, newest first', async () => {
        await store.apply(project({ ...close('0.3', '0', '2026-03-03T12:00:00.000Z', '10059.4'), position: 6 }), 6);
        expect(await store.openOrders(2)).toEqual([]);
        expect(await store.account(2)).toMatchObject({ balance: '10059.4', margin: '0' });
        expect((await store.closedOrders(2)).map((o) => [o.orderId, o.volume, o.reason, o.position])).toEqual([
          [7, '0.3', 'MANUAL', 6],
          [7, '0.3', 'PARTIAL', 5],
        ]);
      });

      it('has the market order in the order history and a deal per fill, close and deposit, in time order', async () => {
        await store.apply(project({ ...close('0.3', '0', '2026-03-03T12:00:00.000Z', '10059.4'), position: 6 }), 6);
        expect((await store.historyOrders(2, ALL_TIME)).map((o) => [o.orderId, o.orderType, o.state, o.fillPrice, o.position])).toEqual([
          [7, 'MARKET', 'FILLED', '42001', 4],
        ]);
        expect((await store.deals(2, ALL_TIME)).map((d) => [d.dealId, d.kind, d.entry, d.volume, d.profit, d.positionId])).toEqual([
          [3, 'BALANCE', null, null, '10000', null],
          [4, 'BUY', 'IN', '0.6', '0', 7],
          [5, 'SELL', 'OUT', '0.3', '29.7', 7],
          [6, 'SELL', 'OUT', '0.3', '29.7', 7],
        ]);
        expect((await store.positionDeals(7)).map((d) => d.dealId)).toEqual([4, 5, 6]);
      });

      it('ends in the same state when the whole log is applied as one batch', async () => {
        await store.clear();
        const events = [...log, close('0.3', '0', '2026-03-03T12:00:00.000Z', '10059.4')];
        const ops = events.flatMap((event, index) => project({ ...event, position: index + 1 }));
        await store.apply(ops, events.length);
        expect(await store.openOrders(2)).toEqual([]);
        expect(await store.account(2)).toMatchObject({ balance: '10059.4', margin: '0' });
        expect((await store.closedOrders(2)).map((o) => o.position)).toEqual([6, 5]);
      });
    });
  });
}
