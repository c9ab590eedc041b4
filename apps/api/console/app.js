// The audit console: sign in, pick an account, see its balance and equity over time, its open
// positions with live P&L, its event timeline with data and cause, and its state at any moment.
import { accountEvents, adminSignIn, clearSession, equityHistory, listAccounts, loadSession, saveSession, signIn, stateAt } from './api.js';
import { createEquityChart } from './equity-chart.js';
import { subscribeAccount } from './stream.js';

const $ = (id) => document.getElementById(id);

/** A DOM element with text children only (data never goes through innerHTML). */
function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null) continue;
    if (key === 'class') node.className = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const money = (value) => (value == null ? '—' : Number(value).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
const signed = (value) => el('span', { class: value > 0 ? 'up' : value < 0 ? 'down' : '' }, value == null ? '—' : `${value > 0 ? '+' : ''}${money(value)}`);
const when = (iso) => {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString('en-GB', { dateStyle: 'short', timeStyle: 'medium' });
};
const localInputValue = (ms) => {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60000);
  return d.toISOString().slice(0, 19);
};

let session = loadSession();
let accounts = [];
let view = null;

// ---------------------------------------------------------------- sign in

function showSignin(message = '') {
  $('signin').hidden = false;
  $('workspace').hidden = true;
  $('session').hidden = true;
  $('signin-error').textContent = message;
}

$('signin-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('signin-error').textContent = '';
  try {
    session = await signIn($('email').value.trim(), $('password').value);
    saveSession(session);
    await showWorkspace();
  } catch (error) {
    $('signin-error').textContent = error.status === 401 ? 'Wrong email or password.' : error.message;
  }
});

$('admin-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('signin-error').textContent = '';
  try {
    session = await adminSignIn($('admin-token').value);
    saveSession(session);
    await showWorkspace();
  } catch (error) {
    $('signin-error').textContent = error.message;
  }
});

$('signout').addEventListener('click', () => {
  closeView();
  clearSession();
  session = null;
  location.hash = '';
  showSignin();
});

// ---------------------------------------------------------------- accounts

async function showWorkspace() {
  $('signin').hidden = true;
  $('workspace').hidden = false;
  $('session').hidden = false;
  $('who').textContent = session.kind === 'admin' ? 'Admin · every account' : session.email ?? 'signed in';
  try {
    accounts = await listAccounts(session);
  } catch (error) {
    if (error.status === 401 || error.status === 403) {
      clearSession();
      showSignin('Your session has ended: sign in again.');
      return;
    }
    throw error;
  }
  renderAccounts();
  const wanted = /account=(\d+)/.exec(location.hash)?.[1];
  if (wanted && accounts.some((a) => a.accountId === wanted)) await openAccount(wanted);
}

function renderAccounts() {
  const filter = $('account-filter').value.trim().toLowerCase();
  const list = $('account-list');
  list.textContent = '';
  const shown = accounts.filter((a) => !filter || [a.accountId, a.name, a.email, a.group].some((v) => v && String(v).toLowerCase().includes(filter)));
  $('account-count').textContent = `(${accounts.length})`;
  for (const account of shown) {
    list.append(
      el(
        'li',
        { class: view?.accountId === account.accountId ? 'selected' : '', dataset: { accountId: account.accountId }, onclick: () => openAccount(account.accountId) },
        el('div', { class: 'line1' }, el('span', {}, `#${account.accountId}`), el('span', {}, money(account.equity ?? account.balance))),
        el('div', { class: 'line2' }, el('span', {}, account.email ?? account.name ?? ''), el('span', {}, account.group ?? '')),
      ),
    );
  }
  if (shown.length === 0) list.append(el('li', { class: 'muted' }, accounts.length === 0 ? 'No accounts yet.' : 'No account matches.'));
}

$('account-filter').addEventListener('input', renderAccounts);

// ---------------------------------------------------------------- one account

function closeView() {
  view?.stream?.close();
  view?.chart?.destroy();
  view = null;
}

