// The Node.js deploybot is built for. Imported first by src/main.ts (before any other module runs), so
// an older Node prints one clear line instead of failing later inside a dependency.

/** The oldest Node.js major deploybot supports (the active LTS). */
export const MIN_NODE_MAJOR = 24;

/** The one line to print when `version` (as `process.versions.node`) is too old; null when it is fine. */
export function nodeVersionProblem(version: string): string | null {
  const major = Number.parseInt(version.split('.')[0] ?? '', 10);
  if (Number.isInteger(major) && major >= MIN_NODE_MAJOR) return null;
  return `deploybot: needs Node.js ${MIN_NODE_MAJOR} or newer, found ${version}: run it with \`npm start\` (which brings Node ${MIN_NODE_MAJOR} itself) or install Node ${MIN_NODE_MAJOR} LTS`;
}
