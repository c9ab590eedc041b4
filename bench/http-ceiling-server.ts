/**
 * The HTTP ceiling: a bare `node:http` server answering a small JSON POST the way the order
 * endpoint does (read the body, parse it, answer a small JSON object), in its own process on the
 * loopback interface. Prints `listening <port>` once it accepts connections; stops on SIGTERM.
 */
import { createServer } from 'node:http';

let next = 1_000_000;
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    let status = 200;
    let body: string;
    try {
      const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { symbol?: unknown };
      body = JSON.stringify({ message: 'Order created successfully', orderId: String(next++), symbol: parsed.symbol });
    } catch {
      status = 400;
      body = JSON.stringify({ message: 'Bad request' });
    }
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 72_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  process.stdout.write(`listening ${address.port}\n`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// Connections kept alive by the load generator would hold close() open: end them.
process.on('SIGTERM', () => setTimeout(() => process.exit(0), 500).unref());
