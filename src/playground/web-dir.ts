// Where the page's static files are: src/playground/web/ in the repository, whether this code runs
// from src/ (tests, tsx) or from dist/src/ (npm start).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

function find(): URL {
  let dir = new URL('./', import.meta.url);
  for (let i = 0; i < 6; i++) {
    if (existsSync(fileURLToPath(new URL('package.json', dir)))) return new URL('src/playground/web/', dir);
    dir = new URL('../', dir);
  }
  throw new Error('playground: cannot find the repository (package.json) above this module');
}

/** The folder of index.html, app.js, blockkit.js and style.css, as a file URL ending in `/`. */
export const WEB_DIR: URL = find();
