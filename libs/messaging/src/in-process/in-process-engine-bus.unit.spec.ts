import type { EngineCommand } from '../../../domain/src/index.js';
import { EngineOverloadedError, type EngineInput, type EngineReply } from '../engine-transport.port.js';
import { InProcessEngineBus } from './in-process-engine-bus.js';

const order = (n: number): EngineCommand => ({ type: 'CancelOrder', commandId: `order-${n}`, userId: 1, accountId: 100001, orderId: 1000000 + n, deadline: Date.now() + 60_000 });
const tick = (n: number, symbol = 'BTCUSD'): EngineCommand => ({
  type: 'ApplyTick',
  commandId: `tick-${symbol}-${n}`,
  tick: { symbol, bid: BigInt(42_000 + n) * 100_000_000n, ask: BigInt(42_001 + n) * 100_000_000n, time: 1_000 + n, feed: 'test' },
});
const clock = (now: number): EngineCommand => ({ type: 'AdvanceClock', commandId: `clock-${now}`, now });

/** An engine that holds every batch until released, and records what it was given. */
function stalledEngine() {
  const batches: EngineInput[][] = [];
  let release: () => void = () => undefined;
  let gate = new Promise<void>((resolve) => (release = resolve));
  const handle = async (batch: EngineInput[]) => {
    batches.push(batch);
    await gate;
    batch.forEach((input, i) => input.reply({ commandId: input.command.commandId, outcome: { code: 'TRADE_RETCODE_DONE', message: 'done' }, position: i }));
  };
  return {
    handle,
    batches,
    handled: () => batches.flat().map((input) => input.command),
    open: () => {
      release();
      gate = Promise.resolve();
    },
  };
}

/** Lets the bus cut its first batch (it waits one setImmediate for requests of the same tick). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('an in-process bus with a queue of 3 in front of a stalled engine', () => {
  async function fullBus() {
    const engine = stalledEngine();
    const bus = new InProcessEngineBus(1_000, 3);
    bus.start(engine.handle);
    // The first input goes to the engine (which stalls on it); three more fill the queue.
    const first = bus.request({ command: order(0), correlationId: 'c' }, 60_000);
    await settle();
    const queued = [1, 2, 3].map((n) => bus.request({ command: order(n), correlationId: 'c' }, 60_000));
    expect(bus.depth).toBe(3);
    return { engine, bus, accepted: [first, ...queued] };
  }

  it('refuses a further command with EngineOverloadedError at once, and never hands it to the engine', async () => {
    const { engine, bus, accepted } = await fullBus();

    await expect(bus.request({ command: order(4), correlationId: 'c' }, 60_000)).rejects.toBeInstanceOf(EngineOverloadedError);
    expect(() => bus.submit({ command: order(5), correlationId: 'c' })).toThrow(EngineOverloadedError);
    expect(bus.refused).toBe(2);

    engine.open();
    await Promise.all(accepted);
    await bus.stop();
    expect(engine.handled().map((c) => c.commandId)).toEqual(['order-0', 'order-1', 'order-2', 'order-3']);
  });

  it('accepts commands again once the engine has taken the queue', async () => {
    const { engine, bus, accepted } = await fullBus();
    engine.open();
    await Promise.all(accepted);

    const reply = await bus.request({ command: order(9), correlationId: 'c' }, 60_000);

    expect(reply.commandId).toBe('order-9');
    await bus.stop();
  });

  it('folds ticks of one symbol into the waiting one: the newest price is applied once and every asker is answered', async () => {
    const { engine, bus, accepted } = await fullBus();

    const ticks = [1, 2, 3, 4].map((n) => bus.request({ command: tick(n), correlationId: `feed-${n}` }, 60_000));
    // One BTCUSD tick beyond the bound, the rest folded into it.
    expect(bus.depth).toBe(4);
    expect(bus.coalesced).toBe(3);

    engine.open();
    const replies: EngineReply[] = await Promise.all(ticks);
    await Promise.all(accepted);
    await bus.stop();
    const applied = engine.handled().filter((c) => c.type === 'ApplyTick');
    expect(applied).toEqual([tick(4)]);
    expect(new Set(replies.map((r) => r.commandId))).toEqual(new Set(['tick-BTCUSD-4']));
  });

  it('keeps the latest price of each symbol and the latest clock, one input per key beyond the bound', async () => {
    const { engine, bus, accepted } = await fullBus();

    for (let n = 1; n <= 50; n += 1) {
      bus.submit({ command: tick(n, 'BTCUSD'), correlationId: 'feed' });
      bus.submit({ command: tick(n, 'EURUSD'), correlationId: 'feed' });
      bus.submit({ command: clock(n), correlationId: 'clock' });
    }
    expect(bus.depth).toBe(3 + 3);

    engine.open();
    await Promise.all(accepted);
    await bus.stop();
    const market = engine.handled().filter((c) => c.type !== 'CancelOrder');
    expect(market).toEqual([tick(50, 'BTCUSD'), tick(50, 'EURUSD'), clock(50)]);
  });

  it('stays within its bound under a flood far past it (memory does not grow with the load)', async () => {
    const { engine, bus, accepted } = await fullBus();
    let refused = 0;
    const symbols = ['BTCUSD', 'ETHUSD', 'EURUSD'];

    for (let n = 0; n < 100_000; n += 1) {
      try {
        bus.submit({ command: n % 2 === 0 ? order(100 + n) : tick(n, symbols[n % 3]), correlationId: 'flood' });
      } catch (error) {
        if (!(error instanceof EngineOverloadedError)) throw error;
        refused += 1;
      }
    }

    expect(refused).toBe(50_000);
    expect(bus.depth).toBeLessThanOrEqual(bus.maxQueue + symbols.length);
    engine.open();
    await Promise.all(accepted);
    await bus.stop();
  });
});

describe('an in-process bus below its bound', () => {
  it('queues commands and ticks in arrival order, folding nothing', async () => {
    const engine = stalledEngine();
    engine.open();
    const bus = new InProcessEngineBus(1_000, 100);
    bus.start(engine.handle);

    await Promise.all([
      bus.request({ command: tick(1), correlationId: 'c' }, 1_000),
      bus.request({ command: order(1), correlationId: 'c' }, 1_000),
      bus.request({ command: tick(2), correlationId: 'c' }, 1_000),
    ]);
    await bus.stop();

    expect(engine.handled().map((c) => c.commandId)).toEqual(['tick-BTCUSD-1', 'order-1', 'tick-BTCUSD-2']);
    expect({ refused: bus.refused, coalesced: bus.coalesced }).toEqual({ refused: 0, coalesced: 0 });
  });

  it('refuses a bound that is not a whole number of at least 1', () => {
    expect(() => new InProcessEngineBus(1_000, 0)).toThrow(RangeError);
  });
});
