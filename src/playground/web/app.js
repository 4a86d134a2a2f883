// The playground page: a small Slack client. It shows what the chosen person sees (pushed whole by
// /api/events, server-sent events, on every change) and sends their clicks, commands and modal
// submissions to /api/*, which relays them to the bot as signed Slack requests.
// All HTML comes from blockkit.js or is escaped here with escapeHtml.
import { escapeHtml, message as renderMessage, view as renderView } from './blockkit.js';

const $ = (id) => document.getElementById(id);
const ui = { setup: null, user: null, pane: 'channel', threadTs: null, data: null, homeAsked: new Set() };
let names = { users: {}, channels: {} };
let pendingClick = null;
let events = null;
/** Click-to-change timings (ms), the bot's ack times for clicks (ms) and renders, for tests and bench. */
window.playground = { timings: [], acks: [], phases: [], renders: 0 };
let phase = null;

async function api(path, body) {
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: ui.user, ...body }),
  });
  const answer = await res.json();
  if (!answer.ok)
    toast(`The bot answered ${answer.status ?? res.status}${answer.error ? `: ${answer.error}` : ''}`);
  return answer;
}

function toast(text) {
  let el = $('toast');
  if (!el) {
    el = document.createElement('div');
    el.id = 'toast';
    el.className = 'toast';
    document.body.append(el);
  }
  el.textContent = text;
  el.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => {
    el.hidden = true;
  }, 4000);
}

/** Follows `ui.user`'s state: the server pushes it whole on connect and on every change. */
function follow() {
  events?.close();
  events = new EventSource(`/api/events?user=${encodeURIComponent(ui.user)}`);
  events.onmessage = (ev) => {
    if (pendingClick !== null && phase && !phase.event) phase.event = performance.now() - pendingClick;
    ui.data = JSON.parse(ev.data);
    render();
  };
}

/** The playground's clock (it may run faster than real time), for `{ago}` in date tokens. */
function now() {
  const { start, speed } = ui.setup.clock;
  return start + (Date.now() - start) * speed;
}

function author(userId) {
  if (userId === ui.setup.bot) return '<b>deploybot</b> <span class="app">APP</span>';
  return `<b>${escapeHtml(names.users[userId] ?? userId)}</b>`;
}

function messageHtml(m, options = {}) {
  const ctx = { names, now: now() };
  const thread = m.thread_ts ? ` data-thread-ts="${escapeHtml(m.thread_ts)}"` : '';
  const replies = options.replies
    ? `<button type="button" class="link replies" data-open-thread="${escapeHtml(m.ts)}">${options.replies} ${options.replies === 1 ? 'reply' : 'replies'}</button>`
    : '';
  const edited = m.edited ? ' <span class="muted">(edited)</span>' : '';
  return `<div class="msg" data-channel="${escapeHtml(m.channel)}" data-ts="${escapeHtml(m.ts)}"${thread}>
    <div class="meta">${author(m.user)}${edited}</div>
    <div class="body">${renderMessage(m, ctx)}</div>${replies}</div>`;
}

function ephemeralHtml(e) {
  return `<div class="msg ephemeral"><div class="meta">${author(ui.setup.bot)} <span class="muted">Only visible to you</span></div>
    <div class="body">${renderMessage(e, { names, now: now() })}</div></div>`;
}

const shown = new WeakMap();

function setHtml(el, html) {
  if (shown.get(el) === html) return false;
  const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 120;
  shown.set(el, html);
  el.innerHTML = html;
  // Like Slack: a pane that was scrolled to its end follows new messages.
  if (atBottom) el.scrollTop = el.scrollHeight;
  return true;
}

function mainHtml(data) {
  if (ui.pane === 'home') {
    if (!data.home) return '<p class="muted">Opening the App Home…</p>';
    const v = renderView(data.home, { names, now: now() });
    return `<div class="home">${v.body}</div>`;
  }
  const here = ui.pane === 'dm' ? data.dm.id : data.channel.id;
  const list =
    ui.pane === 'dm'
      ? data.dm.messages.map((m) => messageHtml(m))
      : data.channel.messages.map((m) => messageHtml(m, { replies: m.replies.length }));
  const mine = data.ephemerals.filter((e) => e.channel === here && !e.thread_ts).map(ephemeralHtml);
  const all = [...list, ...mine];
  return all.length ? all.join('') : '<p class="muted">Nothing here yet. Try <code>/deploy list</code>.</p>';
}

function threadHtml(data) {
  const parent = data.channel.messages.find((m) => m.ts === ui.threadTs);
  if (!parent) return '';
  const replies = parent.replies.map((m) => messageHtml(m));
  const mine = data.ephemerals.filter((e) => e.thread_ts === ui.threadTs).map(ephemeralHtml);
  return [
    messageHtml(parent),
    `<div class="divider">${parent.replies.length} replies</div>`,
    ...replies,
    ...mine,
  ].join('');
}

function render() {
  const data = ui.data;
  if (!data?.channel) return;
  if (!ui.threadTs) ui.threadTs = data.channel.messages.findLast((m) => m.replies.length > 0)?.ts ?? null;
  let changed = setHtml($('messages'), mainHtml(data));
  $('thread').hidden = ui.pane !== 'channel' || !ui.threadTs;
  changed = setHtml($('thread-messages'), ui.threadTs ? threadHtml(data) : '') || changed;
  changed = renderModal(data.modal) || changed;
  $('dm-badge').textContent =
    ui.pane !== 'dm' && data.dm.messages.length ? String(data.dm.messages.length) : '';
  $('composer').hidden = ui.pane === 'home';
  if (ui.pane === 'home' && !data.home && !ui.homeAsked.has(ui.user)) {
    ui.homeAsked.add(ui.user);
    void api('/api/home', {});
  }
  window.playground.renders += 1;
  if (changed && pendingClick !== null) {
    window.playground.timings.push(performance.now() - pendingClick);
    window.playground.phases.push(phase);
    pendingClick = null;
  }
}

