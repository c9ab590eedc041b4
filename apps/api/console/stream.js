// The console's WebSocket subscription to one account, resuming after the last position it saw.

const RETRY_MS = [500, 1000, 2000, 5000];

/**
 * Subscribes to `accountId` on /api/v1/stream. `handlers`: onEvent(message), onSummary(message),
 * onState('connecting' | 'replaying' | 'live' | 'offline'), onFatal(reason). Returns `close()`.
 * On a dropped connection it reconnects with `from` = the last event or heartbeat position, so
 * nothing is missed and nothing arrives twice.
 */
export function subscribeAccount(session, accountId, from, handlers) {
  let socket;
  let position = from;
  let attempt = 0;
  let closed = false;
  let timer;

  const connect = () => {
    if (closed) return;
    handlers.onState?.('connecting');
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/stream`;
    socket = new WebSocket(url);
    socket.addEventListener('open', () => {
      const credentials = session.kind === 'admin' ? { adminToken: session.adminToken } : { token: session.token };
      socket.send(JSON.stringify({ type: 'auth', ...credentials, accounts: [String(accountId)], ...(position === undefined ? {} : { from: position }) }));
    });
    socket.addEventListener('message', (message) => {
      let data;
      try {
        data = JSON.parse(message.data);
      } catch {
        return;
      }
      switch (data.type) {
        case 'welcome':
          attempt = 0;
          handlers.onState?.('replaying');
          break;
        case 'live':
          position = data.position;
          handlers.onState?.('live');
          break;
        case 'event':
          position = data.position;
          handlers.onEvent?.(data);
          break;
        case 'heartbeat':
          position = data.position;
          break;
        case 'summary':
          handlers.onSummary?.(data);
          break;
        default:
          break;
      }
    });
    socket.addEventListener('close', (event) => {
      if (closed) return;
      handlers.onState?.('offline');
      // Refused credentials or an unknown account do not get better by retrying.
      if (event.code === 4001 || event.code === 4003 || event.code === 4004) {
        handlers.onFatal?.(event.reason || `closed (${event.code})`);
        return;
      }
      // Too far behind to replay: start from now (the page reloads history over HTTP).
      if (event.code === 4009) position = undefined;
      const delay = RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)];
      attempt += 1;
      timer = setTimeout(connect, delay);
    });
  };
  connect();

  return {
    get position() {
      return position;
    },
    close() {
      closed = true;
      clearTimeout(timer);
      socket?.close(1000, 'done');
    },
  };
}
