/**
 * Progress of a pass over the log on stderr: a redrawn bar when stderr is a terminal, plain lines
 * every few seconds otherwise (CI logs, pipes), and always a last line at the end.
 */

export interface ProgressSample {
  /** Events handled so far. */
  events: number;
  /** Log position reached. */
  position: number;
  /** Position the pass runs up to (the head of the log when it started). */
  head: number;
  /** Milliseconds since the pass started. */
  elapsedMs: number;
}

const BAR_WIDTH = 30;

function duration(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  const seconds = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(s).padStart(2, '0')}s` : `${s}s`;
}

/** The fraction of the log done: positions need not be contiguous, so this goes by position, not by count. */
export function fractionDone(sample: ProgressSample): number {
  if (sample.head <= 0) return 1;
  return Math.min(1, Math.max(0, sample.position / sample.head));
}

/** Events per second, and the time left at the rate so far (Infinity before anything is known). */
export function rateAndEta(sample: ProgressSample): { rate: number; etaMs: number } {
  const seconds = sample.elapsedMs / 1000;
  const rate = seconds > 0 ? sample.events / seconds : 0;
  const fraction = fractionDone(sample);
  if (fraction >= 1) return { rate, etaMs: 0 };
  if (fraction <= 0 || sample.elapsedMs <= 0) return { rate, etaMs: Number.POSITIVE_INFINITY };
  return { rate, etaMs: (sample.elapsedMs * (1 - fraction)) / fraction };
}

export function formatLine(label: string, sample: ProgressSample): string {
  const { rate, etaMs } = rateAndEta(sample);
  const percent = Math.floor(fractionDone(sample) * 100);
  return `${label}: ${sample.events.toLocaleString('en-US')} events (${percent}%, position ${sample.position}/${sample.head}), ${Math.round(rate).toLocaleString('en-US')} events/s, ${duration(etaMs)} left`;
}

export function formatBar(label: string, sample: ProgressSample): string {
  const fraction = fractionDone(sample);
  const filled = Math.round(fraction * BAR_WIDTH);
  const { rate, etaMs } = rateAndEta(sample);
  const bar = `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`;
  return `${label} ${bar} ${String(Math.floor(fraction * 100)).padStart(3)}%  ${sample.events.toLocaleString('en-US')} events  ${Math.round(rate).toLocaleString('en-US')}/s  ETA ${duration(etaMs)}`;
}

export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

export class Progress {
  private readonly started: number;
  private lastDrawn: number;
  private last: ProgressSample;

  constructor(
    private readonly label: string,
    private readonly head: number,
    private readonly out: ProgressOutput = process.stderr,
    private readonly clock: () => number = Date.now,
    /** Between plain lines; a bar is redrawn at most every 100 ms. */
    private readonly lineEveryMs = 5_000,
  ) {
    this.started = clock();
    // The first line comes after one interval: a short pass prints only its last line.
    this.lastDrawn = this.started;
    this.last = { events: 0, position: 0, head, elapsedMs: 0 };
  }

  update(events: number, position: number): void {
    const now = this.clock();
    this.last = { events, position, head: Math.max(this.head, position), elapsedMs: now - this.started };
    const every = this.out.isTTY ? 100 : this.lineEveryMs;
    if (now - this.lastDrawn < every) return;
    this.lastDrawn = now;
    this.draw();
  }

  /** The last line, ending the bar. */
  finish(): void {
    this.last = { ...this.last, elapsedMs: this.clock() - this.started };
    this.draw();
    if (this.out.isTTY) this.out.write('\n');
  }

  private draw(): void {
    if (this.out.isTTY) this.out.write(`\r\x1b[2K${formatBar(this.label, this.last)}`);
    else this.out.write(`${formatLine(this.label, this.last)}\n`);
  }
}
