// The runbook model: what the parser reads out of a Markdown checklist.
// This file is the format's contract (see ../shared/spec/runbook-format.md); every exported
// type carries one line of JSDoc saying what it means.

/** A position in the source file, 1-based like an editor shows it. */
export interface SourcePoint {
  /** 1-based line number. */
  line: number;
  /** 1-based column number. */
  column: number;
}

/** How serious a diagnostic is: errors make `deploybot check` fail. */
export type Severity = 'error' | 'warning' | 'info';

/** Something a runbook author should fix, with where it is. */
export interface Diagnostic extends SourcePoint {
  /** How serious it is. */
  severity: Severity;
  /** Stable dotted code, e.g. `runbook.no_steps`. */
  code: DiagnosticCode;
  /** A sentence a runbook author understands. */
  message: string;
}

/** Every diagnostic the parser can report. */
export type DiagnosticCode =
  | 'runbook.no_steps'
  | 'runbook.no_rollback'
  | 'runbook.rollback_without_steps'
  | 'runbook.contact_unreachable'
  | 'runbook.escalation_unknown'
  | 'runbook.approval_unmapped'
  | 'runbook.placeholder_no_default'
  | 'runbook.front_matter_invalid'
  | 'runbook.unclosed_fence'
  | 'runbook.wait_without_duration';

/** A fenced code block attached to a step: something to run, or output to expect. */
export interface Command {
  /** The info string's first word (`bash`, `sql`), or null when the fence has none. */
  language: string | null;
  /** The code, with line endings normalised to `\n`. */
  code: string;
  /** Line of the opening fence. */
  line: number;
}

/** A timed wait a step asks for ("watch the canary for 10 minutes"). */
export interface Wait {
  /** Duration in minutes (`90 s` is 1.5). */
  minutes: number;
  /** The words the duration was read from, as written. */
  phrase: string;
}

/** One thing a person does and ticks off. */
export interface Step {
  /** Stable id: the same file content always gives the same ids. */
  id: string;
  /** Index of the phase it belongs to, in `Runbook.phases`. */
  phaseIndex: number;
  /** First line of the item, Markdown markup removed. */
  title: string;
  /** The item's own text (first line and continuation paragraphs), markup removed; nested items excluded. */
  text: string;
  /** The item's own text as Markdown source, for rendering. */
  markdown: string;
  /** Line where that text starts (the item's line, or the next when the box stands alone). */
  markdownLine: number;
  /** 0 for a top-level step, 1 for a step nested under another step, and so on. */
  depth: number;
  /** Id of the enclosing step, or null. */
  parentId: string | null;
  /** True when the source already had the box ticked (`[x]`). */
  checked: boolean;
  /** Fenced code blocks that belong to the step. */
  commands: Command[];
  /** The wait it asks for, or null. */
  wait: Wait | null;
  /** True when it sits in a rollback phase. */
  rollback: boolean;
  /** Where the item starts. */
  line: number;
}

/** A section of the runbook: a heading (or a bold pseudo-heading) and its steps. */
export interface Phase {
  /** Stable id derived from the heading text and its position among equal headings. */
  id: string;
  /** Heading text with its `#` marks and surrounding white space removed, nothing else changed. */
  title: string;
  /** Heading level (1–6); bold pseudo-headings count as 2. */
  level: number;
  /** True when this phase or a section containing it is a rollback section. */
  rollback: boolean;
  /** True for the phase made up for steps that come before any heading; not listed in summaries. */
  implicit: boolean;
  /** Ids of the steps in it, in document order. */
  stepIds: string[];
  /** Line of the heading. */
  line: number;
}

/** Someone to reach in an emergency; fields appear only when the runbook gives them. */
export interface Contact {
  /** What they are (`DBA secondary`, `On-call`). */
  role?: string;
  /** Who they are. */
  name?: string;
  /** Phone number as written. */
  phone?: string;
  /** Email address. */
  email?: string;
  /** Slack handle (`@rmendes`) or mention (`<@U123>`). */
  handle?: string;
  /** Where the contact is first listed. */
  line: number;
}

/** Where a sign-off slot came from. */
export type ApprovalSource = 'blank' | 'table' | 'checkbox';

/** One sign-off slot: a gate that the named role must pass. */
export interface Approval {
  /** Stable id. */
  id: string;
  /** The role that must approve (`SRE`, `Approved By`). */
  role: string;
  /** The slot's text as written, markup removed. */
  label: string;
  /** How the slot was written. */
  source: ApprovalSource;
  /** Phase the slot sits in (index into `Runbook.phases`), or null before any phase. */
  phaseIndex: number | null;
  /** How many non-rollback steps come before the slot in document order: the gate's position. */
  stepsBefore: number;
  /** Approvals this slot needs (quorum), from front matter; 1 by default. */
  required: number;
  /** Where the slot is. */
  line: number;
}

/** A `${KEY}` placeholder used in step text or commands. */
export interface Placeholder {
  /** The key between `${` and `}`. */
  key: string;
  /** Default from `${KEY:-default}` or front matter `params`, or null. */
  defaultValue: string | null;
  /** First line it is used on. */
  line: number;
}

/** Settings a runbook may give in its YAML front matter. */
export interface FrontMatter {
  /** The raw front matter as parsed YAML (an object), or null when absent or invalid. */
  data: Record<string, unknown> | null;
  /** Parameter defaults (`params:` or `parameters:`). */
  params: Record<string, string>;
  /** Required approvals per role (`approvals: { SRE: 2 }`). */
  quorum: Record<string, number>;
  /** Escalation acknowledgement timeout in minutes, when set. */
  escalationTimeoutMinutes: number | null;
  /** Environment the runbook deploys to, when set. */
  environment: string | null;
}

/** Who a phase or step belongs to, as the runbook names them. */
export interface Owner {
  /** What is owned. */
  target: 'phase' | 'step';
  /** Id of the phase or step. */
  id: string;
  /** The person or role as written (`@rmendes`, `Ingrid Solberg`, `SRE`). */
  who: string;
  /** Where it was written: the front matter's `owners` map, the heading, or the step's item. */
  source: 'front_matter' | 'heading' | 'item';
  /** Line of the heading or item. */
  line: number;
}

/** A parsed runbook. */
export interface Runbook {
  /** Front matter `title`, else the first heading when it is an H1, else the file name. */
  title: string;
  /** Settings from the front matter. */
  frontMatter: FrontMatter;
  /** Sections in document order (one flat list). */
  phases: Phase[];
  /** Steps in document order, rollback steps included. */
  steps: Step[];
  /** Distinct people or roles to reach. */
  contacts: Contact[];
  /** Names (or roles) in the order the runbook says to escalate, or null when it gives none. */
  escalationOrder: string[] | null;
  /** Sign-off slots in document order. */
  approvals: Approval[];
  /** Placeholders the runbook uses. */
  placeholders: Placeholder[];
  /** Owners of phases and steps (absent in run snapshots stored before owners existed). */
  owners?: Owner[];
  /** What an author should fix. */
  diagnostics: Diagnostic[];
}

/** What the parser needs besides the text. */
export interface ParseOptions {
  /** File name, used as the title when there is no H1. */
  fileName?: string;
  /** Role names the directory maps to Slack; when given, unmapped approval roles are reported. */
  knownRoles?: readonly string[];
}
