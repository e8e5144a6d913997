import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Starts the real entry point, waits for it to listen, stops it; returns what it printed. */
function startAndStop(env: Record<string, string>): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', 'src/app/main.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: '0', GRPC_PORT: '0', DATABASE_URL: ':memory:', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    proc.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    proc.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      if (/listening on http/.test(stdout)) setTimeout(() => proc.kill('SIGTERM'), 100);
    });
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`did not start: ${stdout} ${stderr}`));
    }, 40_000);
    proc.once('exit', () => {
      clearTimeout(timer);
      resolve({ stdout, stderr });
    });
  });
}

describe('what the start prints', { timeout: 60_000 }, () => {
  it('LOG_FORMAT=pretty (the default on a terminal): a readable block of every face\'s URLs, logs through pino-pretty', async () => {
    const { stdout } = await startAndStop({ LOG_FORMAT: 'pretty', ADMIN_PASSWORD: 'x-admin-pass', DEMO_PASSWORD: 'x-demo-pass' });
    const url = /polyface \S+ is listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(stdout)![1]!;
    expect(stdout).toContain(`  Landing page: ${url}/\n`);
    for (const line of [
      new RegExp(`  REST +API root +${url}/api/v1\\n`),
      new RegExp(` +API docs \\(Swagger UI\\) +${url}/docs\\n`),
      new RegExp(`  GraphQL +Endpoint +${url}/graphql\\n`),
      new RegExp(` +WSDL 1\\.1 +${url}/soap\\?wsdl\\n`),
      new RegExp(` +OpenRPC document \\(also rpc\\.discover\\) +${url}/rpc/openrpc\\.json\\n`),
      new RegExp(` +WebSocket +${url.replace('http', 'ws')}/rpc\\n`),
    ]) {
      expect(stdout).toMatch(line);
    }
    // Log lines are for people here, not JSON.
    expect(stdout).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: polyface listening on /m);
    expect(stdout).not.toMatch(/^\{"level"/m);
  });

  it('otherwise JSON lines only on stdout: the URLs are one log line, a generated password goes to stderr', async () => {
    const { stdout, stderr } = await startAndStop({ LOG_FORMAT: 'json' });
    const entries = stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>);
    const listening = entries.find((e) => /^polyface listening on /.test(e.msg))!;
    expect(listening.faces.rest['API docs (Swagger UI)']).toBe(`${listening.url}/docs`);
    expect(listening.faces.soap['WSDL 1.1']).toBe(`${listening.url}/soap?wsdl`);
    expect(listening.faces.graphql['GraphiQL explorer (open in a browser)']).toBe(`${listening.url}/graphql`);
    // gRPC's endpoint is its bound port (GRPC_PORT=0 picked one), not the configured 0.
    expect(listening.grpc).toMatch(/^127\.0\.0\.1:[1-9]\d*$/);
    expect(listening.faces.grpc['Endpoint (HTTP/2 cleartext; also h2c on this port)']).toBe(`grpc://${listening.grpc}`);
    expect(stderr).toMatch(/^polyface: No ADMIN_PASSWORD set: generated the admin password "[\w-]+"/m);
    expect(stdout).not.toContain('generated the admin password');
  });
});
