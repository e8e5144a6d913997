import { GraphQLError, parse, specifiedRules, validate, type DocumentNode, type GraphQLSchema, type ValidationRule } from 'graphql';
import { LRUCache } from 'lru-cache';
import { REQUEST_CODES, withCode, withoutSuggestions } from './errors.js';
import { standardIntrospection } from './introspection.js';
import { SKIPPED_FOR_STANDARD_INTROSPECTION } from './limits.js';

export type Compiled = { ok: true; document: DocumentNode } | { ok: false; errors: readonly GraphQLError[] };

/**
 * Parsed and validated documents, keyed by query text, least recently used
 * evicted first. Parsing and validating is most of graphql-http's cost per
 * request (see DESIGN.md's hot-path table) and depends only on the text, so
 * a repeated query skips both. Failures are cached too: a client retrying a
 * bad query costs a map lookup. Size 0 turns the cache off.
 */
export class DocumentCache {
  private readonly entries: LRUCache<string, Compiled> | undefined;
  private readonly rules: readonly ValidationRule[];
  private readonly standardRules: readonly ValidationRule[];
  /** Documents that are a standard introspection query, with their canonical text (the key of their cached answer). */
  private readonly introspections = new WeakMap<DocumentNode, string>();

  constructor(
    private readonly schema: GraphQLSchema,
    extraRules: readonly ValidationRule[],
    capacity: number,
    /** Cut graphql-js's "Did you mean …?" from validation messages (when introspection is off). */
    private readonly hideSuggestions = false,
  ) {
    this.rules = [...specifiedRules, ...extraRules];
    this.standardRules = this.rules.filter((r) => !SKIPPED_FOR_STANDARD_INTROSPECTION.has(r));
    if (capacity > 0) this.entries = new LRUCache<string, Compiled>({ max: capacity });
  }

  get size(): number {
    return this.entries?.size ?? 0;
  }

  /** Whether a query text is cached, without touching its recency. */
  has(query: string): boolean {
    return this.entries?.has(query) ?? false;
  }

  get(query: string): Compiled {
    const hit = this.entries?.get(query);
    if (hit) return hit;
    const compiled = this.compile(query);
    this.entries?.set(query, compiled);
    return compiled;
  }

  /** The canonical text of a standard introspection query compiled here, else undefined. */
  introspectionOf(document: DocumentNode): string | undefined {
    return this.introspections.get(document);
  }

  private compile(query: string): Compiled {
    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (err) {
      if (err instanceof GraphQLError) return { ok: false, errors: [withCode(err, REQUEST_CODES.parseFailed)] };
      throw err;
    }
    const standard = standardIntrospection(document);
    const found = validate(this.schema, document, standard ? this.standardRules : this.rules);
    if (found.length) {
      const errors = this.hideSuggestions ? found.map(withoutSuggestions) : found;
      return { ok: false, errors: errors.map((e) => (typeof e.extensions.code === 'string' ? e : withCode(e, REQUEST_CODES.validationFailed))) };
    }
    if (standard) this.introspections.set(document, standard);
    return { ok: true, document };
  }
}
