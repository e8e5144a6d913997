import type { Compilable, CompiledQuery, Kysely } from 'kysely';

/**
 * A read whose SQL is built and compiled once per database handle and then run with new values. Kysely otherwise
 * builds an immutable operation tree and compiles it to SQL on every call — about a third of a lookup by id
 * (issue 18's profiles: some 5 µs of 15); the statement text never changes, only the bound values do. The
 * compiled query keeps its operation tree, so the executor's plugins see what they always see.
 */
export class Prepared<Row> {
  private compiled: CompiledQuery<Row> | undefined;

  /**
   * `query` builds the statement with placeholder values, one per value `first` will be given, in the same order.
   * It runs at the first use, not here: repositories are also made per transaction, most of which never read.
   */
  constructor(
    private readonly db: Kysely<any>,
    private readonly query: () => Compilable<Row>,
  ) {}

  async first(...values: readonly unknown[]): Promise<Row | undefined> {
    const compiled = (this.compiled ??= this.query().compile());
    if (values.length !== compiled.parameters.length) throw new Error(`${compiled.sql} takes ${compiled.parameters.length} values, given ${values.length}`);
    const { rows } = await this.db.executeQuery<Row>({ ...compiled, parameters: values });
    return rows[0];
  }
}