async function openAccount(accountId) {
  closeView();
  const current = { accountId, events: [], known: new Set(), lastPosition: 0, chart: null, stream: null };
  view = current;
  location.hash = `account=${accountId}`;
  renderAccounts();
  $('pick-hint').hidden = true;
  $('account-view').hidden = false;
  const listed = accounts.find((a) => a.accountId === accountId) ?? {};
  $('account-title').textContent = `Account #${accountId}${listed.name ? ` · ${listed.name}` : ''}`;
  $('account-meta').textContent = [listed.email, listed.group && `group ${listed.group}`, listed.currency, listed.leverage && `1:${listed.leverage}`].filter(Boolean).join(' · ');
  $('timeline').textContent = '';
  $('positions').textContent = '';
  $('state-at').textContent = 'Pick a time, click the chart or an event.';
  $('positions').append(el('tr', { class: 'empty' }, el('td', { colspan: 7 }, 'Loading…')));

  current.chart = createEquityChart($('chart'), (ms) => {
    $('at-input').value = localInputValue(ms);
    void showStateAt(new Date(ms).toISOString());
  });

  const [history, events] = await Promise.all([equityHistory(session, accountId), accountEvents(session, accountId)]);
  if (view !== current) return;
  const points = [...history.points];
  if (history.now) points.push({ time: new Date().toISOString(), balance: history.now.balance, equity: history.now.equity });
  current.chart.set(points);
  if (history.now) renderFigures(history.now);
  for (const event of events) addEvent(current, event, false);
  renderTimeline(current);

  current.stream = subscribeAccount(session, accountId, current.lastPosition, {
    onState: (state) => {
      const pill = $('live-state');
      pill.textContent = state === 'live' ? 'live' : state;
      pill.className = `pill ${state}`;
    },
    onEvent: (message) => {
      if (view !== current) return;
      const added = addEvent(current, { position: message.position, type: message.event, topic: message.topic, data: message.data, metadata: message.metadata }, true);
      if (added) renderTimeline(current);
    },
    onSummary: (summary) => {
      if (view !== current || summary.accountId !== accountId) return;
      renderFigures(summary);
      renderPositions(summary.positions ?? []);
      current.chart.append({ time: new Date().toISOString(), balance: summary.balance, equity: summary.equity });
    },
    onFatal: (reason) => {
      $('live-state').textContent = `stream refused: ${reason}`;
    },
  });
}

function renderFigures(summary) {
  const figure = (label, value, extra) => el('div', { class: 'figure' }, el('div', { class: 'label' }, label), el('div', { class: `value ${extra ?? ''}` }, value));
  const floating = summary.equity - summary.balance;
  $('figures').replaceChildren(
    figure('Balance', money(summary.balance)),
    figure('Equity', money(summary.equity)),
    figure('Floating P&L', signed(Math.round(floating * 100) / 100)),
    figure('Margin', money(summary.margin)),
    figure('Free margin', money(summary.freeMargin)),
    figure('Margin level', summary.marginLevel ? `${money(summary.marginLevel)} %` : '—'),
  );
}

function renderPositions(positions) {
  const body = $('positions');
  body.textContent = '';
  if (positions.length === 0) {
    body.append(el('tr', { class: 'empty' }, el('td', { colspan: 7 }, 'No open positions.')));
    return;
  }
  for (const p of positions) {
    body.append(
      el(
        'tr',
        {},
        el('td', {}, p.orderId),
        el('td', {}, p.symbol),
        el('td', { class: p.type === 'BUY' ? 'up' : 'down' }, p.type),
        el('td', { class: 'num' }, p.quantity),
        el('td', { class: 'num' }, p.openPrice),
        el('td', { class: 'num' }, p.currentPrice ?? '—'),
        el('td', { class: 'num' }, signed(p.profit)),
      ),
    );
  }
}

// ---------------------------------------------------------------- timeline

function addEvent(current, event, fresh) {
  if (current.known.has(event.position)) return false;
  current.known.add(event.position);
  current.lastPosition = Math.max(current.lastPosition, event.position);
  current.events.push({ ...event, fresh });
  return true;
}

const TAGS = { TradeRejected: 'reject', PositionClosed: 'close' };
const TIMELINE_ROWS = 1000;

/** One line that says what happened, from the event's data (exact decimals as the log has them). */
function describe(type, d) {
  switch (type) {
    case 'AccountOpened':
      return `opened "${d.name}" in group ${d.group}, ${d.currency}, 1:${d.leverage}`;
    case 'BalanceChanged':
      return `${d.kind === 'DEPOSIT' ? 'deposit' : 'withdrawal'} ${d.amount} → balance ${d.balance}${d.comment ? ` (${d.comment})` : ''}`;
    case 'BalanceWrittenOff':
      return `negative balance written off: ${d.amount} → balance ${d.balance}`;
    case 'PositionOpened':
      return `${d.side} ${d.volume} ${d.symbol} @ ${d.openPrice} ×${d.leverage}${d.orderType !== 'MARKET' ? ` (${d.orderType} filled)` : ''}, margin ${d.margin}`;
    case 'PositionModified':
      return `#${d.orderId} TP ${d.takeProfit ?? '—'} SL ${d.stopLoss ?? '—'}`;
    case 'PositionClosed':
      return `#${d.orderId} ${d.reason} ${d.volume} ${d.symbol} @ ${d.closePrice}, profit ${d.profit} → balance ${d.balance}`;
    case 'OrderPlaced':
      return `${d.orderType} ${d.volume} ${d.symbol} @ ${d.price}`;
    case 'OrderModified':
      return `#${d.orderId} price ${d.price}`;
    case 'OrderActivated':
      return `#${d.orderId} now ${d.orderType} @ ${d.price}`;
    case 'OrderCancelled':
      return `#${d.orderId} ${d.reason}`;
    case 'MarginCallTriggered':
      return `margin level ${d.marginLevel} % (equity ${d.equity}, margin ${d.margin})`;
    case 'MarginCallCleared':
      return `margin level back to ${d.marginLevel ?? '—'} %`;
    case 'TradeRejected':
      return `${d.command}: ${d.code} — ${d.reason}`;
    case 'AccountGroupChanged':
      return `moved to group ${d.group} (1:${d.leverage})`;
    default:
      return '';
  }
}

