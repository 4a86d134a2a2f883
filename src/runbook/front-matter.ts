// The YAML front matter: optional settings a runbook author can give.
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import type * as Zod from 'zod';
import type { FrontMatter } from './model.js';

// YAML and zod are loaded the first time a runbook has front matter, not with the parser: together
// they cost ~190 ms of CPU to load, more than micromark, and most runbooks have none (`deploybot
// check` of a one-step runbook spent them for nothing). Loading a library is not I/O the parser does.
let loaded: { parseDocument: typeof Yaml.parseDocument; schema: ReturnType<typeof buildSchema> } | null =
  null;

function load(): NonNullable<typeof loaded> {
  if (!loaded) {
    const require = createRequire(import.meta.url);
    const { parseDocument } = require('yaml') as typeof Yaml;
    const { z } = require('zod') as typeof Zod;
    loaded = { parseDocument, schema: buildSchema(z) };
  }
  return loaded;
}

function buildSchema(z: typeof Zod.z) {
  const scalar = z.union([z.string(), z.number(), z.boolean()]).transform(String);
  const quorum = z.union([
    z.number().int().min(1),
    z.object({ required: z.number().int().min(1) }).transform((o) => o.required),
  ]);
  // Whole minutes, as the escalation's timeout is stored.
  const wholeMinutes = z
    .number({ error: 'must be a whole number of minutes from 1 to 1440' })
    .int({ error: 'must be a whole number of minutes from 1 to 1440' })
    .min(1, { error: 'must be a whole number of minutes from 1 to 1440' })
    .max(1440, { error: 'must be a whole number of minutes from 1 to 1440' });
  return z
    .object({
      title: z.string().optional(),
      environment: z.string().optional(),
      params: z.record(z.string(), scalar.nullable()).optional(),
      parameters: z.record(z.string(), scalar.nullable()).optional(),
      approvals: z.record(z.string(), quorum).optional(),
      escalation: z
        .object({
          timeout_minutes: wholeMinutes.optional(),
          timeoutMinutes: wholeMinutes.optional(),
        })
        .loose()
        .optional(),
    })
    .loose();
}

/** An empty front matter, for runbooks that have none. */
export const EMPTY_FRONT_MATTER: FrontMatter = {
  data: null,
  params: {},
  quorum: {},
  escalationTimeoutMinutes: null,
  environment: null,
};

/** Reads the front matter YAML; problems come back as messages, never as exceptions. */
export function readFrontMatter(yaml: string): { frontMatter: FrontMatter; problems: string[] } {
  // parseDocument reports problems on the document instead of printing Node warnings: the parser
  // is pure and says what is wrong as diagnostics.
  const { parseDocument, schema } = load();
  const doc = parseDocument(yaml, { prettyErrors: false, uniqueKeys: true, logLevel: 'silent' });
  if (doc.errors.length) {
    return {
      frontMatter: EMPTY_FRONT_MATTER,
      problems: [`front matter is not valid YAML: ${firstLine(doc.errors[0])}`],
    };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    return {
      frontMatter: EMPTY_FRONT_MATTER,
      problems: [`front matter is not valid YAML: ${firstLine(error)}`],
    };
  }
  const warnings = doc.warnings.map((w) => `front matter: ${firstLine(w)}`);
  if (data === null || data === undefined) return { frontMatter: EMPTY_FRONT_MATTER, problems: warnings };
  if (typeof data !== 'object' || Array.isArray(data)) {
    return {
      frontMatter: EMPTY_FRONT_MATTER,
      problems: ['front matter must be a mapping of keys to values'],
    };
  }
  const result = schema.safeParse(data);
  if (!result.success) {
    const problems = result.error.issues.map(
      (i) => `front matter ${i.path.join('.') || '(root)'}: ${i.message}`,
    );
    return { frontMatter: { ...EMPTY_FRONT_MATTER, data: data as Record<string, unknown> }, problems };
  }
  const fm = result.data;
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...fm.parameters, ...fm.params })) if (v !== null) params[k] = v;
  return {
    frontMatter: {
      data: data as Record<string, unknown>,
      params,
      quorum: fm.approvals ?? {},
      escalationTimeoutMinutes: fm.escalation?.timeout_minutes ?? fm.escalation?.timeoutMinutes ?? null,
      environment: fm.environment ?? null,
    },
    problems: warnings,
  };
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}
