// HTTP calls of the console: the public API with the signed-in user's token, or the admin token.
// The credentials live in sessionStorage: they end with the browser tab.

const STORAGE_KEY = 'tradestream.console.session';

/** `{kind: 'user', token, email}` or `{kind: 'admin', adminToken}`, or null. */
export function loadSession() {
  try {
    const value = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null');
    return value && (value.kind === 'user' || value.kind === 'admin') ? value : null;
  } catch {
    return null;
  }
}

export function saveSession(session) {
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
}

export function clearSession() {
  sessionStorage.removeItem(STORAGE_KEY);
}

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

function headersFor(session) {
  if (!session) return {};
  return session.kind === 'admin' ? { 'x-admin-token': session.adminToken } : { authorization: `Bearer ${session.token}` };
}

/** JSON in, JSON out; a non-2xx answer throws ApiError with the server's `error` message. */
export async function call(session, path, { method = 'GET', body } = {}) {
  const headers = { ...headersFor(session) };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  let parsed;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  if (!response.ok) {
    const message = (parsed && (parsed.error ?? parsed.message)) || `${response.status} ${response.statusText}`;
    throw new ApiError(response.status, typeof message === 'string' ? message : JSON.stringify(message));
  }
  return parsed;
}

export async function signIn(email, password) {
  const { token } = await call(null, '/api/v1/user/signin', { method: 'POST', body: { email, password } });
  return { kind: 'user', token, email };
}

/** Checks the admin token against an admin endpoint before keeping it. */
export async function adminSignIn(adminToken) {
  const session = { kind: 'admin', adminToken };
  await call(session, '/api/v1/admin/accounts?limit=1');
  return session;
}

/** The accounts the session may open: the user's own, or every account for the admin. */
export async function listAccounts(session) {
  if (session.kind === 'admin') return (await call(session, '/api/v1/admin/accounts?limit=1000')).accounts;
  return (await call(session, '/api/v1/accounts')).accounts;
}

export const equityHistory = (session, accountId) => call(session, `/api/v1/console/accounts/${encodeURIComponent(accountId)}/equity`);

/** The account's whole history (pages of 1000, at most `max` events), oldest first. */
export async function accountEvents(session, accountId, max = 20000) {
  const events = [];
  let from = 0;
  for (;;) {
    const page = await call(session, `/api/v1/audit/accounts/${encodeURIComponent(accountId)}/events?from=${from}&limit=1000`);
    events.push(...page.events);
    if (page.next === undefined || events.length >= max) return events;
    from = page.next;
  }
}

export const stateAt = (session, accountId, at) =>
  call(session, `/api/v1/audit/accounts/${encodeURIComponent(accountId)}/state${at === undefined ? '' : `?at=${encodeURIComponent(at)}`}`);

export const openPositions = (session, accountId) => call(session, `/api/v1/trade/open?accountId=${encodeURIComponent(accountId)}`);
