import type { Kysely, Selectable } from 'kysely';
import { isPostgres } from './database.js';
import type { JobRecord, JobRepository } from '../../domain/jobs/repository.js';
import type { Database, JobsTable } from './schema.js';

const toRecord = (r: Selectable<JobsTable>): JobRecord => ({
  id: r.id,
  ownerSubject: r.owner_subject,
  ownerUserId: r.owner_user_id,
  kind: r.kind,
  input: r.input,
  status: r.status,
  done: r.done,
  total: r.total,
  result: r.result,
  error: r.error,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export class SqlJobRepository implements JobRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(j: JobRecord): Promise<void> {
    await this.db
      .insertInto('jobs')
      .values({
        id: j.id,
        owner_subject: j.ownerSubject,
        owner_user_id: j.ownerUserId,
        kind: j.kind,
        input: j.input,
        status: j.status,
        done: j.done,
        total: j.total,
        result: j.result,
        error: j.error,
        created_at: j.createdAt,
        updated_at: j.updatedAt,
      })
      .execute();
  }

  async findById(id: string): Promise<JobRecord | undefined> {
    const row = await this.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRecord(row);
  }

  async delete(id: string): Promise<boolean> {
    const res = await this.db.deleteFrom('jobs').where('id', '=', id).executeTakeFirst();
    return res.numDeletedRows > 0n;
  }

  async countActive(ownerSubject?: string): Promise<number> {
    let q = this.db.selectFrom('jobs').where('status', 'in', ['queued', 'running']);
    if (ownerSubject !== undefined) q = q.where('owner_subject', '=', ownerSubject);
    const row = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async claimNext(now: string): Promise<JobRecord | undefined> {
    // One statement: the row is chosen and switched to running together, so no two runners get it. On PostgreSQL,
    // runners on several instances claim at once: SKIP LOCKED hands each the next job nobody is claiming, where a
    // plain subquery would let them all pick the same row and all but one come back empty.
    const next = this.db
      .selectFrom('jobs')
      .select('id')
      .where('status', '=', 'queued')
      .orderBy('created_at')
      .orderBy('id')
      .limit(1)
      .$if(isPostgres(this.db), (q) => q.forUpdate().skipLocked());
    const row = await this.db
      .updateTable('jobs')
      .set({ status: 'running', updated_at: now })
      .where('id', '=', (eb) => eb.selectFrom(next.as('n')).select('n.id'))
      .where('status', '=', 'queued')
      .returningAll()
      .executeTakeFirst();
    return row && toRecord(row);
  }

  async requeueRunning(now: string): Promise<number> {
    const res = await this.db.updateTable('jobs').set({ status: 'queued', done: 0, total: null, updated_at: now }).where('status', '=', 'running').executeTakeFirst();
    return Number(res.numUpdatedRows);
  }

  async progress(id: string, done: number, total: number, now: string): Promise<boolean> {
    const res = await this.db.updateTable('jobs').set({ done, total, updated_at: now }).where('id', '=', id).where('status', '=', 'running').executeTakeFirst();
    return res.numUpdatedRows > 0n;
  }

  async finish(id: string, outcome: { status: 'succeeded'; result: string } | { status: 'failed'; error: string }, now: string): Promise<boolean> {
    const res = await this.db
      .updateTable('jobs')
      .set({
        status: outcome.status,
        result: outcome.status === 'succeeded' ? outcome.result : null,
        error: outcome.status === 'failed' ? outcome.error : null,
        updated_at: now,
      })
      .where('id', '=', id)
      .where('status', '=', 'running')
      .executeTakeFirst();
    return res.numUpdatedRows > 0n;
  }

  async purgeFinished(before: string): Promise<number> {
    const res = await this.db
      .deleteFrom('jobs')
      .where('status', 'in', ['succeeded', 'failed'])
      .where('updated_at', '<', before)
      .executeTakeFirst();
    return Number(res.numDeletedRows);
  }
}

