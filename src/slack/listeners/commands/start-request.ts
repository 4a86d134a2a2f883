// Starting a run from Slack (`/deploy start`, or **Start now** on a queue offer): load the runbook,
// respect a standing queue offer, take the lock, or answer with the holder and a way to queue.
import type { KnownBlock } from '@slack/types';
import { shortId } from '../../../runs/loaded-run.js';
import { formatTime } from '../../../shared/format-time.js';
import { enqueueStart, positionOf } from '../../../usecases/queue.js';
import { startRunUseCase } from '../../../usecases/start-run.js';
import { escapeText as esc, mention } from '../../blocks/escape.js';
import { buildLockedReply, queuedText, toQueuedStart } from '../../blocks/queue-blocks.js';
import type { SlackContext } from '../../context.js';
import { environmentProblem } from './parse-deploy-text.js';

/** What to start, for whom, where. */
export interface StartRequest {
  runbook: string;
  params: Record<string, string>;
  environment: string | null;
  rehearsal: boolean;
  channelId: string;
  userId: string;
  /** On a locked environment: queue at once instead of asking. */
  queue?: boolean;
  /** The queue entry whose offer this start takes (it may pass the reservation). */
  fromQueue?: number;
}

/** The private answer, and the run when one started. */
export interface StartReply {
  text: string;
  blocks?: KnownBlock[];
  runId?: string;
}

/** Starts the run, or says why not. */
export async function startRequest(ctx: SlackContext, request: StartRequest): Promise<StartReply> {
  const loaded = await ctx.catalog.load(request.runbook);
  if (!loaded.ok) {
    const problem = loaded.problem;
    const detail =
      problem.code === 'runbook.invalid' ? `\n${problem.errors.map((e) => `• ${esc(e)}`).join('\n')}` : '';
    // The name is what the user typed: every echo of it is escaped.
    return { text: `${esc(problem.message)}${detail}` };
  }
  const { entry } = loaded;
  const queue = ctx.runDeps.store.queue;
  const environment = request.environment ?? entry.runbook.frontMatter.environment ?? 'default';
  const badName = environmentProblem(environment);
  if (badName) return { text: `${badName} (from the runbook's front matter)` };
  const capped = await overLimit(ctx, request);
  if (capped) return { text: capped };
  const params = { ...entry.runbook.frontMatter.params, ...request.params };
  const now = ctx.runDeps.clock.now();
  const reserved = request.fromQueue ? null : await queue.reservation(entry.name, environment, now);
  if (reserved && reserved.starterId !== request.userId) {
    const message = `${esc(entry.name)} in ${esc(environment)} is free, but offered to ${mention(reserved.starterId)}'s queued run until ${formatTime(reserved.offerExpiresAt ?? now.toISOString())}.`;
    return queueOrAsk(ctx, request, { name: entry.name, environment, params, behindRunId: null }, message);
  }
  const started = await startRunUseCase(ctx.runDeps, {
    runbookName: entry.name,
    runbook: entry.runbook,
    contentHash: entry.contentHash,
    gitCommit: entry.gitCommit,
    channelId: request.channelId,
    starterId: request.userId,
    environment,
    rehearsal: request.rehearsal,
    params,
    required: ctx.people.quorum(entry.runbook),
    owners: await ctx.people.owners(entry.runbook),
  });
  if (!started.ok) {
    const where = `<#${(await ctx.runDeps.store.queries.find(started.holder.runId))?.channelId ?? request.channelId}>`;
    const { holder } = started;
    // The environment is whatever the starter typed: escaped like the name.
    const message = `${esc(entry.name)} is already running in ${esc(environment)}: run ${holder.runId} started by ${mention(holder.holderId)} at ${formatTime(holder.since)} (in ${where}).`;
    const target = { name: entry.name, environment, params, behindRunId: started.holder.runId };
    return queueOrAsk(ctx, request, target, message);
  }
  ctx.kick(started.runId);
  const changed = started.changedSinceLastRun ? ' Note: the runbook changed since its last run.' : '';
  return {
    text: `Started run \`${shortId(started.runId)}\` of \`${entry.name}\`${request.rehearsal ? ' (rehearsal: every page goes to you)' : ''}.${changed}`,
    runId: started.runId,
  };
}

/** On a locked (or reserved) environment: queue now with `--queue`, else offer to. */
async function queueOrAsk(
  ctx: SlackContext,
  request: StartRequest,
  target: { name: string; environment: string; params: Record<string, string>; behindRunId: string | null },
  message: string,
): Promise<StartReply> {
  if (request.fromQueue) return { text: `${message} Your place in the queue is kept.` };
  const row = await enqueueStart(ctx.runDeps, {
    runbookName: target.name,
    environment: target.environment,
    channelId: request.channelId,
    starterId: request.userId,
    params: target.params,
    rehearsal: request.rehearsal,
    behindRunId: target.behindRunId,
    status: request.queue ? 'waiting' : 'proposed',
  });
  if (!request.queue) return buildLockedReply(`${message} Queue behind it, or wait and try again.`, row.id);
  if (target.behindRunId) ctx.kick(target.behindRunId);
  return { text: `${message}\n${queuedText(toQueuedStart(row), await positionOf(ctx.runDeps, row))}` };
}

/** Why a start would pass a cap on active runs (per person, per channel), or null. */
async function overLimit(ctx: SlackContext, request: StartRequest): Promise<string | null> {
  if (!ctx.limits) return null;
  const { activeRunsPerUser, activeRunsPerChannel } = ctx.limits;
  const mine = await ctx.runDeps.store.queries.activeCount({ starterId: request.userId });
  if (mine >= activeRunsPerUser)
    return `You already have ${mine} active run${mine === 1 ? '' : 's'}, the most one person may have at once (${activeRunsPerUser}). Finish or abort one first (\`/deploy status\` lists them); nothing was started.`;
  const here = await ctx.runDeps.store.queries.activeCount({ channelId: request.channelId });
  if (here >= activeRunsPerChannel)
    return `This channel already has ${here} active runs, the most one channel may have at once (${activeRunsPerChannel}). Finish or abort one first; nothing was started.`;
  return null;
}
