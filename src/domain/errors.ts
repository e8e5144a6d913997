import { DEFAULT_LANGUAGE, msg, render, type Language, type Text } from './i18n/index.js';

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

/** A field error as clients read it, in one language. */
export interface FieldError {
  /** Dotted path into the operation's input, e.g. "items.0.quantity". */
  field: string;
  message: string;
}

/** A field error as it is raised: its message still a catalogue entry, rendered per reader. */
export interface FieldProblem {
  field: string;
  message: Text;
}

export interface DomainErrorOptions {
  fields?: readonly FieldProblem[];
  /** Seconds, for RATE_LIMITED. */
  retryAfter?: number;
  /** The underlying failure, kept for logs and never sent to clients. */
  cause?: unknown;
}

/** An error's message and field errors in one language. */
export interface LocalisedError {
  message: string;
  fields: FieldError[];
}

/**
 * A failure the caller can be told about. Its message and field messages
 * are catalogue entries (i18n/): `message` and `fields` are the English
 * rendering (logs, tests, English clients), `in(lang)` any other language.
 */
export class DomainError extends Error {
  readonly kind: ErrorKind;
  readonly fields: FieldError[];
  readonly retryAfter: number | undefined;
  readonly text: Text;
  readonly problems: readonly FieldProblem[];

  constructor(kind: ErrorKind, message: Text, options: DomainErrorOptions = {}) {
    super(render(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DomainError';
    this.kind = kind;
    this.text = message;
    this.problems = options.fields ?? [];
    this.fields = this.problems.map((f) => ({ field: f.field, message: render(f.message) }));
    this.retryAfter = options.retryAfter;
  }

  /** The message and field errors in a language (INTERNAL's real text included: hiding it is the runtime's job). */
  in(lang: Language): LocalisedError {
    if (lang === DEFAULT_LANGUAGE) return { message: this.message, fields: this.fields };
    return { message: render(this.text, lang), fields: this.problems.map((f) => ({ field: f.field, message: render(f.message, lang) })) };
  }
}

export const notFound = (what: 'User' | 'Order' | 'Product', id: number | string): DomainError =>
  new DomainError('NOT_FOUND', msg(what === 'User' ? 'user.notFound' : what === 'Order' ? 'order.notFound' : 'product.notFound', { id }));

/**
 * The single choke point: anything thrown becomes a DomainError. Unknown
 * failures become INTERNAL with a fixed message; the cause stays for logs.
 */
export function toDomainError(err: unknown): DomainError {
  if (err instanceof DomainError) return err;
  return new DomainError('INTERNAL', msg('internal.server'), { cause: err });
}
