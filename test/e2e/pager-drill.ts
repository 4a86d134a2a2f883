// The runbook the paging tests start: one deploy step, one rollback step, and a rollback that pages
// Sam Lead, then Mei Tanaka, two minutes apart.

/** Sam is found by email (users.lookupByEmail), Mei through the directory. */
const PAGER_CONTACTS: readonly string[] = [
  '- **SRE lead**: Sam Lead, +1 555 0150, sre.lead@example.com',
  '- **Platform lead**: Mei Tanaka (@mtanaka)',
];

/** The pager drill's Markdown, listing `contacts` (lines of its Contacts section). */
export function pagerDrill(contacts: readonly string[] = PAGER_CONTACTS): string {
  return `---
title: Pager drill
environment: staging
escalation:
  timeout_minutes: 2
---

# Pager drill

## Deploy

- [ ] Deploy the build

## Rollback

1. Revert the build

## Contacts

${contacts.join('\n')}

## Escalation

1. Sam Lead
2. Mei Tanaka
`;
}
