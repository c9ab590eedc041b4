import { createServer } from 'node:net';

/** A TCP port on the loopback interface that nobody listens on right now: the OS picks one for a throwaway listener. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('could not read the port of a throwaway listener'));
        return;
      }
      server.close(() => resolvePort(address.port));
    });
  });
}
