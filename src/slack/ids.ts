// Every action_id and callback_id the bot uses, in one place, and the button values that carry a
// run and a step or approval. A value only says which button was clicked: listeners check the
// database before acting on it (a value can be stale or forged).
import { z } from 'zod';

/** action_ids of the bot's buttons. */
export const ACTIONS = {
  stepDone: 'step.done',
  stepDoneEarly: 'step.done_early',
  stepSkip: 'step.skip',
  stepFail: 'step.fail',
  stepUndo: 'step.undo',
  stepRanIt: 'step.ran_it',
  stepStartWait: 'step.start_wait',
  approve: 'gate.approve',
  startRollback: 'run.start_rollback',
  abort: 'run.abort',
  acknowledge: 'escalation.acknowledge',
  pageNext: 'escalation.page_next',
  report: 'run.report',
  reassignOwner: 'owner.reassign',
  queueJoin: 'queue.join',
  queueStart: 'queue.start',
  queueCancel: 'queue.cancel',
} as const;

/** One of the bot's action_ids. */
export type ActionId = (typeof ACTIONS)[keyof typeof ACTIONS];

/** callback_ids of the bot's modals. */
export const VIEWS = {
  ranIt: 'step.ran_it.modal',
  rollbackReason: 'run.rollback.modal',
} as const;

/** What a button's value points at: a run, and maybe one of its steps or approval slots. */
export interface ButtonValue {
  runId: string;
  stepId?: string;
  approvalId?: string;
  /**
   * Which signature of a quorum slot the button gives (1-based): the slot's button after each
   * signature is a new button, so a click is told apart from one made on an earlier render.
   */
  signature?: number;
}

// Run ids are UUIDs, step and approval ids `st_…`/`ap_…`: none holds the `|` separator.
const ID = /^[A-Za-z0-9_.:-]{1,200}$/;
const MAX_VALUE = 2000;

const valueSchema = z
  .string()
  .max(MAX_VALUE)
  .transform((value) => value.split('|'))
  .pipe(
    z.union([
      z.tuple([z.string().regex(ID), z.literal('run'), z.literal('')]),
      z.tuple([z.string().regex(ID), z.literal('step'), z.string().regex(ID)]),
      z.tuple([z.string().regex(ID), z.literal('approval'), z.string().regex(ID)]),
      z.tuple([
        z.string().regex(ID),
        z.literal('approval'),
        z.string().regex(ID),
        z.string().regex(/^[1-9]\d{0,3}$/),
      ]),
    ]),
  );

/** Encodes a button value as `runId|kind|id`; throws on ids that could not be read back (a bug). */
export function encodeValue(value: ButtonValue): string {
  const [kind, id] =
    value.stepId !== undefined
      ? ['step', value.stepId]
      : value.approvalId !== undefined
        ? ['approval', value.approvalId]
        : ['run', ''];
  const signature = kind === 'approval' && value.signature !== undefined ? `|${value.signature}` : '';
  const encoded = `${value.runId}|${kind}|${id}${signature}`;
  const badSignature =
    value.signature !== undefined &&
    !(Number.isInteger(value.signature) && value.signature >= 1 && value.signature < 10_000);
  if (
    !ID.test(value.runId) ||
    (kind !== 'run' && !ID.test(id)) ||
    (value.stepId && value.approvalId) ||
    badSignature
  ) {
    throw new Error(`cannot encode button value ${JSON.stringify(value)}`);
  }
  return encoded;
}

/** Reads a button value back, or null when it is not one of ours. */
export function decodeValue(value: unknown): ButtonValue | null {
  const parsed = valueSchema.safeParse(value);
  if (!parsed.success) return null;
  const [runId, kind, id, signature] = parsed.data;
  if (kind === 'step') return { runId, stepId: id };
  if (kind === 'approval')
    return { runId, approvalId: id, ...(signature ? { signature: Number(signature) } : {}) };
  return { runId };
}
