import { pino, type Logger } from 'pino';
import { build as pretty } from 'pino-pretty';
import type { LogLevel } from './config.js';

export type { Logger };

export type LogFormat = 'auto' | 'json' | 'pretty';

/** LOG_FORMAT=auto: pino-pretty for a person at a terminal, JSON lines for everything else (files, collectors, CI). */
export function isPretty(format: LogFormat, stream: { isTTY?: boolean } = process.stdout): boolean {
  return format === 'pretty' || (format === 'auto' && stream.isTTY === true);
}

export function createLogger(level: LogLevel | string, format: LogFormat = 'json'): Logger {
  const options = { level, base: { service: 'polyface' }, redact: ['req.headers.authorization', 'password'] };
  if (!isPretty(format)) return pino(options);
  // Synchronous, so lines written just before an exit are not lost.
  return pino(options, pretty({ sync: true, colorize: process.stdout.isTTY === true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' }));
}
