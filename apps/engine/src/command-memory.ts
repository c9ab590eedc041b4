import type { Outcome } from '../../../libs/domain/src/index.js';

/** A command outcome the engine remembers, to answer a redelivered command with its first result. */
export interface RememberedOutcome {
  outcome: Outcome;
  /** The log position the first answer named. */
  position: number;
}

/** The default dedup window: how many of the latest commands the engine recognises when they come again. */
export const DEFAULT_DEDUP_WINDOW = 100_000;

/**
 * The engine's memory of command ids, bounded to the last `window` commands it decided: a command
 * redelivered within that window is answered with its first outcome and never applied twice; an
 * older one is no longer recognised. A ring buffer, so remembering and forgetting are O(1)
 * whatever the window (a Map evicted oldest-first through its iterator walks the deleted entries
 * it left at its front, which made every eviction O(n)).
 *
 * Outcomes read back from the log may be kept as their JSON text and are parsed only when a
 * redelivery asks for them: a restart reads far more outcomes than it will ever answer.
 */
export class CommandMemory {
  /** commandId → its slot in the ring. */
  private readonly slots = new Map<string, number>();
  private readonly ids: string[] = [];
  private readonly outcomes: (Outcome | string)[] = [];
  private readonly positions: number[] = [];
  /** The slot the next command takes (the oldest one once the ring is full). */
  private next = 0;

  constructor(readonly window: number) {
    if (!Number.isInteger(window) || window < 1) throw new RangeError(`The dedup window must be a whole number of commands ≥ 1, got ${window}`);
  }

  get size(): number {
    return this.slots.size;
  }

  recall(commandId: string): RememberedOutcome | undefined {
    const slot = this.slots.get(commandId);
    if (slot === undefined) return undefined;
    let outcome = this.outcomes[slot]!;
    if (typeof outcome === 'string') {
      outcome = JSON.parse(outcome) as Outcome;
      this.outcomes[slot] = outcome;
    }
    return { outcome, position: this.positions[slot]! };
  }

  /** Remembers a command's outcome (an object, or its JSON text), forgetting the oldest command when the window is full. */
  remember(commandId: string, outcome: Outcome | string, position: number): void {
    const slot = this.next;
    if (slot < this.ids.length) {
      const evicted = this.ids[slot]!;
      // The evicted id may have been remembered again since (a redelivery past the window): keep that one.
      if (this.slots.get(evicted) === slot) this.slots.delete(evicted);
      this.ids[slot] = commandId;
      this.outcomes[slot] = outcome;
      this.positions[slot] = position;
    } else {
      this.ids.push(commandId);
      this.outcomes.push(outcome);
      this.positions.push(position);
    }
    this.slots.set(commandId, slot);
    this.next = slot + 1 === this.window ? 0 : slot + 1;
  }

  clear(): void {
    this.slots.clear();
    this.ids.length = 0;
    this.outcomes.length = 0;
    this.positions.length = 0;
    this.next = 0;
  }

  /** Every remembered command, oldest first (a command remembered twice: its latest entry only). */
  *oldestFirst(): IterableIterator<[commandId: string, outcome: Outcome | string, position: number]> {
    const filled = this.ids.length;
    const start = filled < this.window ? 0 : this.next;
    for (let i = 0; i < filled; i++) {
      const slot = (start + i) % filled;
      const id = this.ids[slot]!;
      if (this.slots.get(id) === slot) yield [id, this.outcomes[slot]!, this.positions[slot]!];
    }
  }
}
