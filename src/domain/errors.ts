/**
 * The closed set of failure kinds every facade maps to its own idiom.
 * Adapters type their maps as Record<ErrorKind, …> so a new kind does not
 * compile until every protocol says what it means.
 */
export const ERROR_KINDS = [
  'NOT_FOUND',
  'CONFLICT',
  'VALIDATION',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'PRECONDITION_FAILED',
  'RATE_LIMITED',
  'INTERNAL',
] as const;

export type ErrorKind = (typeof ERROR_KINDS)[number];

export interface FieldError {
  /** Dotted path into the operation's input, e.g. "items.0.quantity". */
  field: string;
  message: string;
}

export interface DomainErrorOptions {
  fields?: FieldError[];
  /** Seconds, for RATE_LIMITED. */
  retryAfter?: number;
  /** The underlying failure, kept for logs and never sent to clients. */
  cause?: unknown;
}

export class DomainError extends Error {
  readonly kind: ErrorKind;
  readonly fields: FieldError[];
  readonly retryAfter: number | undefined;

  constructor(kind: ErrorKind, message: string, options: DomainErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DomainError';
    this.kind = kind;
    this.fields = options.fields ?? [];
    this.retryAfter = options.retryAfter;
  }
}

export const notFound = (what: string, id: number | string): DomainError =>
  new DomainError('NOT_FOUND', `${what} ${id} not found`);

/**
 * The single choke point: anything thrown becomes a DomainError. Unknown
 * failures become INTERNAL with a fixed message; the cause stays for logs.
 */
export function toDomainError(err: unknown): DomainError {
  if (err instanceof DomainError) return err;
  return new DomainError('INTERNAL', 'Internal server error', { cause: err });
}