function renderModal(modal) {
  const el = $('modal');
  if (!modal) {
    el.hidden = true;
    return setHtml(el, '');
  }
  const v = renderView(modal, { names });
  const submit = v.submit ? `<button type="submit" class="bk-button bk-primary">${v.submit}</button>` : '';
  const html = `<form class="dialog" data-view-id="${escapeHtml(modal.id)}">
    <header class="dialog-title">${v.title}</header><div class="dialog-body">${v.body}</div>
    <footer class="dialog-actions"><button type="button" class="bk-button" data-close>${v.close}</button>${submit}</footer></form>`;
  el.hidden = false;
  return setHtml(el, html);
}

/** Slack's confirm dialog for a button; resolves true when confirmed. */
function confirmDialog(confirm) {
  const el = $('confirm');
  el.innerHTML = `<div class="dialog" role="dialog"><header class="dialog-title">${confirm.title}</header>
    <div class="dialog-body">${confirm.html}</div><footer class="dialog-actions">
    <button type="button" class="bk-button" data-answer="no">${confirm.deny}</button>
    <button type="button" class="bk-button bk-${confirm.style}" data-answer="yes">${confirm.confirm}</button></footer></div>`;
  el.hidden = false;
  return new Promise((resolve) => {
    el.onclick = (ev) => {
      const answer = ev.target.closest('[data-answer]')?.dataset.answer;
      if (!answer) return;
      el.hidden = true;
      el.onclick = null;
      resolve(answer === 'yes');
    };
  });
}

async function onButton(btn) {
  const { confirm, ...action } = JSON.parse(btn.dataset.action);
  const msg = btn.closest('.msg');
  if (!msg?.dataset.ts)
    return toast('This button is in an ephemeral message: the playground cannot click it.');
  if (confirm && !(await confirmDialog(confirm))) return;
  pendingClick = performance.now();
  phase = {};
  const answer = await api('/api/click', {
    ...action,
    channel: msg.dataset.channel,
    ts: msg.dataset.ts,
    ...(msg.dataset.threadTs ? { threadTs: msg.dataset.threadTs } : {}),
  });
  if (typeof answer.ms === 'number') window.playground.acks.push(answer.ms);
  if (phase) phase.answered = performance.now() - (pendingClick ?? 0);
}

function modalValues(form) {
  const values = {};
  for (const field of form.querySelectorAll('[data-action-id]')) {
    if (field.value === '') continue;
    values[field.dataset.block] ??= {};
    values[field.dataset.block][field.dataset.actionId] = { type: field.dataset.type, value: field.value };
  }
  return values;
}

function showPane(pane) {
  ui.pane = pane;
  for (const nav of document.querySelectorAll('.nav'))
    nav.classList.toggle('active', nav.dataset.pane === pane);
  const titles = { channel: '# deploys', dm: 'deploybot (direct message)', home: 'deploybot · Home' };
  $('pane-title').textContent = titles[pane];
  render();
}

function bind() {
  document.addEventListener('click', (ev) => {
    const btn = ev.target.closest('.bk-button[data-action]');
    if (btn) return void onButton(btn);
    const nav = ev.target.closest('.nav');
    if (nav) return showPane(nav.dataset.pane);
    const open = ev.target.closest('[data-open-thread]');
    if (open) {
      ui.threadTs = open.dataset.openThread;
      return render();
    }
    if (ev.target.closest('[data-close]')) {
      const form = ev.target.closest('form');
      pendingClick = performance.now();
      return void api('/api/close', { viewId: form.dataset.viewId });
    }
  });
  $('thread-close').addEventListener('click', () => {
    ui.threadTs = null;
    $('thread').hidden = true;
  });
  $('modal').addEventListener('submit', (ev) => {
    ev.preventDefault();
    pendingClick = performance.now();
    void api('/api/submit', { viewId: ev.target.dataset.viewId, values: modalValues(ev.target) });
  });
  $('composer').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const text = $('command').value.trim();
    if (!text) return;
    $('command').value = '';
    pendingClick = performance.now();
    void api('/api/command', { text });
  });
  $('user').addEventListener('change', (ev) => {
    ui.user = ev.target.value;
    showRoles();
    follow();
  });
}

function showRoles() {
  const person = ui.setup.people.find((p) => p.id === ui.user);
  $('user-roles').textContent = person ? person.roles.join(' · ') : '';
}

async function start() {
  ui.setup = await (await fetch('/api/setup')).json();
  names = {
    users: Object.fromEntries([...ui.setup.people.map((p) => [p.id, p.name]), [ui.setup.bot, 'deploybot']]),
    channels: { [ui.setup.channel.id]: ui.setup.channel.name },
  };
  $('user').innerHTML = ui.setup.people
    .map(
      (p) =>
        `<option value="${escapeHtml(p.id)}">${escapeHtml(p.name)} (${escapeHtml(p.roles[0] ?? '')})</option>`,
    )
    .join('');
  ui.user = ui.setup.people[0]?.id ?? null;
  $('speed').textContent = ui.setup.speed > 1 ? `Time runs ${ui.setup.speed}× faster.` : '';
  showRoles();
  bind();
  showPane('channel');
  follow();
}

void start();
