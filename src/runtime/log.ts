/** The runtime logs through pino's interface; infra/logger.ts makes the instance. */
export type { Logger } from 'pino';
