/**
 * A local stand-in for Binance's market-data WebSocket (tests only: no internet here). It replays
 * recorded frames in Binance's own format to whoever connects, in order; a `{"disconnect": …}`
 * line in the recording makes the server close that socket there (as Binance does at maintenance
 * or after 24 h), and the replay goes on with the next connection.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export type RecordedFrame = { kind: 'frame'; text: string } | { kind: 'disconnect'; mode: 'close' | 'terminate' };

/** Reads a recording: one frame per line (JSON as Binance sent it); `{"disconnect":"close"|"terminate"}` marks a disconnect. */
export function readRecording(file: string): RecordedFrame[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line): RecordedFrame => {
      const value = JSON.parse(line) as { disconnect?: string };
      if (value.disconnect !== undefined) return { kind: 'disconnect', mode: value.disconnect === 'terminate' ? 'terminate' : 'close' };
      return { kind: 'frame', text: line };
    });
}

export class BinanceReplayServer {
  /** The request path (with query) of every connection, in order. */
  readonly requests: string[] = [];
  private next = 0;
  private readonly sockets = new Set<WebSocket>();
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly server: WebSocketServer,
    private readonly frames: RecordedFrame[],
    private readonly intervalMs: number,
  ) {
    server.on('connection', (socket, request) => {
      this.requests.push(request.url ?? '');
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
      this.pump(socket);
    });
  }

  /** Listens on 127.0.0.1, on a port the OS picks. */
  static start(frames: RecordedFrame[], options: { intervalMs?: number } = {}): Promise<BinanceReplayServer> {
    return new Promise((resolve, reject) => {
      const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
      server.once('error', reject);
      server.once('listening', () => resolve(new BinanceReplayServer(server, frames, options.intervalMs ?? 10)));
    });
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get connections(): number {
    return this.requests.length;
  }

  /** Frames sent so far (disconnect markers included). */
  get position(): number {
    return this.next;
  }

  get finished(): boolean {
    return this.next >= this.frames.length;
  }

  /** Sends the recording from where it stopped, one frame per interval, until a disconnect marker or the end. */
  private pump(socket: WebSocket): void {
    clearTimeout(this.timer);
    const step = () => {
      if (socket.readyState !== socket.OPEN || this.next >= this.frames.length) return;
      const frame = this.frames[this.next]!;
      this.next += 1;
      if (frame.kind === 'disconnect') {
        if (frame.mode === 'terminate') socket.terminate();
        else socket.close(1001, 'going away');
        return;
      }
      socket.send(frame.text);
      this.timer = setTimeout(step, this.intervalMs);
    };
    this.timer = setTimeout(step, this.intervalMs);
  }

  async close(): Promise<void> {
    clearTimeout(this.timer);
    for (const socket of this.sockets) socket.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
