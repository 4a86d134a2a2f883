// Spec "The summary: check --json": the whole object for one small runbook.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${KEY} placeholders are runbook syntax in these fixtures.
import { describe, expect, it } from 'vitest';
import { md, summarize } from './helpers.js';

const source = md(
  '# Payments release',
  '',
  '## 1. Pre-flight',
  '',
  '- [x] Announce in #releases',
  '- [ ] Check the error budget',
  '  - [ ] Confirm no open incident',
  '',
  '## 2. Deploy',
  '',
  '1. [ ] Build the image',
  '   ```bash',
  '   docker build -t api:${TAG:-latest} .',
  '   ```',
  '2. [ ] Push the image',
  '```bash',
  'docker push api:${TAG:-latest}',
  '```',
  '3. [ ] Deploy the canary',
  '4. [ ] Watch the canary dashboard for 10 minutes',
  '5. [ ] Promote to 100%',
  '',
  '```text',
  'deployment "api" successfully rolled out',
  '```',
  '',
  '- Note: this bullet is not a step',
  '',
  'Approved By (Release captain): ______',
  '',
  '## 3. Rollback',
  '',
  '1. Scale the canary to zero',
  '2. Redeploy the previous tag',
  '   ```bash',
  '   helm rollback api',
  '   ```',
  '3. Confirm the error rate is back to normal',
  '',
  '## Contacts',
  '',
  '- **DBA secondary**: Rafael Mendes (@rmendes), +55 11 5555 0190, rafael.mendes@example.com',
  '- **Release captain**: Ingrid Solberg, ingrid@example.com',
  '',
  '## Escalation',
  '',
  '1. Ingrid Solberg',
  '2. Rafael Mendes',
  '',
  '## Sign-off',
  '',
  '| Role | Name | Date |',
  '|------|------|------|',
  '| SRE | | |',
);

describe('summary: check --json', () => {
  it('gives every field of the spec for a runbook that uses every rule', () => {
    const { diagnostics, ...summary } = summarize(source, { fileName: 'payments.md' });
    expect(summary).toStrictEqual({
      title: 'Payments release',
      phases: ['1. Pre-flight', '2. Deploy', '3. Rollback', 'Contacts', 'Escalation', 'Sign-off'],
      stepCount: 11,
      rollbackSteps: 3,
      contacts: [
        {
          role: 'DBA secondary',
          name: 'Rafael Mendes',
          handle: '@rmendes',
          phone: '+55 11 5555 0190',
          email: 'rafael.mendes@example.com',
        },
        { role: 'Release captain', name: 'Ingrid Solberg', email: 'ingrid@example.com' },
      ],
      escalationOrder: ['Ingrid Solberg', 'Rafael Mendes'],
      approvals: ['Release captain', 'SRE'],
      waits: [{ step: 'Watch the canary dashboard for 10 minutes', minutes: 10 }],
      commands: 4,
      placeholders: ['TAG'],
    });
    expect(diagnostics).toEqual([]);
  });

  it('serialises to JSON without undefined fields', () => {
    const json = JSON.parse(JSON.stringify(summarize(source)));
    expect(json).toEqual(summarize(source));
    expect(Object.keys(json)).toEqual(
      expect.arrayContaining([
        'phases',
        'stepCount',
        'rollbackSteps',
        'contacts',
        'approvals',
        'waits',
        'commands',
      ]),
    );
  });

  it('leaves escalationOrder out when the runbook gives none', () => {
    const summary = summarize(md('# R', '## Deploy', '- [ ] Ship'));
    expect(Object.hasOwn(summary, 'escalationOrder')).toBe(false);
    expect(summary).toMatchObject({
      phases: ['Deploy'],
      stepCount: 1,
      rollbackSteps: 0,
      contacts: [],
      approvals: [],
      waits: [],
      commands: 0,
    });
  });
});
