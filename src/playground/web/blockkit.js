// Block Kit for the playground page: exactly the subset deploybot sends (sections, context, actions with
// button styles and confirm dialogs, header, divider, modal inputs) and Slack's mrkdwn (bold, italic,
// strike, code, code blocks, quotes, links, user/group/channel mentions shown as names, date tokens).
// Pure string building, no DOM: every piece of text is escaped here, so the page may set innerHTML.

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text) {
  return String(text)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** Slack escapes only &, < and > in mrkdwn; undo that before escaping for HTML. */
function unslack(text) {
  return text.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const pad = (n) => String(n).padStart(2, '0');

/** "3 minutes ago", "in 2 hours", "just now": Slack's {ago}. */
export function ago(seconds, nowSeconds) {
  const diff = nowSeconds - seconds;
  const abs = Math.abs(diff);
  if (abs < 45) return 'just now';
  const units = [
    [86400, 'day'],
    [3600, 'hour'],
    [60, 'minute'],
  ];
  for (const [size, name] of units) {
    if (abs >= size || name === 'minute') {
      const n = Math.max(1, Math.round(abs / size));
      const label = `${n} ${name}${n === 1 ? '' : 's'}`;
      return diff >= 0 ? `${label} ago` : `in ${label}`;
    }
  }
  return 'just now';
}

/** Slack's `<!date^…^format|fallback>` tokens, in the viewer's time zone. */
export function formatDate(seconds, format, nowSeconds) {
  const d = new Date(seconds * 1000);
  const short = `${MONTHS[d.getMonth()].slice(0, 3)} ${d.getDate()}, ${d.getFullYear()}`;
  const long = `${MONTHS[d.getMonth()]} ${d.getDate()}, ${d.getFullYear()}`;
  const parts = {
    ago: ago(seconds, nowSeconds),
    date_num: `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`,
    date: long,
    date_short: short,
    date_long: long,
    date_pretty: long,
    date_short_pretty: short,
    date_long_pretty: long,
    time: `${pad(d.getHours())}:${pad(d.getMinutes())}`,
    time_secs: `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`,
  };
  return format.replace(/\{(\w+)\}/g, (whole, key) => parts[key] ?? whole);
}

/** One `<…>` token of mrkdwn, as HTML. */
function token(inner, ctx) {
  const [target, label] = splitOnce(inner, '|');
  const names = ctx.names ?? {};
  if (target.startsWith('@')) {
    const id = target.slice(1);
    const name = names.users?.[id] ?? label ?? id;
    return `<span class="bk-mention">@${escapeHtml(name)}</span>`;
  }
  if (target.startsWith('#')) {
    const id = target.slice(1);
    const name = names.channels?.[id] ?? label ?? id;
    return `<span class="bk-mention">#${escapeHtml(name)}</span>`;
  }
  if (target.startsWith('!subteam^')) {
    const id = target.slice('!subteam^'.length);
    const name = names.groups?.[id] ?? label?.replace(/^@/, '') ?? id;
    return `<span class="bk-mention">@${escapeHtml(name)}</span>`;
  }
  if (target.startsWith('!date^')) {
    const [, seconds, format] = target.split('^');
    const s = Number(seconds);
    if (!Number.isFinite(s)) return escapeHtml(label ?? '');
    const text = formatDate(s, format ?? '', (ctx.now ?? Date.now()) / 1000);
    return `<time datetime="${escapeHtml(new Date(s * 1000).toISOString())}">${escapeHtml(text)}</time>`;
  }
  if (target.startsWith('!')) return `<span class="bk-mention">@${escapeHtml(target.slice(1))}</span>`;
  if (/^(https?:|mailto:)/i.test(target)) {
    const href = escapeHtml(unslack(target));
    return `<a href="${href}" target="_blank" rel="noopener noreferrer">${inline(unslack(label ?? target), ctx, false)}</a>`;
  }
  return escapeHtml(label ?? target);
}

function splitOnce(text, separator) {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

/** Bold, italic and strike on already-escaped text (the markers are not touched by escaping). */
function emphasis(html) {
  const around = (marker) =>
    new RegExp(
      `(^|[\\s(“"';])\\${marker}([^\\s${marker}](?:[^${marker}\\n]*[^\\s${marker}])?)\\${marker}(?=$|[\\s.,;:!?)&”"'])`,
      'g',
    );
  return html
    .replace(around('*'), '$1<b>$2</b>')
    .replace(around('_'), '$1<i>$2</i>')
    .replace(around('~'), '$1<s>$2</s>');
}

/**
 * Text outside code: `<…>` tokens and emphasis. `raw` is mrkdwn with Slack's escaping still on.
 * Tokens stand in as placeholders while emphasis is applied, so `*<url|text>*` is a bold link.
 */
function inline(raw, ctx, tokens = true) {
  const rendered = [];
  let text = '';
  let rest = raw.replace(/[\uE000\uE001]/g, '');
  while (rest.length > 0) {
    const open = tokens ? rest.indexOf('<') : -1;
    const close = open >= 0 ? rest.indexOf('>', open) : -1;
    if (open < 0 || close < 0) {
      text += escapeHtml(unslack(rest));
      break;
    }
    text += `${escapeHtml(unslack(rest.slice(0, open)))}\uE000${rendered.length}\uE001`;
    rendered.push(token(rest.slice(open + 1, close), ctx));
    rest = rest.slice(close + 1);
  }
  return emphasis(text).replace(/\uE000(\d+)\uE001/g, (_, i) => rendered[Number(i)]);
}

/** Inline code spans (`…`) and the text around them. */
function spans(raw, ctx) {
  return raw
    .split(/(`[^`\n]+`)/)
    .map((part, i) =>
      i % 2 === 1 ? `<code>${escapeHtml(unslack(part.slice(1, -1)))}</code>` : inline(part, ctx),
    )
    .join('');
}

/** Lines of text: `&gt; ` quotes, and newlines as <br>. */
function lines(raw, ctx) {
  const out = [];
  for (const line of raw.split('\n')) {
    const quote = /^&gt;\s?(.*)$/.exec(line);
    out.push(quote ? `<span class="bk-quote">${spans(quote[1], ctx)}</span>` : spans(line, ctx));
  }
  return out.join('<br>');
}

/** Slack mrkdwn (as the bot sends it, with &amp; &lt; &gt;) to HTML. */
export function mrkdwn(raw, ctx = {}) {
  return String(raw ?? '')
    .split(/```/)
    .map((part, i) =>
      i % 2 === 1
        ? `<pre class="bk-pre">${escapeHtml(unslack(part.replace(/^\n|\n$/g, '')))}</pre>`
        : lines(part, ctx),
    )
    .join('');
}

/** A text object: plain_text is shown as written (escaped), mrkdwn is rendered. */
export function textObject(text, ctx = {}) {
  if (!text) return '';
  return text.type === 'mrkdwn' ? mrkdwn(text.text, ctx) : escapeHtml(text.text ?? '');
}

/** A button. Its action is in data-* attributes; its confirm dialog travels with it as JSON. */
function button(element, ctx) {
  const style = element.style === 'primary' || element.style === 'danger' ? ` bk-${element.style}` : '';
  const data = {
    actionId: element.action_id ?? '',
    value: element.value ?? '',
    blockId: ctx.blockId ?? '',
    text: element.text?.text ?? '',
    ...(element.confirm ? { confirm: confirmDialog(element.confirm, ctx) } : {}),
  };
  return `<button type="button" class="bk-button${style}" data-action="${escapeHtml(JSON.stringify(data))}">${textObject(element.text, ctx)}</button>`;
}

/** A confirm dialog, pre-rendered: title, HTML body, the two button labels, the style. */
function confirmDialog(confirm, ctx) {
  return {
    title: escapeHtml(confirm.title?.text ?? 'Are you sure?'),
    html: textObject(confirm.text, ctx),
    confirm: escapeHtml(confirm.confirm?.text ?? 'Yes'),
    deny: escapeHtml(confirm.deny?.text ?? 'Cancel'),
    style: confirm.style === 'danger' ? 'danger' : 'primary',
  };
}

function element(el, ctx) {
  if (el?.type === 'button') return button(el, ctx);
  if (el?.type === 'mrkdwn' || el?.type === 'plain_text') return `<span>${textObject(el, ctx)}</span>`;
  if (el?.type === 'image') return `<span class="bk-image" title="${escapeHtml(el.alt_text ?? '')}">🖼</span>`;
  return unsupported(`element ${el?.type}`);
}

function unsupported(what) {
  return `<div class="bk-unsupported">[${escapeHtml(what)} is not shown in the playground]</div>`;
}

/** An input block of a modal: plain_text_input (one line or multiline) and number_input. */
function input(block, ctx) {
  const el = block.element ?? {};
  const name = `${escapeHtml(block.block_id ?? '')}.${escapeHtml(el.action_id ?? '')}`;
  const id = `field-${name.replace(/[^\w-]/g, '-')}`;
  const label = `<label class="bk-label" for="${id}">${textObject(block.label, ctx)}${block.optional ? ' <span class="bk-optional">(optional)</span>' : ''}</label>`;
  const max = el.max_length ? ` maxlength="${Number(el.max_length)}"` : '';
  const attrs = `id="${id}" name="${name}" data-type="${escapeHtml(el.type ?? '')}" data-block="${escapeHtml(block.block_id ?? '')}" data-action-id="${escapeHtml(el.action_id ?? '')}"`;
  let field;
  if (el.type === 'plain_text_input' && el.multiline) field = `<textarea ${attrs}${max}></textarea>`;
  else if (el.type === 'plain_text_input') field = `<input type="text" ${attrs}${max}>`;
  else if (el.type === 'number_input') {
    const min = el.min_value !== undefined ? ` min="${escapeHtml(el.min_value)}"` : '';
    const maxv = el.max_value !== undefined ? ` max="${escapeHtml(el.max_value)}"` : '';
    field = `<input type="number" step="${el.is_decimal_allowed ? 'any' : '1'}" ${attrs}${min}${maxv}>`;
  } else return unsupported(`input ${el.type}`);
  const hint = block.hint ? `<div class="bk-hint" id="${id}-hint">${textObject(block.hint, ctx)}</div>` : '';
  const described = hint ? field.replace(/^<(\w+) /, `<$1 aria-describedby="${id}-hint" `) : field;
  return `<div class="bk-input">${label}${described}${hint}</div>`;
}

/** One block as HTML. */
export function block(b, ctx = {}) {
  const inner = { ...ctx, blockId: b.block_id ?? '' };
  switch (b?.type) {
    case 'section': {
      const text = b.text ? `<div class="bk-text">${textObject(b.text, inner)}</div>` : '';
      const fields = Array.isArray(b.fields)
        ? `<div class="bk-fields">${b.fields.map((f) => `<div>${textObject(f, inner)}</div>`).join('')}</div>`
        : '';
      const accessory = b.accessory ? `<div class="bk-accessory">${element(b.accessory, inner)}</div>` : '';
      return `<div class="bk-section">${text}${fields}${accessory}</div>`;
    }
    case 'context':
      return `<div class="bk-context">${(b.elements ?? []).map((e) => element(e, inner)).join(' ')}</div>`;
    case 'actions':
      return `<div class="bk-actions">${(b.elements ?? []).map((e) => element(e, inner)).join('')}</div>`;
    case 'header':
      return `<div class="bk-header">${textObject(b.text, inner)}</div>`;
    case 'divider':
      return '<hr class="bk-divider">';
    case 'input':
      return input(b, inner);
    case 'markdown':
      return `<div class="bk-text">${mrkdwn(escapeSlack(b.text ?? ''), inner)}</div>`;
    default:
      return unsupported(`block ${b?.type}`);
  }
}

/** A `markdown` block's text is not Slack-escaped: escape it as mrkdwn would be. */
function escapeSlack(text) {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** A message's blocks, or its text when it has none. */
export function message(msg, ctx = {}) {
  const blocks = Array.isArray(msg?.blocks) ? msg.blocks : [];
  if (blocks.length === 0) return `<div class="bk-text">${mrkdwn(msg?.text ?? '', ctx)}</div>`;
  return blocks.map((b) => block(b, ctx)).join('');
}

/** A view (modal or Home tab): its title, blocks and, for a modal, submit and close labels. */
export function view(v, ctx = {}) {
  return {
    title: textObject(v?.title, ctx),
    submit: v?.submit ? textObject(v.submit, ctx) : '',
    close: v?.close ? textObject(v.close, ctx) : escapeHtml('Cancel'),
    body: (v?.blocks ?? []).map((b) => block(b, ctx)).join(''),
  };
}
