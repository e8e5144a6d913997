// `npm start`: compile when dist/ is missing or older than src/, then run the gateway.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from './build.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const entry = join(root, 'dist', 'app', 'main.js');

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

if (!existsSync(entry) || statSync(entry).mtimeMs < newest(join(root, 'src'))) {
  process.stdout.write('building polyface…\n');
  build();
}
await import(entry);
