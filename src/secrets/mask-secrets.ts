// Secrets pasted into what users type ("I ran it" output, parameters, reasons) are masked before they
// are stored, so they never reach the database, Slack or the report. Pure.
//
// Our own pattern list (no npm pattern set fitted: the maintained ones are scanners with their own
// file walkers and hundreds of rules): one test per pattern in test/secrets/mask-secrets.test.ts.

/** What replaces a secret value. */
export const MASK = '[masked]';

/** Words that make a key name a secret's ("DB_PASSWORD", "apiKey", "client-secret", "GITHUB_TOKEN"). */
const SECRET_WORDS = new Set([
  'password',
  'passwd',
  'pwd',
  'pass',
  'passphrase',
  'secret',
  'secrets',
  'token',
  'tokens',
  'key',
  'apikey',
  'credential',
  'credentials',
  'privatekey',
  'authorization',
]);

/** Is a key (a parameter name, an env name, a JSON or YAML key) named like a secret? */
export function isSecretName(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/);
  return (
    words.some((w) => SECRET_WORDS.has(w)) || SECRET_WORDS.has(name.toLowerCase().replace(/[^a-z]/g, ''))
  );
}

interface Pattern {
  name: string;
  re: RegExp;
  /** The replacement of one match (it may keep the parts that are not secret). */
  mask: (match: string, ...groups: string[]) => string;
}

const KEY_NAME = '[A-Za-z_][A-Za-z0-9_.-]{0,80}';

/** The patterns, in the order they apply (whole blocks and tokens first, then key = value pairs). */
export const SECRET_PATTERNS: readonly Pattern[] = [
  {
    name: 'private key block',
    re: /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g,
    mask: (_m, kind) => `-----BEGIN ${kind}PRIVATE KEY----- ${MASK} -----END ${kind}PRIVATE KEY-----`,
  },
  { name: 'Slack token', re: /\bxox[abposre]-[A-Za-z0-9-]{6,}/g, mask: () => MASK },
  { name: 'Slack app token', re: /\bxapp-[A-Za-z0-9-]{6,}/g, mask: () => MASK },
  {
    name: 'Slack webhook URL',
    re: /(https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/)[A-Za-z0-9/_-]+/g,
    mask: (_m, base) => `${base}${MASK}`,
  },
  { name: 'GitHub token', re: /\bgh[pousr]_[A-Za-z0-9]{30,}\b/g, mask: () => MASK },
  { name: 'GitHub fine-grained token', re: /\bgithub_pat_[A-Za-z0-9_]{40,}\b/g, mask: () => MASK },
  { name: 'AWS access key id', re: /\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/g, mask: () => MASK },
  {
    name: 'bearer or basic credentials',
    re: /\b(Bearer|Basic|Token)(\s+)[A-Za-z0-9\-._~+/]{8,}=*/gi,
    mask: (_m, scheme, space) => `${scheme}${space}${MASK}`,
  },
  {
    name: 'JSON web token',
    re: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
    mask: () => MASK,
  },
  {
    name: 'credentials in a URL',
    re: /\b([a-z][a-z0-9+.-]{1,20}:\/\/)([^\s:/@'"<>]*):([^\s@/'"<>]+)@/gi,
    mask: (_m, scheme, user) => `${scheme}${user}:${MASK}@`,
  },
  {
    name: 'quoted value of a secret-named key ("password": "…")',
    re: new RegExp(String.raw`(["']?)(${KEY_NAME})\1(\s*[:=]\s*)(["'])((?:(?!\4)[^\\\n]|\\.)*)\4`, 'g'),
    mask: (m, q, key, sep, quote, value) =>
      isSecretName(key) && value !== '' && value !== MASK ? `${q}${key}${q}${sep}${quote}${MASK}${quote}` : m,
  },
  {
    name: 'value of a secret-named key (PASSWORD=…, token: …)',
    re: new RegExp(String.raw`(?<![A-Za-z0-9_.-])(${KEY_NAME})([ \t]*[:=][ \t]*)(?!["'\s])([^\s,;&]+)`, 'g'),
    mask: (m, key, sep, value) =>
      isSecretName(key) && !value.includes(MASK) && !value.startsWith('//') ? `${key}${sep}${MASK}` : m,
  },
];

/** The text with its secrets masked, and how many values were. */
export function maskSecrets(text: string): { text: string; masked: number } {
  let masked = 0;
  let out = text;
  for (const { re, mask } of SECRET_PATTERNS) {
    out = out.replace(re, (...args) => {
      const match = args[0] as string;
      const groups = args.slice(1, -2).map((g) => (typeof g === 'string' ? g : '')) as string[];
      const replaced = mask(match, ...groups);
      if (replaced !== match) masked += 1;
      return replaced;
    });
  }
  return { text: out, masked };
}

/** Parameters with secret values masked: by their name, or by what their value looks like. */
export function maskParams(params: Record<string, string>): {
  params: Record<string, string>;
  masked: number;
} {
  let masked = 0;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) {
    if (isSecretName(key) && value !== '') {
      out[key] = MASK;
      masked += 1;
      continue;
    }
    const m = maskSecrets(value);
    out[key] = m.text;
    masked += m.masked;
  }
  return { params: out, masked };
}

/** "(2 values masked)" and the like, or '' for none. */
export function maskedNote(masked: number): string {
  if (masked === 0) return '';
  return `${masked} secret value${masked === 1 ? ' was' : 's were'} masked before being stored`;
}
