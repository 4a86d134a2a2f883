// What the walk finds, before ids are given and diagnostics are written (see parse.ts).
import type { Code, ListItem } from 'mdast';
import type { Contact } from '../model.js';
import type { SectionFlags } from '../sections.js';

/** A phase as the walk finds it. */
export interface RawPhase {
  title: string;
  level: number;
  flags: SectionFlags;
  implicit: boolean;
  line: number;
}

/** A step as the walk finds it, before ids are given. */
export interface RawStep {
  item: ListItem;
  phase: number;
  parent: RawStep | null;
  depth: number;
  title: string;
  text: string;
  waitText: string;
  markdown: string;
  markdownLine: number;
  checked: boolean;
  commands: Code[];
  line: number;
}

/** A contact, escalation entry or approval slot as the walk finds it. */
export interface RawContact {
  contact: Omit<Contact, 'line'>;
  text: string;
  line: number;
  column: number;
  /** Written as "Role: someone" or as a table row: it is meant as a contact. */
  structured: boolean;
}

/** A sign-off slot as the walk finds it. */
export interface RawApproval {
  role: string;
  label: string;
  source: 'blank' | 'table' | 'checkbox';
  phase: number | null;
  stepsBefore: number;
  line: number;
  column: number;
}

/** Everything one walk over the tree finds. */
export interface WalkResult {
  phases: RawPhase[];
  steps: RawStep[];
  contacts: RawContact[];
  escalation: RawContact[][];
  approvals: RawApproval[];
  /** Fences never closed; `atRoot` when the fence is at the top level (it then runs to the end of the document). */
  unclosedFences: { node: Code; atRoot: boolean; marker: string }[];
}
