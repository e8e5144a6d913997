/**
 * A start-up failure the operator can fix: its message is one line naming
 * the setting and what to do, printed without a stack (the entry point adds
 * the stack only with LOG_LEVEL=debug).
 */
export class StartupError extends Error {
  override readonly name = 'StartupError';

  constructor(
    /** The environment variable to change, e.g. "PORT". */
    readonly setting: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
