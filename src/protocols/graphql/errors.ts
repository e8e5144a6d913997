import { GraphQLError, type GraphQLErrorExtensions, type GraphQLErrorOptions } from 'graphql';
import { DomainError } from '../../domain/errors.js';
import { msg, render, type Language } from '../../domain/i18n/index.js';
import { publicError } from '../../runtime/public-error.js';
import { GRAPHQL_CODES, REQUEST_CODES } from './spec.js';

export { GRAPHQL_CODES, REQUEST_CODES };

/**
 * A new error in place of `err`, at the same place in the document. graphql-js derives `locations` from an
 * error's nodes (or source and positions); graphql-jit's errors (execute.ts) carry `locations` alone, no nodes,
 * and no `extensions` at all — so their locations are copied over, or the compiled path would answer without
 * them where graphql-js answers with them (GraphQL spec §7.1.2 "Errors": locations of the field that failed).
 */
function replacing(err: GraphQLError, message: string, options: GraphQLErrorOptions): GraphQLError {
  const made = new GraphQLError(message, { nodes: err.nodes, path: err.path, ...options });
  if (made.locations === undefined && err.locations?.length) (made as { locations: GraphQLError['locations'] }).locations = err.locations;
  return made;
}

/** The same error with a code added (graphql-js errors are immutable in spirit). */
export function withCode(err: GraphQLError, code: string, more: GraphQLErrorExtensions = {}): GraphQLError {
  return replacing(err, err.message, {
    source: err.source,
    positions: err.positions,
    originalError: err.originalError,
    extensions: { ...err.extensions, ...more, code },
  });
}

function fromDomain(err: GraphQLError, e: DomainError, lang: Language): GraphQLError {
  const { message, fields } = publicError(e, lang);
  const extensions: GraphQLErrorExtensions = { code: GRAPHQL_CODES[e.kind] };
  if (fields.length) extensions.fields = fields.map((f) => ({ field: f.field, message: f.message }));
  if (e.retryAfter !== undefined) extensions.retryAfter = e.retryAfter;
  return replacing(err, message, { extensions });
}

/**
 * graphql-http's formatError: every error leaves with an `extensions.code`.
 * Domain failures use the table above; a resolver crash becomes a fixed
 * INTERNAL_SERVER_ERROR (logged by `onInternal`, never shown); a GraphQL
 * error raised while coercing input (variables, Decimal) is BAD_USER_INPUT.
 * Domain messages are written in the request's language; graphql-js's own
 * (syntax, validation, coercion) are English only.
 */
export function formatError(err: Error | GraphQLError, onInternal: (cause: unknown) => void, lang: Language = 'en'): GraphQLError {
  if (!(err instanceof GraphQLError)) {
    // graphql-http's request-parameter errors ("Missing query"): its own, safe messages.
    return new GraphQLError(err.message, { extensions: { code: REQUEST_CODES.badRequest } });
  }
  // graphql-jit's errors have no extensions object (graphql-js's always have one).
  if (typeof err.extensions?.code === 'string') return err;
  const original = err.originalError;
  if (original instanceof DomainError) return fromDomain(err, original, lang);
  if (original === undefined || original instanceof GraphQLError) return withCode(err, GRAPHQL_CODES.VALIDATION);
  onInternal(original);
  return replacing(err, render(msg('internal.server'), lang), { extensions: { code: GRAPHQL_CODES.INTERNAL } });
}

/**
 * graphql-js 16 appends "Did you mean …?" to validation and coercion
 * messages, naming fields, arguments, types and enum values of the schema —
 * introspection by other means, so it goes when introspection is off. The
 * library has no switch for it; like graphql-armor's block-field-suggestions
 * and Apollo Server's hidden schema details, the suggestion is cut from the
 * message (it is always the message's last sentence).
 */
const SUGGESTION = / ?Did you mean [^?]*\?$/;

export function withoutSuggestions<E extends GraphQLError>(err: E): E | GraphQLError {
  if (!SUGGESTION.test(err.message)) return err;
  return new GraphQLError(err.message.replace(SUGGESTION, ''), {
    nodes: err.nodes,
    source: err.source,
    positions: err.positions,
    path: err.path,
    originalError: err.originalError,
    extensions: err.extensions,
  });
}

/** A request-level error (no `data`): graphql-http picks 200 or 400 by the accepted media type. */
export function requestError(message: string, code: string, extensions: GraphQLErrorExtensions = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { ...extensions, code } });
}
