/** Test clients of the stream: a WebSocket (the `ws` package) and a server-sent-events reader (fetch). */
import { WebSocket } from 'ws';

export type StreamMessage = Record<string, any> & { type: string };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Collects every message; `waitFor` polls them (never a fixed sleep). */
abstract class Collector {
  readonly messages: StreamMessage[] = [];

  /** Event messages (`type: "event"`) in arrival order. */
  events(): StreamMessage[] {
    return this.messages.filter((m) => m.type === 'event');
  }

  positions(): number[] {
    return this.events().map((m) => m.position as number);
  }

  async waitFor(what: string, predicate: (messages: StreamMessage[]) => boolean, timeoutMs = 8_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.messages)) {
      if (Date.now() > deadline) {
        throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; received:\n${this.messages.map((m) => JSON.stringify(m).slice(0, 200)).join('\n')}`);
      }
      await sleep(20);
    }
  }

  waitForType(type: string, timeoutMs?: number): Promise<void> {
    return this.waitFor(`a "${type}" message`, (messages) => messages.some((m) => m.type === type), timeoutMs);
  }

  /** Waits until an event at `position` or later arrived. */
  waitForPosition(position: number, timeoutMs?: number): Promise<void> {
    return this.waitFor(`the event at position ${position}`, () => this.positions().some((p) => p >= position), timeoutMs);
  }
}

export class WsClient extends Collector {
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly socket: WebSocket) {
    super();
    socket.on('message', (data) => this.messages.push(JSON.parse(data.toString()) as StreamMessage));
    this.closed = new Promise((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  /** `ws://host/api/v1/stream?…` (query: token, from, symbols, accounts); resolves once open. */
  static open(baseUrl: string, query: Record<string, string | number | undefined> = {}): Promise<WsClient> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
    const url = `${baseUrl.replace(/^http/, 'ws')}/api/v1/stream${params.toString() ? `?${params}` : ''}`;
    const socket = new WebSocket(url);
    const client = new WsClient(socket);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(client));
      socket.once('error', reject);
    });
  }

  send(message: Record<string, unknown>): void {
    this.socket.send(JSON.stringify(message));
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    this.socket.close(1000, 'test done');
    await this.closed;
  }
}

/** Reads `GET /api/v1/stream/sse` with fetch; keeps each message's `id:` as `sseId`. */
export class SseClient extends Collector {
  private readonly abort = new AbortController();
  private done: Promise<void> = Promise.resolve();
  status = 0;

  static async open(baseUrl: string, query: Record<string, string | number | undefined>, headers: Record<string, string> = {}): Promise<SseClient> {
    const client = new SseClient();
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
    const response = await fetch(`${baseUrl}/api/v1/stream/sse?${params}`, { headers: { accept: 'text/event-stream', ...headers }, signal: client.abort.signal });
    client.status = response.status;
    if (response.status !== 200 || !response.body) {
      client.messages.push({ type: 'http-error', status: response.status, body: await response.text() });
      return client;
    }
    client.done = client.read(response.body.getReader());
    return client;
  }

  private async read(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let id: string | undefined;
          let data = '';
          for (const line of block.split('\n')) {
            if (line.startsWith('id: ')) id = line.slice(4);
            else if (line.startsWith('data: ')) data += line.slice(6);
          }
          if (data) this.messages.push({ ...(JSON.parse(data) as StreamMessage), ...(id === undefined ? {} : { sseId: id }) });
        }
      }
    } catch {
      // aborted
    }
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.done;
  }
}
