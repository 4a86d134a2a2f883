// The playground page: a small Slack client. It shows what the chosen person sees (pushed whole by
// /api/events, server-sent events, on every change) and sends their clicks, commands and modal
// submissions to /api/*, which relays them to the bot as signed Slack requests.
// All HTML comes from blockkit.js or is escaped here with escapeHtml.
import { escapeHtml, message as renderMessage, view as renderView } from './blockkit.js';
import { slackLink } from './links.js';

const $ = (id) => document.getElementById(id);
const ui = {
  setup: null,
  user: null,
  pane: 'channel',
  threadTs: null,
  /** The newest run whose thread was opened by itself: a newer one opens too. */
  autoOpened: null,
  data: null,
  homeAsked: new Set(),
  /** Per pane: follow new messages (the person is at the end), as Slack does. */
  stick: { messages: true, 'thread-messages': true },
  /** Where focus was before a modal or dialog took it. */
  focusBefore: null,
};
let names = { users: {}, channels: {} };
let pendingClick = null;
let events = null;
/** Click-to-change timings (ms), the bot's ack times for clicks (ms) and renders, for tests and bench. */
window.playground = { timings: [], acks: [], phases: [], renders: 0 };
let phase = null;
const store = {
  get: (key) => {
    try {
      return localStorage.getItem(`deploybot-playground.${key}`);
    } catch {
      return null;
    }
  },
  set: (key, value) => {
    try {
      localStorage.setItem(`deploybot-playground.${key}`, value);
    } catch {
      // A browser that keeps nothing: the page still works, it just forgets.
    }
  },
};

async function api(path, body) {
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: ui.user, ...body }),
  });
  const answer = await res.json().catch(() => ({ ok: false }));
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
    el.setAttribute('role', 'status');
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

/** The playground's clock (it may run faster than real time, and change pace), for `{ago}` tokens. */
function now() {
  const clock = ui.data?.clock ?? ui.setup.clock;
  return clock.bot + (Date.now() - clock.real) * clock.speed;
}

function author(userId) {
  if (userId === ui.setup.bot) return '<b>deploybot</b> <span class="app">APP</span>';
  return `<b>${escapeHtml(names.users[userId] ?? userId)}</b>`;
}

