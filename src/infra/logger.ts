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

export function createLogger(level: LogLevel | string, format: LogFormat = 'json'): Logger {
  const options = { level, base: { service: 'polyface' }, redact: ['req.headers.authorization', 'password'] };
  if (!isPretty(format)) {
    // JSON lines go to stdout asynchronously (sonic-boom): a synchronous write(2) per access line cost 12–28 µs
    // of every request (issue 18). Lines are gathered until 4 KiB are waiting (some 20 access lines) or a quarter
    // of a second has passed, so a busy server makes one write per batch rather than one per event-loop turn —
    // each write is a thread-pool job on the server's own core. pino flushes what is left synchronously on 'exit'
    // and 'beforeExit', so nothing logged before an exit is lost.
    return pino(options, destination({ dest: 1, sync: false, minLength: LINE_BATCH_BYTES, periodicFlush: LINE_BATCH_MS }));
  }
  // pino-pretty is for a person at a terminal: loaded only then (it is some 30 modules a server never needs).
  const { build: pretty } = createRequire(import.meta.url)('pino-pretty') as typeof import('pino-pretty');
  // Synchronous, so lines written just before an exit are not lost.
  return pino(options, pretty({ sync: true, colorize: process.stdout.isTTY === true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' }));
}
