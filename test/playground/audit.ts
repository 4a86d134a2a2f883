// An accessibility audit in Chromium, without axe (not a dependency here): Chromium's own
// accessibility tree (over CDP) for controls with no accessible name, and the page itself for what
// axe rates "serious": text contrast below WCAG AA, form fields without a label, duplicate ids, a
// dialog without a name, and a document without a language or title.
import type { Page } from 'playwright-core';

/** One finding: the rule, and where. */
export interface AuditIssue {
  rule: string;
  where: string;
}

const NAMED_ROLES = new Set([
  'button',
  'link',
  'textbox',
  'combobox',
  'checkbox',
  'radio',
  'listbox',
  'dialog',
  'alertdialog',
  'image',
  'spinbutton',
  'searchbox',
]);

interface AXNode {
  ignored?: boolean;
  role?: { value?: string };
  name?: { value?: string };
  backendDOMNodeId?: number;
}

/** Runs the audit on what the page shows now. */
export async function auditPage(page: Page): Promise<AuditIssue[]> {
  const cdp = await page.context().newCDPSession(page);
  const issues: AuditIssue[] = [];
  try {
    await cdp.send('Accessibility.enable');
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: AXNode[] };
    for (const node of nodes) {
      const role = node.role?.value ?? '';
      if (node.ignored || !NAMED_ROLES.has(role)) continue;
      if (!(node.name?.value ?? '').trim())
        issues.push({ rule: 'control-name', where: `${role} without a name` });
    }
  } finally {
    await cdp.detach();
  }
  issues.push(...((await page.evaluate(DOM_CHECKS)) as AuditIssue[]));
  return issues;
}

/** Runs in the page (a string: this file is compiled without the DOM's types). */
const DOM_CHECKS = `(() => {
  const found = [];
  const describe = (el) =>
    el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (typeof el.className === 'string' && el.className ? '.' + el.className.split(' ')[0] : '') +
    ' "' + (el.textContent || '').trim().slice(0, 40) + '"';
  if (!document.documentElement.lang) found.push({ rule: 'html-has-lang', where: 'html' });
  if (!document.title) found.push({ rule: 'document-title', where: 'head' });
  const ids = new Map();
  for (const el of document.querySelectorAll('[id]')) ids.set(el.id, (ids.get(el.id) || 0) + 1);
  for (const [id, n] of ids) if (n > 1) found.push({ rule: 'duplicate-id', where: '#' + id + ' x' + n });
  for (const f of document.querySelectorAll('input, textarea, select')) {
    if (f.type === 'hidden') continue;
    const labelled = (f.labels && f.labels.length > 0) || f.getAttribute('aria-label') || f.getAttribute('aria-labelledby');
    if (!labelled) found.push({ rule: 'label', where: describe(f) });
  }
  const rgba = (value) => (value.match(/[\\d.]+/g) || []).map(Number);
  const lin = (c) => { const s = c / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; };
  const luminance = (c) => 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2]);
  const background = (el) => {
    for (let at = el; at; at = at.parentElement) {
      const bg = rgba(getComputedStyle(at).backgroundColor);
      if (bg.length >= 3 && (bg.length < 4 || bg[3] >= 0.99)) return bg;
    }
    return [255, 255, 255];
  };
  for (const el of document.querySelectorAll('body *')) {
    const own = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && (n.textContent || '').trim());
    if (!own) continue;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    if (style.visibility === 'hidden' || box.width === 0 || box.height === 0) continue;
    if (el.disabled || el.closest('.visually-hidden')) continue;
    const pair = [luminance(rgba(style.color)), luminance(background(el))].sort((a, b) => b - a);
    const ratio = (pair[0] + 0.05) / (pair[1] + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) found.push({ rule: 'color-contrast', where: describe(el) + ' ' + ratio.toFixed(2) + ':1' });
  }
  for (const d of document.querySelectorAll('[role="dialog"], [role="alertdialog"]')) {
    if (d.closest('[hidden]')) continue;
    if (!d.getAttribute('aria-labelledby') && !d.getAttribute('aria-label')) found.push({ rule: 'aria-dialog-name', where: describe(d) });
  }
  return found;
})()`;
