// The run report inside Slack messages, where it cannot go as a file: Markdown in code blocks,
// escaped so that nothing in it pings anyone, split over sections and messages within Slack's limits.
// Pure.
import type { KnownBlock } from '@slack/types';
import { context, section } from './elements.js';
import { escapeText } from './escape.js';
import { LIMITS, safeCut, splitMrkdwn } from './limits.js';
import type { MessageContent } from './run-view.js';

// A code block per section (its fences take 8 characters), three per message: well under the
// total text budget of a message, and a long report stays a few messages, not a flood.
const CHUNK = LIMITS.sectionText - 100;
const SECTIONS_PER_MESSAGE = 3;
const MAX_MESSAGES = 5;
const REPLY_MAX = 7_000;

/** What the messages are about. */
export interface ReportForSlack {
  title: string;
  fileName: string;
  markdown: string;
}

/** The report as thread messages; what does not fit in a few messages is left out, and they say so. */
export function buildReportMessages(report: ReportForSlack): MessageContent[] {
  const chunks = splitMrkdwn(inCode(report.markdown), CHUNK);
  const kept = chunks.slice(0, SECTIONS_PER_MESSAGE * MAX_MESSAGES);
  const groups: string[][] = [];
  for (let i = 0; i < kept.length; i += SECTIONS_PER_MESSAGE)
    groups.push(kept.slice(i, i + SECTIONS_PER_MESSAGE));
  const left = chunks.slice(kept.length).join('\n');
  const title = escapeText(report.title);
  return groups.map((group, i) => {
    const part = groups.length > 1 ? ` (part ${i + 1} of ${groups.length})` : '';
    const intro =
      i === 0
        ? `📄 *${title}*${part}\nSave it as \`${escapeText(report.fileName)}\` next to the runbook.`
        : `📄 *${title}*${part}`;
    const blocks: KnownBlock[] = [
      section(intro, `report:${i}:intro`),
      ...group.map((chunk, j) => section(`\`\`\`\n${chunk}\n\`\`\``, `report:${i}:${j}`)),
    ];
    if (left && i === groups.length - 1) {
      const lines = left.split('\n').length;
      blocks.push(
        context(
          `✂️ ${lines} more line${lines === 1 ? '' : 's'} did not fit in Slack messages. With the \`files:write\` scope the report is uploaded as a file instead.`,
          `report:${i}:cut`,
        ),
      );
    }
    return { text: `📄 ${title}${part}`, blocks };
  });
}

/** The report for a private answer: one code block, cut at a line with a note when it is too long. */
export function buildReportReply(markdown: string): string {
  const code = inCode(markdown);
  if (code.length <= REPLY_MAX) return `\`\`\`\n${code}\n\`\`\``;
  const hard = safeCut(code, REPLY_MAX);
  const line = code.lastIndexOf('\n', hard);
  const kept = code.slice(0, line > 0 ? line : hard);
  const more = code.slice(kept.length).replace(/^\n/, '').split('\n').length;
  return `\`\`\`\n${kept}\n\`\`\`\n_✂️ Cut here: ${more} more line${more === 1 ? '' : 's'}. Click *Report* on the run's message for the whole report._`;
}

/** Markdown for a ``` block: escaped, and a ``` inside kept from closing the block (a zero-width space). */
function inCode(markdown: string): string {
  return escapeText(markdown.trimEnd()).replace(/```/g, '`\u200b`\u200b`');
}
