// Thread notices: what the bot says in a run's thread when something happens. Pure.
import type { Runbook } from '../../runbook/index.js';
import type { Notice, RunState } from '../../runs/index.js';
import { escapeText as esc, mention as who } from './escape.js';
import { buildGateNotice, gatePositionOf } from './gate-notice.js';

/** The message for a notice, or null when the thread needs none. */
export function buildNotice(notice: Notice, runbook: Runbook, state: RunState): { text: string } | null {
  switch (notice.kind) {
    case 'wait_elapsed': {
      const step = runbook.steps.find((s) => s.id === notice.stepId);
      const minutes = step?.wait?.minutes ?? 0;
      return {
        text: `⏰ ${who(notice.startedBy)} the ${minutes}-minute wait of “${esc(step?.title ?? 'a step')}” is over.`,
      };
    }
    case 'gate_waiting': {
      // Said as the gate stands now (see gate-notice.ts): a notice posted late is not already stale.
      const position = gatePositionOf(runbook, notice.approvalIds);
      const now = position === null ? null : buildGateNotice(runbook, state, position);
      if (now) return now;
      const roles = notice.approvalIds.map((id) => runbook.approvals.find((a) => a.id === id)?.role ?? id);
      return { text: `🔒 Waiting for approval: ${roles.map(esc).join(', ')}.` };
    }
    case 'rollback_started':
      return {
        text: `🔴 ${who(notice.by)} started the rollback${notice.reason ? `: ${esc(notice.reason)}` : ''}. The rollback steps are now the current steps.`,
      };
    case 'phone_contacts':
      return {
        text: `☎️ Not reachable in Slack, call them: ${notice.contacts.map((c) => `${esc(c.label)}${c.phone ? ` ${esc(c.phone)}` : ''}`).join('; ')}`,
      };
    case 'escalation_acknowledged':
      return { text: `✅ ${who(notice.by)} acknowledged the page and is on it.` };
    case 'escalation_exhausted':
      return {
        text: `⚠️ Nobody acknowledged the page after ${notice.rounds} round${notice.rounds === 1 ? '' : 's'} of escalation.`,
      };
    case 'owner_reassigned': {
      const phase = runbook.phases.find((p) => p.id === notice.targetId);
      const step = runbook.steps.find((s) => s.id === notice.targetId);
      const what = phase ? `*${esc(phase.title)}*` : `“${esc(step?.title ?? 'a step')}”`;
      return { text: `👤 ${who(notice.ownerId)} now owns ${what} (reassigned by ${who(notice.by)}).` };
    }
    case 'run_finished': {
      const words: Record<string, string> = {
        completed: '✅ Run completed.',
        rolled_back: '↩️ Rollback finished.',
        aborted: '⛔ Run aborted.',
      };
      const reason =
        notice.status === 'aborted' && state.abort?.reason ? ` Reason: ${esc(state.abort.reason)}` : '';
      return { text: `${words[notice.status] ?? `Run ${notice.status}.`}${reason}` };
    }
  }
}