function size(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** A shared file as Slack shows it: a card with its name, size, first lines and a link to all of it. */
function fileHtml(f) {
  const url = escapeHtml(f.url);
  return `<div class="file-card">
    <div class="file-head"><span class="file-icon" aria-hidden="true">📄</span>
      <a href="${url}" target="_blank" rel="noopener" class="file-title">${escapeHtml(f.title || f.name)}</a>
      <span class="muted">${escapeHtml(f.name)} · ${escapeHtml(size(f.size))}</span></div>
    <pre class="file-preview">${escapeHtml(f.preview)}</pre>
    <a href="${url}" target="_blank" rel="noopener" class="file-open">Open the whole file</a></div>`;
}

function messageHtml(m, options = {}) {
  const ctx = { names, now: now() };
  const thread = m.thread_ts ? ` data-thread-ts="${escapeHtml(m.thread_ts)}"` : '';
  const n = options.replies;
  const replies = n
    ? `<button type="button" class="link replies" data-open-thread="${escapeHtml(m.ts)}">${n} ${n === 1 ? 'reply' : 'replies'}</button>`
    : '';
  const edited = m.edited ? ' <span class="muted edited">(edited)</span>' : '';
  const files = (m.files ?? []).map(fileHtml).join('');
  const text = m.files && !m.text && !m.blocks.length ? '' : renderMessage(m, ctx);
  return `<div class="msg" data-channel="${escapeHtml(m.channel)}" data-ts="${escapeHtml(m.ts)}"${thread}>
    <div class="meta">${author(m.user)}</div>
    <div class="body">${text}${files}${edited}</div>${replies}</div>`;
}

function ephemeralHtml(e) {
  return `<div class="msg ephemeral"><div class="meta">${author(ui.setup.bot)} <span class="muted">Only visible to you</span></div>
    <div class="body">${renderMessage(e, { names, now: now() })}</div></div>`;
}

/** Messages and "only visible to you" answers in the order they came, as Slack shows them. */
function timeline(messages, ephemerals, toHtml) {
  const out = [];
  let e = 0;
  for (const m of messages) {
    while (e < ephemerals.length && ephemerals[e].at < m.at) out.push(ephemeralHtml(ephemerals[e++]));
    out.push(toHtml(m));
  }
  while (e < ephemerals.length) out.push(ephemeralHtml(ephemerals[e++]));
  return out;
}

const shown = new WeakMap();

function setHtml(el, html) {
  if (shown.get(el) === html) return false;
  shown.set(el, html);
  el.innerHTML = html;
  // Like Slack: a pane whose reader is at its end follows new messages.
  if (ui.stick[el.id]) el.scrollTop = el.scrollHeight;
  return true;
}

function emptyHtml() {
  const hint =
    ui.pane === 'dm'
      ? 'Escalation pages arrive here. Try <code>/deploy list</code>.'
      : 'Try <code>/deploy list</code>, then <code>/deploy start &lt;runbook&gt;</code>.';
  return `<p class="empty muted">Nothing here yet. ${hint}</p>`;
}

function mainHtml(data) {
  if (ui.pane === 'home') {
    if (!data.home) return '<p class="empty muted">Opening the App Home…</p>';
    const v = renderView(data.home, { names, now: now() });
    return `<div class="home">${v.body}</div>`;
  }
  const here = ui.pane === 'dm' ? data.dm.id : data.channel.id;
  const mine = data.ephemerals.filter((e) => e.channel === here && !e.thread_ts);
  const all =
    ui.pane === 'dm'
      ? timeline(data.dm.messages, mine, (m) => messageHtml(m))
      : timeline(data.channel.messages, mine, (m) => messageHtml(m, { replies: m.replies.length }));
  return all.length ? all.join('') : emptyHtml();
}

function threadHtml(data) {
  const parent = data.channel.messages.find((m) => m.ts === ui.threadTs);
  if (!parent) return '';
  const n = parent.replies.length;
  const mine = data.ephemerals.filter((e) => e.thread_ts === ui.threadTs);
  return [
    messageHtml(parent),
    `<div class="divider">${n} ${n === 1 ? 'reply' : 'replies'}</div>`,
    ...timeline(parent.replies, mine, (m) => messageHtml(m)),
  ].join('');
}

/** A new run's thread opens by itself, as the first one does. */
function autoOpenThread(data) {
  const newest = data.channel.messages.findLast((m) => m.replies.length > 0);
  if (!newest || newest.ts === ui.autoOpened) return;
  ui.autoOpened = newest.ts;
  ui.threadTs = newest.ts;
  ui.stick['thread-messages'] = true;
}

function unreadDms(data) {
  const seen = store.get(`seen.${ui.user}`) ?? '';
  if (ui.pane === 'dm') {
    const last = data.dm.messages.at(-1)?.ts ?? '';
    if (last && last !== seen) store.set(`seen.${ui.user}`, last);
    return 0;
  }
  return data.dm.messages.filter((m) => Number(m.ts) > Number(seen || 0)).length;
}

function render() {
  const data = ui.data;
  if (!data?.channel) return;
  autoOpenThread(data);
  let changed = setHtml($('messages'), mainHtml(data));
  $('thread').hidden = ui.pane !== 'channel' || !ui.threadTs;
  changed = setHtml($('thread-messages'), ui.threadTs ? threadHtml(data) : '') || changed;
  changed = renderModal(data.modal) || changed;
  const unread = unreadDms(data);
  $('dm-badge').textContent = unread ? String(unread) : '';
  $('dm-badge').title = unread ? `${unread} unread` : '';
  $('composer').hidden = ui.pane === 'home';
  showSpeed(data.clock?.speed ?? ui.setup.speed);
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

/** Focus moves into a modal or dialog, stays there while it is open, and goes back when it closes. */
function takeFocus(el, selector, opening) {
  if (opening && !ui.focusBefore && !el.contains(document.activeElement))
    ui.focusBefore = document.activeElement;
  if (!el.contains(document.activeElement)) el.querySelector(selector)?.focus();
}

/** The element focus goes back to: the same one, or its new copy when its message was re-rendered. */
function refind(el) {
  if (!el || document.body.contains(el)) return el;
  const ts = el.closest?.('.msg')?.dataset.ts;
  if (!ts || !el.dataset?.action) return null;
  const copies = document.querySelectorAll(`.msg[data-ts="${CSS.escape(ts)}"] .bk-button[data-action]`);
  return [...copies].find((b) => b.dataset.action === el.dataset.action) ?? null;
}

function giveFocusBack() {
  const before = refind(ui.focusBefore);
  ui.focusBefore = null;
  if (before) before.focus();
  else $('command')?.focus();
}

function renderModal(modal) {
  const el = $('modal');
  if (!modal) {
    const wasOpen = !el.hidden;
    el.hidden = true;
    const changed = setHtml(el, '');
    if (wasOpen) giveFocusBack();
    return changed;
  }
  const opening = el.hidden;
  const v = renderView(modal, { names });
  const submit = v.submit ? `<button type="submit" class="bk-button bk-primary">${v.submit}</button>` : '';
  const html = `<form class="dialog" role="dialog" aria-modal="true" aria-labelledby="modal-title" data-view-id="${escapeHtml(modal.id)}">
    <header class="dialog-title" id="modal-title">${v.title}</header><div class="dialog-body">${v.body}</div>
    <footer class="dialog-actions"><button type="button" class="bk-button" data-close>${v.close}</button>${submit}</footer></form>`;
  el.hidden = false;
  const changed = setHtml(el, html);
  takeFocus(el, 'input, textarea, select, button[type="submit"], button', opening);
  return changed;
}

/** Slack's confirm dialog for a button; resolves true when confirmed. Escape or Cancel says no. */
function confirmDialog(confirm) {
  const el = $('confirm');
  el.innerHTML = `<div class="dialog" role="alertdialog" aria-modal="true" aria-labelledby="confirm-title" aria-describedby="confirm-body">
    <header class="dialog-title" id="confirm-title">${confirm.title}</header>
    <div class="dialog-body" id="confirm-body">${confirm.html}</div><footer class="dialog-actions">
    <button type="button" class="bk-button" data-answer="no">${confirm.deny}</button>
    <button type="button" class="bk-button bk-${confirm.style}" data-answer="yes">${confirm.confirm}</button></footer></div>`;
  el.hidden = false;
  ui.focusBefore = document.activeElement;
  el.querySelector('[data-answer="no"]').focus();
  return new Promise((resolve) => {
    const done = (yes) => {
      el.hidden = true;
      el.onclick = null;
      confirmDialog.cancel = null;
      if (!yes) giveFocusBack();
      else ui.focusBefore = null;
      resolve(yes);
    };
    confirmDialog.cancel = () => done(false);
    el.onclick = (ev) => {
      const answer = ev.target.closest('[data-answer]')?.dataset.answer;
      if (answer) done(answer === 'yes');
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
  if (!btn.closest('#modal')) ui.focusBefore = btn;
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
  for (const nav of document.querySelectorAll('.nav')) {
    nav.classList.toggle('active', nav.dataset.pane === pane);
    if (nav.dataset.pane === pane) nav.setAttribute('aria-current', 'page');
    else nav.removeAttribute('aria-current');
  }
  const titles = { channel: '# deploys', dm: 'deploybot (direct message)', home: 'deploybot · Home' };
  $('pane-title').textContent = titles[pane];
  $('command').placeholder = pane === 'dm' ? 'Message deploybot' : 'Message #deploys, or /deploy …';
  $('command-label').textContent = pane === 'dm' ? 'Message deploybot' : 'Message #deploys';
  ui.stick.messages = true;
  shown.delete($('messages'));
  render();
}

/** A Slack link (permalink or app_redirect) opens the channel, thread or DM here, not on slack.com. */
function followLink(target) {
  const data = ui.data;
  if (!data) return;
  if (target.app) return showPane('home');
  if (target.channel === data.dm.id) {
    showPane('dm');
    return highlight('messages', target.ts);
  }
  if (target.channel !== data.channel.id)
    return toast('That link is to a conversation the playground does not have.');
  const top = data.channel.messages.find((m) => m.ts === (target.threadTs ?? target.ts));
  if (top?.replies.length || target.threadTs) {
    ui.threadTs = target.threadTs ?? target.ts;
    ui.stick['thread-messages'] = !target.threadTs;
  }
  showPane('channel');
  highlight(target.threadTs ? 'thread-messages' : 'messages', target.ts);
}

function highlight(pane, ts) {
  if (!ts) return;
  const el = $(pane).querySelector(`.msg[data-ts="${CSS.escape(ts)}"]`);
  if (!el) return;
  el.classList.add('highlight');
  el.scrollIntoView({ block: 'nearest' });
  setTimeout(() => el.classList.remove('highlight'), 2500);
}

function bind() {
  document.addEventListener('click', (ev) => {
    const btn = ev.target.closest('.bk-button[data-action]');
    if (btn) return void onButton(btn);
    const nav = ev.target.closest('.nav');
    if (nav) return showPane(nav.dataset.pane);
    const link = ev.target.closest('a[href]');
    const target = link ? slackLink(link.href, ui.setup.team.domain) : null;
    if (target) {
      ev.preventDefault();
      return followLink(target);
    }
    const open = ev.target.closest('[data-open-thread]');
    if (open) {
      ui.threadTs = open.dataset.openThread;
      ui.stick['thread-messages'] = true;
      return render();
    }
    if (ev.target.closest('[data-close]')) return closeModal();
  });
  document.addEventListener('keydown', (ev) => {
    if (ev.key === 'Tab') return keepFocusIn(ev);
    if (ev.key !== 'Escape') return;
    if (confirmDialog.cancel) return confirmDialog.cancel();
    if (!$('modal').hidden) return closeModal();
    if (!$('thread').hidden && $('thread').contains(document.activeElement)) closeThread();
  });
  for (const pane of ['messages', 'thread-messages']) {
    $(pane).addEventListener('scroll', () => {
      const el = $(pane);
      ui.stick[pane] = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
    });
  }
  $('thread-close').addEventListener('click', closeThread);
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
    ui.stick.messages = true;
    void api('/api/command', { text, channel: ui.pane === 'dm' ? 'dm' : 'channel' });
  });
  $('user').addEventListener('change', (ev) => {
    ui.user = ev.target.value;
    store.set('user', ui.user);
    showRoles();
    follow();
  });
  $('speed').addEventListener('change', (ev) => {
    void api('/api/speed', { speed: Number(ev.target.value) });
  });
}

/** While a modal or dialog is open, Tab cycles through its controls only. */
function keepFocusIn(ev) {
  const open = [$('confirm'), $('modal')].find((el) => !el.hidden);
  if (!open) return;
  const controls = [...open.querySelectorAll('button, input, textarea, select, a[href]')];
  const first = controls[0];
  const last = controls.at(-1);
  if (!first || !last) return;
  const at = document.activeElement;
  if (ev.shiftKey && (at === first || !open.contains(at))) {
    ev.preventDefault();
    last.focus();
  } else if (!ev.shiftKey && (at === last || !open.contains(at))) {
    ev.preventDefault();
    first.focus();
  }
}

function closeModal() {
  const form = $('modal').querySelector('form');
  if (!form) return;
  pendingClick = performance.now();
  void api('/api/close', { viewId: form.dataset.viewId });
}

function closeThread() {
  ui.threadTs = null;
  $('thread').hidden = true;
  $('command').focus();
}

function showRoles() {
  const person = ui.setup.people.find((p) => p.id === ui.user);
  $('user-roles').textContent = person ? person.roles.join(' · ') : '';
}

/** Every role, briefly, so that the menu's entries fit: "SRE, DBA approver, contact". */
function shortRoles(roles) {
  const approves = roles.filter((r) => r.endsWith(' approver')).map((r) => r.slice(0, -' approver'.length));
  const rest = [
    ...new Set(
      roles.filter((r) => !r.endsWith(' approver')).map((r) => r.replace(/^contact: .*/, 'contact')),
    ),
  ];
  return [...(approves.length ? [`${approves.join(', ')} approver`] : []), ...rest].join(', ');
}

function showSpeed(speed) {
  const select = $('speed');
  if (select.value !== String(speed)) select.value = String(speed);
}

async function start() {
  ui.setup = await (await fetch('/api/setup')).json();
  names = {
    users: Object.fromEntries([...ui.setup.people.map((p) => [p.id, p.name]), [ui.setup.bot, 'deploybot']]),
    channels: { [ui.setup.channel.id]: ui.setup.channel.name },
  };
  $('user').innerHTML = ui.setup.people
    .map((p) => {
      const label = `${p.name} (${shortRoles(p.roles)})`;
      const full = `${p.name}: ${p.roles.join(', ')}`;
      return `<option value="${escapeHtml(p.id)}" title="${escapeHtml(full)}">${escapeHtml(label)}</option>`;
    })
    .join('');
  $('speed').innerHTML = ui.setup.speeds
    .map((s) => `<option value="${s}">${s === 1 ? '1× (real time)' : `${s}× faster`}</option>`)
    .join('');
  const kept = store.get('user');
  ui.user = ui.setup.people.some((p) => p.id === kept) ? kept : (ui.setup.people[0]?.id ?? null);
  $('user').value = ui.user;
  showSpeed(ui.setup.speed);
  showRoles();
  bind();
  showPane('channel');
  follow();
}

void start();