function renderTimeline(current) {
  const list = $('timeline');
  list.textContent = '';
  const all = [...current.events].sort((a, b) => b.position - a.position);
  $('timeline-count').textContent = `(${all.length})`;
  // The newest rows only: the whole history is one click away in the audit export.
  const events = all.slice(0, TIMELINE_ROWS);
  for (const event of events) {
    const details = el(
      'div',
      { class: 'more', hidden: '' },
      el(
        'div',
        { class: 'cause' },
        'correlation ',
        el('code', {}, event.metadata?.correlationId ?? '—'),
        ' · caused by ',
        el('code', {}, event.metadata?.causationId ?? '—'),
        ' · ',
        el('button', { type: 'button', class: 'link', onclick: (e) => {
          e.stopPropagation();
          void showStateAt(event.revision !== undefined ? String(event.revision) : event.metadata.timestamp);
        } }, 'state after this event'),
      ),
      el('pre', {}, JSON.stringify(event.data, null, 2)),
    );
    const item = el(
      'li',
      { class: event.fresh ? 'fresh' : '', dataset: { position: String(event.position), correlation: event.metadata?.correlationId ?? '' } },
      el(
        'div',
        {
          class: 'row',
          onclick: () => {
            details.hidden = !details.hidden;
            for (const other of list.children) other.classList.toggle('related', !details.hidden && other !== item && other.dataset.correlation === item.dataset.correlation && item.dataset.correlation !== '');
          },
        },
        el('span', { class: 'pos' }, `#${event.position}${event.revision !== undefined ? ` r${event.revision}` : ''}`),
        el('span', { class: 'time' }, when(event.metadata?.timestamp)),
        el('span', { class: 'type' }, event.type),
        el('span', { class: 'what' }, describe(event.type, event.data ?? {})),
        el('span', { class: `tag ${TAGS[event.type] ?? ''}` }, event.topic ?? topicOf(event)),
      ),
      details,
    );
    event.fresh = false;
    list.append(item);
  }
  if (all.length > events.length) {
    const csv = `/api/v1/audit/accounts/${encodeURIComponent(current.accountId)}/events?format=csv`;
    list.append(el('li', { class: 'muted' }, `${all.length - events.length} older events not shown: the full history is in the audit export (${csv}).`));
  }
}

function topicOf(event) {
  if (event.type === 'OrderCancelled' && event.data?.reason === 'EXPIRED') return 'order.expired';
  return event.type.replace(/([a-z])([A-Z])/g, '$1.$2').toLowerCase();
}

// ---------------------------------------------------------------- state at a moment

async function showStateAt(at) {
  if (!view) return;
  const box = $('state-at');
  box.textContent = 'Loading…';
  try {
    const state = await stateAt(session, view.accountId, at);
    const rows = [
      ['After event', `r${state.at.revision} (#${state.at.position})`],
      ['At', when(state.at.timestamp)],
      ['Balance', money(state.balance)],
      ['Margin', money(state.margin)],
      ['Margin call', state.marginCall ? 'yes' : 'no'],
      ['Pending orders', String(state.pendingOrders.length)],
    ];
    box.replaceChildren(
      el('dl', { class: 'kv' }, rows.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)])),
      state.positions.length === 0
        ? el('div', { class: 'muted' }, 'No open positions then.')
        : el(
            'table',
            { class: 'grid' },
            el('thead', {}, el('tr', {}, el('th', {}, 'Ticket'), el('th', {}, 'Symbol'), el('th', {}, 'Side'), el('th', { class: 'num' }, 'Lots'), el('th', { class: 'num' }, 'Open'))),
            el('tbody', {}, state.positions.map((p) => el('tr', {}, el('td', {}, p.orderId), el('td', {}, p.symbol), el('td', {}, p.type), el('td', { class: 'num' }, p.quantity), el('td', { class: 'num' }, p.openPrice)))),
          ),
    );
  } catch (error) {
    box.textContent = error.message;
  }
}

$('at-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const value = $('at-input').value;
  if (!value) return;
  void showStateAt(new Date(value).toISOString());
});

$('at-now').addEventListener('click', () => void showStateAt(undefined));

// ---------------------------------------------------------------- start

if (session) showWorkspace().catch((error) => showSignin(error.message));
else showSignin();
