// Compiles src/ to dist/ (tsc: type-checked, one file per module), copies the non-TypeScript files the code reads at
// run time, then bundles the entry points over tsc's dist/app/main.js and dist/app/cli.js (scripts/bundle.mjs; issue 18:
// a cold start loading one bundle instead of ~1,100 modules). esbuild's plugins need its async API, hence a child process.
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
  execFileSync(process.execPath, [join(root, 'scripts', 'bundle.mjs')], { stdio: 'inherit' });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) build();
