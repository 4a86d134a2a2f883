// Puts a run report in the run's thread: as a Markdown file (Slack's external upload, through our
// writer), or, when Slack refuses the upload (no `files:write` scope, a workspace that blocks files),
// as messages with the Markdown in code blocks, so the report is never lost to a missing scope.
import type { Logger } from 'pino';
import { buildReportMessages, type ReportForSlack } from '../blocks/report-messages.js';
import type { SlackWriter } from './slack-writer.js';

/** Where the report goes. */
export interface ReportDestination {
  channel: string;
  /** The run's parent message; without it the report goes to the channel. */
  threadTs: string | null;
}

/** Shares the report; says how it went out. */
export async function shareReport(
  writer: SlackWriter,
  logger: Logger,
  report: ReportForSlack,
  to: ReportDestination,
): Promise<'file' | 'messages'> {
  try {
    await uploadFile(writer, report, to);
    return 'file';
  } catch (err) {
    logger.warn(
      { err, channel: to.channel },
      'could not upload the run report as a file; posting it as messages',
    );
  }
  for (const content of buildReportMessages(report))
    await writer.post(to.channel, content, to.threadTs ?? undefined);
  return 'messages';
}

/** `files.uploadV2` by hand: ask for an upload URL, send the bytes there, then share the file in the thread. */
async function uploadFile(writer: SlackWriter, report: ReportForSlack, to: ReportDestination): Promise<void> {
  const bytes = Buffer.from(report.markdown, 'utf8');
  const { upload_url: url, file_id: id } = await writer.files.uploadUrl({
    filename: report.fileName,
    length: bytes.length,
    snippet_type: 'markdown',
  });
  if (!url || !id) throw new Error('files.getUploadURLExternal gave no upload URL');
  const res = await fetch(url, {
    method: 'POST',
    body: bytes,
    headers: { 'content-type': 'text/markdown; charset=utf-8' },
    redirect: 'error',
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`the file upload answered HTTP ${res.status}`);
  await writer.files.complete({
    files: JSON.stringify([{ id, title: report.title }]),
    channel_id: to.channel,
    ...(to.threadTs ? { thread_ts: to.threadTs } : {}),
  });
}
