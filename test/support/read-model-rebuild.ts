/**
 * "A rebuild from the log", done by the test itself: fold every logged event through the pure
 * projection (`project`, after the same upcast the projector does) into a fresh read-model store,
 * then ask the live read models and the rebuilt ones the same questions.
 */
import { isDeepStrictEqual } from 'node:util';
import { upcast } from '../../libs/domain/src/index.js';
import type { RecordedEvent } from '../../libs/event-store/src/index.js';
import { project } from '../../libs/read-models/src/projection.js';
import type { ReadModelOp } from '../../libs/read-models/src/read-model.ops.js';
import type { ReadModelReader, ReadModelStore } from '../../libs/read-models/src/read-model-store.port.js';

/** Applies the whole log to `store` in batches of `batchSize` events (each batch with its checkpoint). */
export async function rebuildFromLog(events: RecordedEvent[], store: ReadModelStore, batchSize = 500): Promise<void> {
  for (let i = 0; i < events.length; i += batchSize) {
    const batch = events.slice(i, i + batchSize);
    const ops: ReadModelOp[] = [];
    for (const recorded of batch) {
      const event = upcast(recorded.type, recorded.data, recorded.metadata.schemaVersion);
      if (event) ops.push(...project({ type: event.type, data: event.data, position: recorded.position }));
    }
    await store.apply(ops, batch[batch.length - 1]!.position);
  }
}

/** The ids a reader can be asked about, taken from the log. */
export interface LogSubjects {
  users: { userId: number; email: string }[];
  accountIds: number[];
  /** Positions and pending orders (a pending order that fills keeps its id). */
  orderIds: number[];
  groups: string[];
}

export function subjectsOf(events: RecordedEvent[]): LogSubjects {
  const users = new Map<number, string>();
  const accounts = new Set<number>();
  const orders = new Set<number>();
  const groups = new Set<string>(['demo']);
  for (const e of events) {
    const d = e.data as Record<string, any>;
    if (e.type === 'UserRegistered') users.set(Number(d.userId), String(d.email));
    if (e.type === 'AccountOpened') accounts.add(Number(d.accountId));
    if ((e.type === 'PositionOpened' || e.type === 'OrderPlaced' || e.type === 'PositionClosed') && d.orderId !== undefined) orders.add(Number(d.orderId));
    if (e.type === 'GroupDefined') groups.add(String(d.name));
  }
  return {
    users: [...users].map(([userId, email]) => ({ userId, email })),
    accountIds: [...accounts].sort((a, b) => a - b),
    orderIds: [...orders].sort((a, b) => a - b),
    groups: [...groups].sort(),
  };
}

/** Every reader method's answer for every subject, keyed by the call (e.g. `openOrders(100001)`). */
export async function readerAnswers(reader: ReadModelReader, subjects: LogSubjects): Promise<Map<string, unknown>> {
  const answers = new Map<string, unknown>();
  const ask = async (call: string, answer: Promise<unknown>) => answers.set(call, await answer);
  for (const { userId, email } of subjects.users) {
    await ask(`user(${userId})`, reader.user(userId));
    await ask(`userByEmail(${email})`, reader.userByEmail(email));
    await ask(`userByEmail(${email.toUpperCase()})`, reader.userByEmail(email.toUpperCase()));
    await ask(`accountsOfUser(${userId})`, reader.accountsOfUser(userId));
  }
  for (const accountId of subjects.accountIds) {
    await ask(`account(${accountId})`, reader.account(accountId));
    await ask(`openOrders(${accountId})`, reader.openOrders(accountId));
    await ask(`closedOrders(${accountId})`, reader.closedOrders(accountId));
    await ask(`closedOrders(${accountId}, 3)`, reader.closedOrders(accountId, 3));
    await ask(`pendingOrders(${accountId})`, reader.pendingOrders(accountId));
  }
  for (const orderId of subjects.orderIds) {
    await ask(`openOrder(${orderId})`, reader.openOrder(orderId));
    await ask(`pendingOrder(${orderId})`, reader.pendingOrder(orderId));
  }
  await ask('groups()', reader.groups());
  for (const name of subjects.groups) await ask(`group(${name})`, reader.group(name));
  return answers;
}

/** The calls whose answers differ, with both answers (empty when the two readers agree everywhere). */
export async function readerDifferences(
  live: ReadModelReader,
  rebuilt: ReadModelReader,
  subjects: LogSubjects,
): Promise<{ calls: number; differences: { call: string; live: unknown; rebuilt: unknown }[] }> {
  const a = await readerAnswers(live, subjects);
  const b = await readerAnswers(rebuilt, subjects);
  const differences: { call: string; live: unknown; rebuilt: unknown }[] = [];
  for (const [call, answer] of a) {
    if (!isDeepStrictEqual(answer, b.get(call))) differences.push({ call, live: answer, rebuilt: b.get(call) });
  }
  return { calls: a.size, differences };
}
