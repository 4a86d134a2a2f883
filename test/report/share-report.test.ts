import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { buildReportMessages, buildReportReply } from '../../src/slack/blocks/report-messages.js';
import { shareReport } from '../../src/slack/outbound/share-report.js';
import type { SlackWriter } from '../../src/slack/outbound/slack-writer.js';

const logger = pino({ level: 'silent' });
const REPORT = {
  title: 'Run report: Payments <!channel> rollout (2026-01-05, run 1a2b3c4d)',
  fileName: 'payments.run-2026-01-05-1a2b3c4d.md',
  markdown: '# Payments\n\n- [x] Tell <!channel> — ✅ done by @U0BOB\n\n```bash\nmake deploy\n```\n',
};

/** A writer that records calls and posts, answering `call` with `answer`. */
function stubWriter(answer: (method: string) => unknown) {
  const calls: { method: string; args: Record<string, unknown> }[] = [];
  const posts: { channel: string; content: { text: string; blocks?: unknown[] }; threadTs?: string }[] = [];
  const writer = {
    call: async (method: string, args: Record<string, unknown>) => {
      calls.push({ method, args });
      return answer(method);
    },
    post: async (channel: string, content: { text: string; blocks?: unknown[] }, threadTs?: string) => {
      posts.push({ channel, content, ...(threadTs ? { threadTs } : {}) });
      return { channel, ts: '1.2' };
    },
  } as unknown as SlackWriter;
  return { writer, calls, posts };
}

describe('sharing a run report', () => {
  const servers: ReturnType<typeof createServer>[] = [];
  afterEach(async () => {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    servers.length = 0;
  });

  it('uploads it as a Markdown file and shares it in the thread (files.uploadV2, step by step)', async () => {
    const uploaded: string[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        uploaded.push(Buffer.concat(chunks).toString('utf8'));
        res.writeHead(200).end('OK');
      });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/upload/F1`;
    const { writer, calls, posts } = stubWriter((method) =>
      method === 'files.getUploadURLExternal' ? { ok: true, upload_url: url, file_id: 'F1' } : { ok: true },
    );
    const how = await shareReport(writer, logger, REPORT, { channel: 'C1', threadTs: '1700.0001' });
    expect(how).toBe('file');
    expect(calls).toEqual([
      {
        method: 'files.getUploadURLExternal',
        args: {
          filename: REPORT.fileName,
          length: Buffer.byteLength(REPORT.markdown),
          snippet_type: 'markdown',
        },
      },
      {
        method: 'files.completeUploadExternal',
        args: {
          files: JSON.stringify([{ id: 'F1', title: REPORT.title }]),
          channel_id: 'C1',
          thread_ts: '1700.0001',
        },
      },
    ]);
    // The file is the report byte for byte: nothing escaped, nothing cut.
    expect(uploaded).toEqual([REPORT.markdown]);
    expect(posts).toEqual([]);
  });

  it('posts it in the thread as code blocks when Slack refuses the upload', async () => {
    const { writer, posts } = stubWriter(() => {
      throw Object.assign(new Error('An API error occurred: missing_scope'), {
        data: { error: 'missing_scope' },
      });
    });
    const how = await shareReport(writer, logger, REPORT, { channel: 'C1', threadTs: '1700.0001' });
    expect(how).toBe('messages');
    expect(posts).toHaveLength(1);
    expect(posts[0]?.threadTs).toBe('1700.0001');
    const text = JSON.stringify(posts[0]?.content);
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
