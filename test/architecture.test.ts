import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const depcruise = (target: string) =>
  spawnSync(process.execPath, ['node_modules/dependency-cruiser/bin/dependency-cruise.mjs', target, '--config', '.dependency-cruiser.cjs', '--output-type', 'err'], {
    cwd: root,
    encoding: 'utf8',
  });

it('src/ keeps the import rules (layers point down, no cycles, inversify only in app/, node:http/ws/express only in bindings)', () => {
  const run = depcruise('src');
  expect(run.stdout + run.stderr).toContain('no dependency violations found');
  expect(run.status).toBe(0);
});

it('a deliberate violation of each rule fails the check and names the rule', () => {
  const run = depcruise('test/fixtures/layers/src');
  const out = run.stdout + run.stderr;
  expect(run.status).not.toBe(0);
  expect(out).toMatch(/domain-imports-down-only: test\/fixtures\/layers\/src\/domain\/leak\.ts → test\/fixtures\/layers\/src\/infra\/setting\.ts/);
  expect(out).toMatch(/http-only-in-bindings: test\/fixtures\/layers\/src\/protocols\/demo\/core\.ts → http/);
  expect(out).toMatch(/inversify-only-in-app: test\/fixtures\/layers\/src\/runtime\/di\.ts/);
  expect(out).toMatch(/clients-imports-down-only: test\/fixtures\/layers\/src\/clients\/peek\.ts/);
  expect(out).toMatch(/no-circular: test\/fixtures\/layers\/src\/infra\/cycle-[ab]\.ts/);
  // What the rules allow is not reported.
  expect(out).not.toContain('demo/http.ts');
  expect(out).not.toContain('app/root.ts');
});
