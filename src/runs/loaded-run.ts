// A run as the store hands it out: its fixed facts, its state and the runbook it follows.
import type { Runbook } from '../runbook/index.js';
import type { RunState } from './model.js';

/** Where a run lives in Slack and which runbook it follows; fixed at start. */
export interface RunMeta {
  id: string;
  snapshotId: string;
  runbookName: string;
  channelId: string;
}

/** A run as loaded: its fixed facts, its state and its pinned runbook. */
export interface LoadedRun {
  meta: RunMeta;
  state: RunState;
  runbook: Runbook;
  /** The pinned runbook file's content hash and git commit (shown on the parent message). */
  snapshot: SnapshotInfo;
  version: number;
  /** True when the idempotency key asked about is already in the audit trail. */
  seenKey: boolean;
}

/** Which version of the runbook file a snapshot holds. */
export interface SnapshotInfo {
  contentHash: string;
  gitCommit: string | null;
}

/** A run as lists show it. */
export interface RunListing {
  id: string;
  runbookName: string;
  environment: string;
  channelId: string;
  starterId: string;
  status: string;
  startedAt: string;
  finishedAt: string | null;
  parentTs: string | null;
}

/** The id people see for a run. */
export function shortId(runId: string): string {
  return runId.slice(0, 8);
}
