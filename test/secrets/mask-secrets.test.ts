// One case per pattern of src/secrets/mask-secrets.ts, and what must stay as it is.
import { describe, expect, it } from 'vitest';
import {
  isSecretName,
  MASK,
  maskParams,
  maskSecrets,
  SECRET_PATTERNS,
} from '../../src/secrets/mask-secrets.js';

const PEM = [
  '-----BEGIN RSA PRIVATE KEY-----',
  'MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun',
  '-----END RSA PRIVATE KEY-----',
].join('\n');

/** Pattern name → [input, what must be gone, what must stay]. */
const CASES: Record<string, [string, string, string]> = {
  'private key block': [`key:\n${PEM}\ndone`, 'MIIEowIBAAKCAQEAu1SU1', 'done'],
  'Slack token': ['token was xoxb-123456789012-abcdefABCDEF ok', 'xoxb-1234', 'ok'],
  'Slack app token': ['xapp-1-A0123-456-abcdef0123 in env', 'xapp-1-A0123', 'in env'],
  'Slack webhook URL': [
    'posted to https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXX',
    'XXXXXXXXXXXXXXXX',
    'https://hooks.slack.com/services/',
  ],
  'GitHub token': ['clone with ghp_0123456789abcdefghijABCDEFGHIJ012345', 'ghp_0123', 'clone with'],
  'GitHub fine-grained token': [`use github_pat_${'A1b2C3d4E5'.repeat(6)}`, 'github_pat_A1b2', 'use'],
  'AWS access key id': ['aws id AKIAIOSFODNN7EXAMPLE set', 'AKIAIOSFODNN7EXAMPLE', 'set'],
  'bearer or basic credentials': [
    'curl -H "Authorization: Bearer abc.DEF-123_456~xyz" https://api',
    'abc.DEF-123_456',
    'https://api',
  ],
  'JSON web token': [
    'jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
    'dozjgNryP4J3',
    'jwt',
  ],
  'credentials in a URL': [
    'DATABASE=postgres://app:s3cr3t-pw@db.internal:5432/app',
    's3cr3t-pw',
    'postgres://app:',
  ],
  'quoted value of a secret-named key ("password": "…")': [
    '{"user": "app", "password": "hunter2 with spaces"}',
    'hunter2',
    '"user": "app"',
  ],
  'value of a secret-named key (PASSWORD=…, token: …)': [
    'DB_PASSWORD=hunter2\napi_key: k-123\nclientSecret=abc VERSION=1.4.2',
    'hunter2',
    'VERSION=1.4.2',
  ],
};

describe('maskSecrets', () => {
  it('has a case for every pattern', () => {
    expect(Object.keys(CASES).sort()).toEqual(SECRET_PATTERNS.map((p) => p.name).sort());
  });

  for (const [name, [input, gone, stays]] of Object.entries(CASES)) {
    it(`masks a ${name}`, () => {
      const { text, masked } = maskSecrets(input);
      expect(text).not.toContain(gone);
      expect(text).toContain(stays);
      expect(text).toContain(MASK);
      expect(masked).toBeGreaterThanOrEqual(1);
    });
  }

  it('counts each masked value once', () => {
    expect(maskSecrets('DB_PASSWORD=hunter2\napi_key: k-123\nclientSecret=abc').masked).toBe(3);
    expect(maskSecrets(`${PEM}`).masked).toBe(1);
  });

  it('leaves ordinary output alone', () => {
    const plain = [
      'deployment.apps/payments-api image updated',
      'rollout status: 3 of 3 updated replicas are available',
      'version=1.4.2 env=production keys=3 monkey=banana',
      'see https://example.com/docs and postgres://db.internal:5432/app',
      'password: (none set)',
    ].join('\n');
    // "password: (none set)" names a secret key, so its value goes: the rest stays.
    const { text } = maskSecrets(plain);
    expect(text.split('\n').slice(0, 4)).toEqual(plain.split('\n').slice(0, 4));
  });

  it('is idempotent', () => {
    const once = maskSecrets('DB_PASSWORD=hunter2 Bearer abcdefghijkl').text;
    expect(maskSecrets(once)).toEqual({ text: once, masked: 0 });
  });
});

describe('isSecretName', () => {
  it('knows passwords, secrets, tokens and keys in any case style', () => {
    for (const name of [
      'DB_PASSWORD',
      'apiKey',
      'client-secret',
      'GITHUB_TOKEN',
      'pwd',
      'ssh.key',
      'Passphrase',
    ])
      expect(isSecretName(name), name).toBe(true);
    for (const name of ['version', 'env', 'keys_count', 'monkey', 'tokenizer_version'])
      expect(isSecretName(name), name).toBe(false);
  });
});

describe('maskParams', () => {
  it('masks by name and by value, and counts', () => {
    expect(
      maskParams({ version: '1.4.2', DB_PASSWORD: 'hunter2', note: 'token xoxb-123456789012-abcdef' }),
    ).toEqual({
      params: { version: '1.4.2', DB_PASSWORD: MASK, note: `token ${MASK}` },
      masked: 2,
    });
  });
});
