import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

/** The ```js block of the README's JSON-RPC section. */
function readmeSnippet(): string {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.split(/^## /m).find((s) => s.startsWith('JSON-RPC 2.0\n'))!;
  const block = /```js\n([\s\S]*?)```/.exec(section)![1]!;
  return block.replace(/^ {2}/gm, '');
}

describe("the README's WebSocket snippet", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(() => s.close());

  it('runs as written under this Node (ws, not a global WebSocket), prints Alice\'s orders and exits by itself', async () => {
    const code = readmeSnippet().replace('ws://127.0.0.1:3000', s.url.replace('http', 'ws'));
    expect(code).toContain("import WebSocket from 'ws';");
    // A script that never closed its socket would hang here until the timeout kills it.
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', code], { cwd: root, timeout: 15_000 });
    expect(stdout).toContain('totalAmount');
    expect(stdout).toContain('101.00');
  });
});
