import { getIntrospectionQuery, Kind, parse, print, type DocumentNode, type ExecutionResult, type IntrospectionOptions } from 'graphql';

/**
 * The standard introspection query — graphql-js's `getIntrospectionQuery()`
 * under every combination of its options, which is what GraphiQL, GraphQL
 * Playground, codegen and Apollo's tooling send — recognised by its printed
 * form (whitespace, comments and the operation's name do not matter:
 * GraphiQL lets the name be changed). Its answer depends on nothing but the
 * schema, which never changes while serving, so it is computed once and
 * then served from memory (issue 10, finding 2).
 */
const OPTIONS: readonly (keyof IntrospectionOptions)[] = ['descriptions', 'specifiedByUrl', 'directiveIsRepeatable', 'schemaDescription', 'inputValueDeprecation', 'oneOf'];

/** Printed with the operation unnamed. */
function canonical(document: DocumentNode): string {
  return print({
    ...document,
    definitions: document.definitions.map((d) => (d.kind === Kind.OPERATION_DEFINITION ? { ...d, name: undefined } : d)),
  });
}

let standardTexts: Set<string> | undefined;

/** Built on first use (64 parses of a 2 KB text), so a server nobody introspects never pays for it. */
function standard(): Set<string> {
  if (!standardTexts) {
    standardTexts = new Set();
    for (let bits = 0; bits < 1 << OPTIONS.length; bits++) {
      const options = Object.fromEntries(OPTIONS.map((name, n) => [name, (bits & (1 << n)) !== 0]));
      standardTexts.add(canonical(parse(getIntrospectionQuery(options))));
    }
  }
  return standardTexts;
}

/** The canonical text of a standard introspection document, or undefined for any other document. */
export function standardIntrospection(document: DocumentNode): string | undefined {
  // Cheap test first: one query operation selecting only __schema, no variables.
  const ops = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const op = ops[0];
  if (ops.length !== 1 || op?.operation !== 'query' || op.variableDefinitions?.length) return undefined;
  const [only, ...more] = op.selectionSet.selections;
  if (more.length || only?.kind !== Kind.FIELD || only.name.value !== '__schema' || only.alias) return undefined;
  const text = canonical(document);
  return standard().has(text) ? text : undefined;
}

/** Answers of the standard queries: at most one per option combination (64), so it cannot grow. */
export class IntrospectionAnswers {
  private readonly answers = new Map<string, ExecutionResult>();
  hits = 0;

  get(text: string): ExecutionResult | undefined {
    const found = this.answers.get(text);
    if (found) this.hits++;
    return found;
  }

  set(text: string, result: ExecutionResult): void {
    if (!result.errors?.length) this.answers.set(text, result);
  }

  get size(): number {
    return this.answers.size;
  }
}
