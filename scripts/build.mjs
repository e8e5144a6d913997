// Compiles src/ to dist/ and copies the non-TypeScript files the code reads at run time.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const ASSETS = ['protocols/graphql/schema.graphql'];

export function build() {
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  for (const asset of ASSETS) {
    const to = join(root, 'dist', asset);
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(join(root, 'src', asset), to);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) build();
