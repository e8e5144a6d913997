import cluster, { type Worker } from 'node:cluster';

/** What a worker tells the primary once it serves (its start — migrations, secrets, seeding — is done). */
export const READY_MESSAGE = 'polyface:ready';


/**
 * `WORKERS=n` (n > 1): this process becomes node:cluster's primary and runs
 * n full gateway instances on the same port(s) — the primary holds the
 * listening sockets and hands connections to the workers in turn (Node's
 * default round-robin scheduling on Linux). The first worker starts alone
 * and the others only once it serves, so migrations, a generated JWT secret
 * or admin password, and the demo data are created once rather than raced
 * by n processes. A worker that dies is replaced; SIGTERM/SIGINT are passed
 * on and the primary exits when every worker has stopped gracefully.
 */
export async function runPrimary(workers: number, write: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<void> {
  let stopping = false;
  // Workers that have served: one that dies before that failed its start, and restarting it would only loop.
  const served = new WeakSet<Worker>();

  const fork = () => {
    const worker = cluster.fork();
    worker.on('message', (m: unknown) => m === READY_MESSAGE && served.add(worker));
    return worker;
  };
  const ready = (worker: Worker) =>
    new Promise<boolean>((resolve) => {
      const onMessage = (m: unknown) => m === READY_MESSAGE && done(true);
      const onExit = () => done(false);
      const done = (ok: boolean) => {
        worker.off('message', onMessage);
        worker.off('exit', onExit);
        resolve(ok);
      };
      worker.on('message', onMessage);
      worker.on('exit', onExit);
    });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    });
  }
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    if (!served.has(worker)) {
      write(`polyface: worker ${worker.process.pid} stopped during its start (${signal ?? `exit code ${code}`}); stopping the other workers`);
      stopping = true;
      process.exitCode = 1;
      for (const other of Object.values(cluster.workers ?? {})) other?.process.kill('SIGTERM');
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(1);
      return;
    }
    write(`polyface: worker ${worker.process.pid} stopped (${signal ?? `exit code ${code}`}); starting another`);
    fork();
  });

  const first = fork();
  // A first worker that fails its start has printed its one-line reason; the primary just ends the same way.
  if (!(await ready(first))) return;
  const rest = Array.from({ length: workers - 1 }, fork);
  await Promise.all(rest.map(ready));
  if (!stopping) write(`polyface: ${workers} workers serving (node:cluster, primary ${process.pid})`);
}

/** In a worker: tell the primary this instance is serving. */
export function announceReady(): void {
  if (cluster.isWorker) process.send?.(READY_MESSAGE);
}

export const isClusterPrimary = (): boolean => cluster.isPrimary;
