// Bundles the command line and the parse process into a few ESM files in dist/bundle/ (run by
// `npm run build`, after tsc). Issue 17: `deploybot check` spent most of its start-up resolving and
// loading micromark's ~60 small modules, in itself and again in the parse process; one file each
// loads much faster. tsc still type-checks everything and builds the rest of dist/ (the bot, the
// playground, the benches); bin/deploybot runs dist/bundle/main.js when it is there.
//
// Left out of the bundle:
// - the playground (`./playground.js`): Bolt, PGlite (which reads its .wasm beside its own files)
//   and the web page, imported from tsc's dist/src/cli/ only when `deploybot playground` runs;
// - yaml and zod: loaded only for front matter or a directory file, from node_modules as before
//   (the front matter's loader requires them at run time, which a bundler does not see).
// Code the CLI imports lazily (the check, the in-process parser, the directory loader) stays lazy:
// each is a chunk of its own, loaded when it is first imported.
import { rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'bundle');
// The chunks' names carry a hash: old ones would pile up.
rmSync(outdir, { recursive: true, force: true });

/** `./playground.js` of src/cli/main.ts: tsc's compiled file, not bundled. */
const playgroundFromTsc = {
  name: 'playground-from-tsc',
  setup(b) {
    b.onResolve({ filter: /^\.\/playground\.js$/ }, () => ({
      path: relative(outdir, join(root, 'dist', 'src', 'cli', 'playground.js')).replaceAll('\\', '/'),
      external: true,
    }));
  },
};

await build({
  absWorkingDir: root,
  // parse-worker.js beside the chunks: the parser finds its process's entry next to its own file.
  entryPoints: { main: 'src/cli/main.ts', 'parse-worker': 'src/catalog/parse-worker.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  sourcemap: true,
  external: ['yaml', 'zod'],
  plugins: [playgroundFromTsc],
  logLevel: 'warning',
});
