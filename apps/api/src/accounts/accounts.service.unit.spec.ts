import { PriceBoard } from '../../../../libs/domain/src/index.js';
import type { ReadModelReader } from '../../../../libs/read-models/src/read-model-store.port.js';
import type { AccountView } from '../../../../libs/read-models/src/views.js';
import { ProjectionWatermark } from '../../../../libs/read-models/src/watermark/projection-watermark.js';
import { ApiError } from '../common/api-errors.js';
import { InProcessLiveEvents } from '../streaming/live-events.js';
import { AccountsService } from './accounts.service.js';

const ALICE = { userId: 1, access: 'user' as const };
const BOB = { userId: 2, access: 'user' as const };

/**
 * The read models and the log as the embedded runtime wires them: an account opened is stored,
 * announced to the live events, and only then does the watermark move (the open request is answered).
 */
function world() {
  const accounts: AccountView[] = [];
  const reads = { accountsOfUser: 0, account: 0 };
  const readModels = {
    accountsOfUser: async (userId: number) => {
      reads.accountsOfUser += 1;
      return accounts.filter((a) => a.userId === userId);
    },
    account: async (accountId: number) => {
      reads.account += 1;
      return accounts.find((a) => a.accountId === accountId);
    },
  } as unknown as ReadModelReader;
  const watermark = new ProjectionWatermark();
  const live = new InProcessLiveEvents();
  let position = 0;
  const open = async (accountId: number, userId: number) => {
    position += 1;
    accounts.push({ accountId, userId, name: 'a', group: 'demo', currency: 'USD', leverage: 100, balance: '0', margin: '0', openedAt: '' });
    await live.publish([{ id: `e${position}`, stream: `account-${accountId}`, revision: 0, position, type: 'AccountOpened', data: { accountId, userId }, metadata: {} as never, recordedAt: '' }]);
    watermark.advance(position);
  };
  const service = new AccountsService(readModels, new PriceBoard(), watermark, live);
  /** The read models moved on (the watermark) before the live events told of it. */
  const lagBehind = () => watermark.advance(++position);
  return { service, open, reads, accounts, lagBehind };
}

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => 'answered',
    (error: unknown) => (error instanceof ApiError ? `${error.getStatus()} ${JSON.stringify(error.getResponse())}` : String(error)),
  );

describe('AccountsService.resolveId (the order path)', () => {
  it('answers a user’s first account from memory after the first read', async () => {
    const { service, open, reads } = world();
    await open(10, ALICE.userId);
    expect(await service.resolveId(ALICE)).toBe(10);
    expect(await service.resolveId(ALICE)).toBe(10);
    expect(await service.resolveId(ALICE, '10')).toBe(10);
    expect(await service.resolveId(ALICE, 10)).toBe(10);
    expect(reads).toEqual({ accountsOfUser: 1, account: 0 });
  });

  it('sees an account opened a moment ago, by id and as the first one when it sorts first', async () => {
    const { service, open, accounts } = world();
    await open(10, ALICE.userId);
    expect(await service.resolveId(ALICE)).toBe(10);
    // Opened now; the read models order it first (as an earlier opening time would).
    await open(11, ALICE.userId);
    accounts.unshift(accounts.pop()!);
    expect(await service.resolveId(ALICE, 11)).toBe(11);
    expect(await service.resolveId(ALICE)).toBe(11);
  });

  it('refuses another user’s account like one that does not exist, also once its owner is known', async () => {
    const { service, open } = world();
    await open(10, ALICE.userId);
    await open(20, BOB.userId);
    const missing = await refusal(service.resolveId(BOB, 999));
    expect(missing).toMatch(/^404 /);
    expect(await service.resolveId(ALICE, 10)).toBe(10); // owner now remembered
    expect(await refusal(service.resolveId(BOB, 10))).toBe(missing.replace('999', '10'));
    expect(await refusal(service.resolveId(BOB, '10'))).toBe(missing);
    expect(await service.resolveId(BOB)).toBe(20);
    expect(await refusal(service.resolveId(ALICE, 20))).toBe(missing);
  });

  it('answers as resolve does for a user without accounts and for ids that name no account', async () => {
    const { service } = world();
    for (const id of [undefined, null, 'abc', -1, 0, '01', 1.5]) {
      expect(await refusal(service.resolveId(ALICE, id))).toBe(await refusal(service.resolve(ALICE, id)));
    }
  });

  it('does not trust a remembered first account while the live events lag the read models', async () => {
    const { service, open, reads, lagBehind } = world();
    await open(10, ALICE.userId);
    expect(await service.resolveId(ALICE)).toBe(10);
    // Distributed: the checkpoint can reach this instance before the relayed events do.
    lagBehind();
    expect(await service.resolveId(ALICE)).toBe(10);
    expect(await service.resolveId(ALICE)).toBe(10);
    expect(reads.accountsOfUser).toBe(3);
  });
});
