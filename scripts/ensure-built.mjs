// Compiles src/ to dist/ when dist/ is missing or older than src/ (npm start and the polyface CLI both run from dist/).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from './build.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/** Returns the absolute path of dist/<relative>, building first when needed. Build output goes to stderr. */
export function ensureBuilt(relative) {
  const entry = join(root, 'dist', relative);
  if (!existsSync(entry) || statSync(entry).mtimeMs < newest(join(root, 'src'))) {
    process.stderr.write('building polyface…\n');
    build();
  }
  return entry;
}
