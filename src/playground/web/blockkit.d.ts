// Types of blockkit.js (plain JavaScript, served to the page as it is) for the tests that import it.

/** Names to show for mentions: user, channel and user group ids → names. */
export interface RenderNames {
  users?: Record<string, string>;
  channels?: Record<string, string>;
  groups?: Record<string, string>;
}

export interface RenderContext {
  names?: RenderNames;
  /** Milliseconds since the epoch, for `{ago}` (default now). */
  now?: number;
}

export interface RenderedView {
  title: string;
  submit: string;
  close: string;
  body: string;
}

export function escapeHtml(text: string): string;
export function ago(seconds: number, nowSeconds: number): string;
export function formatDate(seconds: number, format: string, nowSeconds: number): string;
export function mrkdwn(raw: string, ctx?: RenderContext): string;
export function textObject(text: { type: string; text: string } | undefined, ctx?: RenderContext): string;
export function block(b: unknown, ctx?: RenderContext): string;
export function message(msg: { text?: string; blocks?: unknown[] }, ctx?: RenderContext): string;
export function view(v: unknown, ctx?: RenderContext): RenderedView;
