import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Readings taken when Prometheus scrapes, from whatever the deployment runs in this process.
 * Each is optional: a distributed API instance has no engine queue of its own, for example.
 */
export interface MetricSources {
  /** Inputs waiting for the engine (embedded: the in-process queue). */
  engineQueueDepth?: () => number;
  /** Positions open in the engine's state. */
  openPositions?: () => number;
  /** Position of the last event in the log. */
  logHead?: () => Promise<number> | number;
  /** Position the read models reached. */
  projectorCheckpoint?: () => Promise<number> | number;
  /** Log position each engine shard applied (distributed: from the shards' heartbeats). */
  engineShardPositions?: () => Promise<Record<string, number>> | Record<string, number>;
}

/** Outcomes that are not rejections: the request did what was asked. */
export const SUCCESS_CODES: ReadonlySet<string> = new Set(['TRADE_RETCODE_DONE', 'TRADE_RETCODE_PLACED', 'TRADE_RETCODE_DONE_PARTIAL']);

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const BATCH_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];

/**
 * One Prometheus registry per process with the conventional names (`*_seconds`, `*_total`).
 * The runtime that wires the process fills `sources`; everything else is pushed as it happens.
 */
export class TradestreamMetrics {
  readonly registry = new Registry();
  private sources: MetricSources = {};

  readonly httpDuration: Histogram<'method' | 'route' | 'status' | 'dialect'>;
  readonly httpRequests: Counter<'method' | 'route' | 'status' | 'dialect'>;
  readonly engineCommands: Counter<'command' | 'code'>;
  readonly engineRejections: Counter<'code'>;
  readonly engineInputWait: Histogram;
  readonly engineBatchSize: Histogram;
  readonly engineBatchEvents: Histogram;
  readonly engineBatchDuration: Histogram;
  readonly appendDuration: Histogram;
  readonly ticks: Counter;
  readonly streamConnections: Gauge<'transport'>;
  readonly streamMessages: Counter<'kind'>;
  readonly streamDropped: Counter<'reason'>;

  constructor(options: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });

    this.httpDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request latency by method, route pattern, status code and API dialect',
      labelNames: ['method', 'route', 'status', 'dialect'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.httpRequests = new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests answered, by method, route pattern, status code and API dialect',
      labelNames: ['method', 'route', 'status', 'dialect'],
      registers,
    });
    this.engineCommands = new Counter({
      name: 'engine_commands_total',
      help: 'Commands the engine answered for this process, by command type and result code',
      labelNames: ['command', 'code'],
      registers,
    });
    this.engineRejections = new Counter({
      name: 'engine_rejections_total',
      help: 'Commands the engine refused, by MetaTrader result code',
      labelNames: ['code'],
      registers,
    });
    this.engineInputWait = new Histogram({
      name: 'engine_input_wait_seconds',
      help: 'Time an input (command or tick) waited in the engine queue before its batch started',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.engineBatchSize = new Histogram({
      name: 'engine_batch_size',
      help: 'Inputs (commands and ticks) decided per engine batch (group commit)',
      buckets: BATCH_BUCKETS,
      registers,
    });
    this.engineBatchEvents = new Histogram({
      name: 'engine_batch_events',
      help: 'Events written per append to the log (one append per engine batch that wrote any)',
      buckets: BATCH_BUCKETS,
      registers,
    });
    this.engineBatchDuration = new Histogram({
      name: 'engine_batch_duration_seconds',
      help: 'Time to decide, append and answer one engine batch',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.appendDuration = new Histogram({
      name: 'event_store_append_duration_seconds',
      help: 'Latency of one append to the event log (one per engine batch)',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.ticks = new Counter({ name: 'ticks_total', help: 'Price ticks applied by the engine', registers });
    this.streamConnections = new Gauge({
      name: 'stream_connections',
      help: 'Open streaming connections by transport (websocket, sse)',
      labelNames: ['transport'],
      registers,
    });
    this.streamMessages = new Counter({
      name: 'stream_messages_total',
      help: 'Messages sent to streaming clients, by kind (event, price, summary, ...)',
      labelNames: ['kind'],
      registers,
    });
    this.streamDropped = new Counter({
      name: 'stream_disconnects_total',
      help: 'Streaming connections closed by the server, by reason (slow_consumer, auth, shutdown, ...)',
      labelNames: ['reason'],
      registers,
    });

    const sources = () => this.sources;
    new Gauge({
      name: 'engine_input_queue_depth',
      help: 'Inputs waiting for the engine in this process',
      registers,
      collect() {
        const depth = sources().engineQueueDepth;
        if (depth) this.set(depth());
      },
    });
    new Gauge({
      name: 'open_positions',
      help: 'Positions open in the engine state',
      registers,
      collect() {
        const open = sources().openPositions;
        if (open) this.set(open());
      },
    });
    new Gauge({
      name: 'event_log_head_position',
      help: 'Position of the last event in the log',
      registers,
      async collect() {
        const head = sources().logHead;
        if (head) this.set(await head());
      },
    });
    new Gauge({
      name: 'projector_checkpoint_position',
      help: 'Log position the read models reached',
      registers,
      async collect() {
        const checkpoint = sources().projectorCheckpoint;
        if (checkpoint) this.set(await checkpoint());
      },
    });
    new Gauge({
      name: 'projector_lag_events',
      help: 'How far the read models are behind the log: head position minus checkpoint',
      registers,
      async collect() {
        const { logHead, projectorCheckpoint } = sources();
        if (logHead && projectorCheckpoint) {
          const [head, checkpoint] = await Promise.all([logHead(), projectorCheckpoint()]);
          this.set(Math.max(0, head - checkpoint));
        }
      },
    });
    new Gauge({
      name: 'engine_lag_events',
      help: 'How far each engine shard is behind the log head (distributed: from its heartbeat)',
      labelNames: ['shard'],
      registers,
      async collect() {
        const { logHead, engineShardPositions } = sources();
        if (!logHead || !engineShardPositions) return;
        const [head, positions] = await Promise.all([logHead(), engineShardPositions()]);
        this.reset();
        for (const [shard, position] of Object.entries(positions)) this.set({ shard }, Math.max(0, head - position));
      },
    });
  }

  /** Adds (or replaces) readings taken at scrape time. */
  observe(sources: MetricSources): void {
    this.sources = { ...this.sources, ...sources };
  }

  /** Counts one engine outcome; everything but DONE, PLACED and DONE_PARTIAL is a rejection. */
  countOutcome(command: string, code: string): void {
    this.engineCommands.inc({ command, code });
    if (!SUCCESS_CODES.has(code)) this.engineRejections.inc({ code });
  }

  /** The exposition text and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
