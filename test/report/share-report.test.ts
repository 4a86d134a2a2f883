import { WebClient } from '@slack/web-api';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildReportMessages, buildReportReply } from '../../src/slack/blocks/report-messages.js';
import { shareReport } from '../../src/slack/outbound/share-report.js';
import {
  createSlackWriter,
  DEFAULT_TIMING,
  type SlackWriter,
} from '../../src/slack/outbound/slack-writer.js';
import { createFakeSlack, type FakeSlack } from '../support/fake-slack.js';

const logger = pino({ level: 'silent' });
const REPORT = {
  title: 'Run report: Payments <!channel> rollout (2026-01-05, run 1a2b3c4d)',
  fileName: 'payments.run-2026-01-05-1a2b3c4d.md',
  markdown: '# Payments\n\n- [x] Tell <!channel> — ✅ done by @U0BOB\n\n```bash\nmake deploy\n```\n',
};

describe('sharing a run report', () => {
  let slack: FakeSlack;
  let writer: SlackWriter;
  beforeEach(async () => {
    slack = await createFakeSlack();
    const client = new WebClient('xoxb-test', { slackApiUrl: slack.url, retryConfig: { retries: 0 } });
    writer = createSlackWriter(client, logger, { ...DEFAULT_TIMING, postIntervalMs: 1, maxAttempts: 1 });
  });
  afterEach(async () => {
    await slack.close();
  });

  it('uploads it as a Markdown file and shares it in the thread (files.uploadV2, step by step)', async () => {
    const how = await shareReport(writer, logger, REPORT, { channel: 'C1', threadTs: '1700.0001' });
    expect(how).toBe('file');
    expect(slack.callsTo('files.getUploadURLExternal').map((c) => c.body)).toEqual([
      {
        filename: REPORT.fileName,
        length: String(Buffer.byteLength(REPORT.markdown)),
        snippet_type: 'markdown',
      },
    ]);
    const [file] = [...slack.files.values()];
    // The file is the report byte for byte: nothing escaped, nothing cut.
    expect(file?.bytes).toBe(REPORT.markdown);
    expect(file?.shared).toMatchObject({
      files: JSON.stringify([{ id: 'F1', title: REPORT.title }]),
      channel_id: 'C1',
      thread_ts: '1700.0001',
    });
    expect(slack.callsTo('chat.postMessage')).toEqual([]);
  });

  it('posts it in the thread as code blocks when Slack refuses the upload', async () => {
    const parent = await writer.post('C1', { text: 'the run' });
    slack.failNext('files.getUploadURLExternal', { error: 'missing_scope' });
    const how = await shareReport(writer, logger, REPORT, { channel: 'C1', threadTs: parent.ts });
    expect(how).toBe('messages');
    const posts = slack.thread('C1', parent.ts);
    expect(posts).toHaveLength(1);
    const text = JSON.stringify({ text: posts[0]?.text, blocks: posts[0]?.blocks });
    expect(text).not.toContain('<!channel>');
    expect(text).toContain('&lt;!channel&gt;');
    // A fence inside the report cannot close the code block around it.
    expect(text).toContain('`\u200b`\u200b`bash');
  });

  it('a long report: several messages within Slack limits, and a note when the rest does not fit', () => {
    const line = (i: number) => `- [x] Step ${i} — ✅ done by @U0BOB at 2026-01-05 14:02 UTC & more text`;
    const long = Array.from({ length: 1_000 }, (_, i) => line(i)).join('\n');
    const messages = buildReportMessages({ ...REPORT, markdown: long });
    expect(messages).toHaveLength(5);
    for (const m of messages) {
      const sections = (m.blocks ?? []) as { text?: { text: string }; elements?: { text: string }[] }[];
      expect(sections.length).toBeLessThanOrEqual(50);
      for (const s of sections) expect((s.text?.text ?? '').length).toBeLessThanOrEqual(3_000);
      const total = sections.reduce((n, s) => n + (s.text?.text ?? s.elements?.[0]?.text ?? '').length, 0);
      expect(total).toBeLessThanOrEqual(10_000);
      expect(m.text).toMatch(/^📄 Run report: Payments &lt;!channel&gt; rollout .* \(part \d of 5\)$/);
    }
    expect(JSON.stringify(messages.at(-1))).toMatch(/✂️ \d+ more lines did not fit in Slack messages/);
    // Lines are never cut in the middle, nor an `&amp;` in two.
    const code = messages
      .flatMap((m) => (m.blocks ?? []) as { text?: { text: string } }[])
      .map((b) => b.text?.text ?? '');
    for (const c of code.filter((t) => t.startsWith('```')))
      expect(c).toMatch(/^```\n- \[x\] Step \d+[\s\S]*more text\n```$/);
  });

  it('the private answer keeps whole lines and says where it was cut', () => {
    expect(buildReportReply('# Short\n')).toBe('```\n# Short\n```');
    const long = Array.from({ length: 400 }, (_, i) => `line ${i} of the report`).join('\n');
    const reply = buildReportReply(long);
    expect(reply.length).toBeLessThan(7_200);
    expect(reply).toMatch(
      /\nline \d+ of the report\n```\n_✂️ Cut here: \d+ more lines\. Click \*Report\* on the run's message for the whole report\._$/,
    );
  });
});
