// The fake Slack Web API lives in src/fake-slack/ (the playground runs on it too); tests import it from here.
export * from '../../src/fake-slack/fake-slack.js';
