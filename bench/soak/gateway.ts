import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A polyface gateway in a child process of its own, so its resident set is its own and not the load's. */
export interface Gateway {
  readonly url: string;
  readonly pid: number;
  readonly env: Readonly<Record<string, string>>;
  /** VmRSS now, in MiB. */
  rssMiB(): number;
  /** A full GC in the gateway (SIGUSR2, see gc-hook.mjs), then a pause for it and the allocator to settle. */
  collect(settleMs: number): Promise<void>;
  /** Lines the gateway wrote to stderr. */
  readonly stderr: string[];
  /** Log lines at level error or fatal. */
  readonly errors: string[];
  stop(): Promise<void>;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.once('error', reject);
  });

export const ADMIN_PASSWORD = 'soak-admin-password';
export const DEMO_PASSWORD = 'soak-demo-password';

/**
 * Starts `src/app/main.ts` under tsx with a fresh SQLite file in a temporary folder, on an ephemeral loopback port
 * (gRPC as h2c on the same port; its own port 0), every limit at its default. Resolves once /healthz answers.
 */
export async function startGateway(root: string, extraEnv: Record<string, string> = {}): Promise<Gateway> {
  const scratch = mkdtempSync(join(tmpdir(), 'polyface-soak-'));
  const port = await freePort();
  const env = {
    HOST: '127.0.0.1',
    PORT: String(port),
    GRPC_PORT: '0',
    DATABASE_URL: join(scratch, 'soak.db'),
    JWT_SECRET: 'soak-secret-soak-secret-soak-secret-0123',
    ADMIN_PASSWORD,
    DEMO_PASSWORD,
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
    NODE_ENV: 'production',
    ...extraEnv,
  };
  const proc: ChildProcess = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', '--import', join(root, 'bench/soak/gc-hook.mjs'), join(root, 'src/app/main.ts')], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  const errors: string[] = [];
  proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => stderr.push(...chunk.split('\n').filter(Boolean)));
  // pino's JSON lines: level 50 (error) and 60 (fatal) are the gateway's own account of something going wrong.
  let partial = '';
  proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop()!;
    for (const line of lines) if (/"level":(5|6)\d/.test(line)) errors.push(line.slice(0, 300));
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`the gateway exited with ${proc.exitCode}:\n${stderr.join('\n')}`);
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error('the gateway did not answer /healthz within 60 s');
    }
    const up = await fetch(`${url}/healthz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (up) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const pid = proc.pid!;
  return {
    url,
    pid,
    env,
    stderr,
    errors,
    rssMiB() {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      return m ? Number(m[1]) / 1024 : 0;
    },
    async collect(settleMs) {
      proc.kill('SIGUSR2');
      await new Promise((r) => setTimeout(r, settleMs / 2));
      proc.kill('SIGUSR2');
      await new Promise((r) => setTimeout(r, settleMs / 2));
    },
    async stop() {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}
