/**
 * Runs every example in examples/ against a fresh gateway, as a reader of
 * the README would (ADMIN_PASSWORD=change-me, DEMO_PASSWORD=demo-password),
 * each on its own: `npx tsx scripts/examples.ts` (`.ci/run` calls it;
 * `--only node` runs just those that need nothing but Node). The gateway is
 * started with the `polyface` bin (`serve`), so this also runs the CLI the
 * way `npx polyface` does. test/examples.test.ts runs the Node ones in `npm test`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export type Needs = 'node' | 'curl' | 'python3-zeep';

export interface Example {
  readonly file: string;
  readonly command: readonly string[];
  readonly needs: Needs;
  /** Each must appear in the output. */
  readonly expect: readonly (string | RegExp)[];
}

const tsx = ['node', '--import', 'tsx'];

export const EXAMPLES: readonly Example[] = [
  { file: 'examples/rest/flow.sh', command: ['sh', 'examples/rest/flow.sh'], needs: 'curl', expect: ['"name":"Charlie"', '"version":2', /\n204\n$/] },
  { file: 'examples/rest/client.ts', command: [...tsx, 'examples/rest/client.ts'], needs: 'node', expect: ['revalidated with If-None-Match: 304', 'product: Laptop 50.00', 'missing user: 404 NOT_FOUND'] },
  { file: 'examples/graphql/nested-query.sh', command: ['sh', 'examples/graphql/nested-query.sh'], needs: 'curl', expect: ['"totalAmount":"101.00"'] },
  { file: 'examples/graphql/client.ts', command: [...tsx, 'examples/graphql/client.ts'], needs: 'node', expect: ["Alice's order 1: 1 × Laptop (50.00), 2 × Mouse (25.50) = 101.00", 'deleteProduct as Alice: FORBIDDEN'] },
  { file: 'examples/jsonrpc/batch.ts', command: [...tsx, 'examples/jsonrpc/batch.ts'], needs: 'node', expect: ['3 answers for 4 calls', 'missing: -32004 NOT_FOUND'] },
  { file: 'examples/jsonrpc/websocket.mjs', command: ['node', 'examples/jsonrpc/websocket.mjs'], needs: 'node', expect: ['Alice has 2 orders: #2 25.50, #1 101.00'] },
  {
    file: 'examples/soap/source-sample.soap12.xml',
    command: ['sh', '-c', 'curl -s -w "\\n" "$POLYFACE_URL/soap" -H "Content-Type: application/soap+xml; charset=utf-8" --data-binary @examples/soap/source-sample.soap12.xml'],
    needs: 'curl',
    expect: ['<name>Alice</name>'],
  },
  { file: 'examples/soap/zeep_client.py', command: ['/usr/bin/python3', 'examples/soap/zeep_client.py'], needs: 'python3-zeep', expect: ['(a datetime)', '= 101.00 (a Decimal)', 'fault soap:Client NOT_FOUND'] },
];

export const README_PASSWORDS = { ADMIN_PASSWORD: 'change-me', DEMO_PASSWORD: 'demo-password' };

const root = fileURLToPath(new URL('..', import.meta.url));

/** Runs one example against `url`; resolves with its output, rejects with what went wrong. */
export function runExample(example: Example, url: string, timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const [cmd, ...args] = example.command;
    const proc = spawn(cmd === 'node' ? process.execPath : cmd!, args, { cwd: root, env: { ...process.env, ...README_PASSWORDS, POLYFACE_URL: url }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    proc.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
    proc.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      const missing = example.expect.filter((e) => (typeof e === 'string' ? !output.includes(e) : !e.test(output)));
      if (code === 0 && !missing.length) resolve(output);
      else reject(new Error(`${example.file}: exit ${code}${missing.length ? `, missing ${missing.join(' | ')}` : ''}\n${output}`));
    });
  });
}

function available(needs: Needs): boolean {
  if (needs === 'node') return true;
  if (needs === 'curl') return spawnSync('curl', ['--version']).status === 0;
  return spawnSync('/usr/bin/python3', ['-c', 'import zeep']).status === 0;
}

/** The gateway as `npx polyface serve` starts it, on a free port with an in-memory database. */
function startGateway(): Promise<{ url: string; stop: () => void }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['bin/polyface.mjs', 'serve'], {
      cwd: root,
      env: { ...process.env, ...README_PASSWORDS, PORT: '0', GRPC_PORT: '0', HOST: '127.0.0.1', DATABASE_URL: ':memory:', LOG_FORMAT: 'json', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    // The first run may compile dist/ (bin/polyface.mjs does when it is stale).
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`the gateway did not start in 180 s: ${out}`));
    }, 180_000);
    let out = '';
    proc.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const url = /"url":"(http:\/\/[^"]+)"/.exec(out)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ url, stop: () => proc.kill('SIGTERM') });
      }
    });
    proc.once('exit', (code) => reject(new Error(`the gateway exited with ${code}: ${out}`)));
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const only = process.argv.includes('--only') ? (process.argv[process.argv.indexOf('--only') + 1] as Needs) : undefined;
  const chosen = EXAMPLES.filter((e) => !only || e.needs === only);
  const missing = [...new Set(chosen.map((e) => e.needs))].filter((n) => !available(n));
  if (missing.length) {
    process.stderr.write(`missing tools for examples: ${missing.join(', ')} (CI installs them; see .ci/run)\n`);
    process.exit(1);
  }
  const gateway = await startGateway();
  let failed = 0;
  for (const example of chosen) {
    try {
      await runExample(example, gateway.url);
      process.stdout.write(`ok      ${example.file}\n`);
    } catch (err) {
      failed++;
      process.stdout.write(`FAILED  ${(err as Error).message}\n`);
    }
  }
  gateway.stop();
  process.stdout.write(`examples: ${chosen.length - failed} passed, ${failed} failed\n`);
  process.exit(failed ? 1 : 0);
}
