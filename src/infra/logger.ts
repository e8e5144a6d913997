import { createRequire } from 'node:module';
import { destination, pino, type Logger } from 'pino';
import type { LogLevel } from './config.js';

export type { Logger };

export type LogFormat = 'auto' | 'json' | 'pretty';

/** LOG_FORMAT=auto: pino-pretty for a person at a terminal, JSON lines for everything else (files, collectors, CI). */
export function isPretty(format: LogFormat, stream: { isTTY?: boolean } = process.stdout): boolean {
  return format === 'pretty' || (format === 'auto' && stream.isTTY === true);
}

/** Log lines wait for this many bytes, or this long, before they are written (see createLogger). */
const LINE_BATCH_BYTES = 4096;
const LINE_BATCH_MS = 250;

type Batched = ReturnType<typeof destination>;
const batched = new Set<WeakRef<Batched>>();

/** One 'exit' listener for every batching destination (tests make many loggers); each is flushed synchronously. */
function flushOnExit(stream: Batched): void {
  if (batched.size === 0) {
    process.once('exit', () => {
      for (const ref of batched) {
        try {
          ref.deref()?.flushSync();
        } catch {
          // Closed already, or stdout is gone: nothing more can be written.
        }
      }
    });
  }
  batched.add(new WeakRef(stream));
}

export function createLogger(level: LogLevel | string, format: LogFormat = 'json'): Logger {
  const options = { level, base: { service: 'polyface' }, redact: ['req.headers.authorization', 'password'] };
  if (!isPretty(format)) {
    // JSON lines are gathered until 4 KiB are waiting (some 20 access lines) or a quarter of a second has passed,
    // then written to stdout at once (sonic-boom's minLength and periodicFlush): one write(2) per batch instead of
    // one per line, which cost 12–28 µs of every request (issue 18). Written synchronously: sonic-boom's asynchronous
    // mode hands each write to a thread-pool thread, and on the server's one core that hand-off (two context
    // switches per batch) cost more than the write itself: bench/access-log.ts measures 4.66 µs a line batched
    // through the thread pool, 2.34 batched synchronously (3.45 written one by one), and bench:profile put the
    // asynchronous write at 4.7 µs of every logged request.
    // Synchronous writes also bound the buffer: a stdout that cannot keep up slows the server down rather than
    // letting unwritten lines pile up in memory. pino flushes only asynchronous destinations at exit, so what a
    // batch still holds then is written here (flushOnExit).
    const stream = destination({ dest: 1, sync: true, minLength: LINE_BATCH_BYTES, periodicFlush: LINE_BATCH_MS });
    flushOnExit(stream);
    return pino(options, stream);
  }
  // pino-pretty is for a person at a terminal: loaded only then (it is some 30 modules a server never needs).
  const { build: pretty } = createRequire(import.meta.url)('pino-pretty') as typeof import('pino-pretty');
  // Synchronous, so lines written just before an exit are not lost.
  return pino(options, pretty({ sync: true, colorize: process.stdout.isTTY === true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' }));
}
