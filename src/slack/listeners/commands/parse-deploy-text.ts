// `/deploy …` text → a typed request, or a sentence saying what is wrong. Pure.
import { z } from 'zod';
import { escapeText } from '../../blocks/escape.js';

/** What a `/deploy` asks for. */
export type DeployRequest =
  | {
      kind: 'start';
      runbook: string;
      params: Record<string, string>;
      environment: string | null;
      rehearsal: boolean;
      /** `--queue`: on a locked environment, queue behind the holder without asking. */
      queue?: boolean;
    }
  | { kind: 'cancel'; entry: string }
  | { kind: 'list' }
  | { kind: 'status'; run: string | null }
  | { kind: 'abort'; run: string; reason: string | null }
  | { kind: 'help' };

const KEY = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;
/** What an environment may be called (it names a lock and shows in every message of its runs). */
export const ENVIRONMENT_NAME = /^[a-z0-9][a-z0-9._-]{0,39}$/;

/** Why an environment name is refused, or null. */
export function environmentProblem(name: string): string | null {
  if (ENVIRONMENT_NAME.test(name)) return null;
  return `\`${escapeText(name.slice(0, 60))}\` is not an environment name: 1 to 40 of a-z, 0-9, . _ - (starting with a letter or digit).`;
}
const paramSchema = z.string().max(500, 'values are limited to 500 characters');

/** Splits on spaces, keeping "quoted words" together (Slack sends typographic quotes too). */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  for (const m of text.matchAll(/([^\s"“”]*)(?:["“]([^"”]*)["”])?/g)) {
    const whole = `${m[1] ?? ''}${m[2] ?? ''}`;
    if (m[0] && (whole || m[2] !== undefined)) tokens.push(whole);
  }
  return tokens;
}

/** Parses the text after `/deploy`. */
export function parseDeployText(
  text: string,
): { ok: true; request: DeployRequest } | { ok: false; message: string } {
  const [verb = 'help', ...rest] = tokenize(text.trim());
  switch (verb.toLowerCase()) {
    case 'help':
    case '':
      return { ok: true, request: { kind: 'help' } };
    case 'list':
      return { ok: true, request: { kind: 'list' } };
    case 'status':
      return { ok: true, request: { kind: 'status', run: rest[0] ?? null } };
    case 'abort': {
      const [run, ...reason] = rest;
      if (!run)
        return {
          ok: false,
          message: 'Which run? `/deploy abort <run> [reason]` (the run id is in `/deploy status`).',
        };
      return { ok: true, request: { kind: 'abort', run, reason: reason.join(' ').trim() || null } };
    }
    case 'start':
      return parseStart(rest);
    case 'cancel': {
      const entry = /^q?(\d{1,15})$/i.exec(rest[0] ?? '')?.[1];
      if (!entry)
        return { ok: false, message: 'Which queued run? `/deploy cancel q12` (see `/deploy status`).' };
      return { ok: true, request: { kind: 'cancel', entry } };
    }
    default:
      return {
        ok: false,
        message: `Unknown subcommand \`${escapeText(verb.slice(0, 40))}\`. Try \`/deploy help\`.`,
      };
  }
}

function parseStart(args: string[]): { ok: true; request: DeployRequest } | { ok: false; message: string } {
  const [runbook, ...rest] = args;
  if (!runbook || runbook.includes('=')) {
    return {
      ok: false,
      message: 'Which runbook? `/deploy start <runbook> [KEY=value …] [--rehearsal]` (see `/deploy list`).',
    };
  }
  const params: Record<string, string> = {};
  let rehearsal = false;
  let queue = false;
  let environment: string | null = null;
  for (const arg of rest) {
    if (arg === '--rehearsal') {
      rehearsal = true;
      continue;
    }
    if (arg === '--queue') {
      queue = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const key = eq > 0 ? arg.slice(0, eq) : '';
    if (!KEY.test(key)) {
      return {
        ok: false,
        message: `\`${escapeText(arg.slice(0, 60))}\` is not a parameter: write KEY=value (letters, digits, _ . -).`,
      };
    }
    const value = paramSchema.safeParse(arg.slice(eq + 1));
    if (!value.success) return { ok: false, message: `${key}: ${value.error.issues[0]?.message}` };
    if (key === 'env' || key === 'environment') {
      const problem = environmentProblem(value.data);
      if (problem) return { ok: false, message: problem };
      environment = value.data;
    } else params[key] = value.data;
  }
  return {
    ok: true,
    request: { kind: 'start', runbook, params, environment, rehearsal, ...(queue ? { queue } : {}) },
  };
}
