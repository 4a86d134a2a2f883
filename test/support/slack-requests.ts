// Signed Slack-shaped requests live in src/fake-slack/ (the playground sends them too); tests import them from here.
export * from '../../src/fake-slack/slack-requests.js';
