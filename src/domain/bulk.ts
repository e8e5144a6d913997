import { z } from 'zod';
import { DomainError, ERROR_KINDS, type FieldProblem } from './errors.js';
import { msg, type Language } from './i18n/index.js';
import type { UnitOfWork, Writes } from './ports.js';

/**
 * Operations on several objects in one call (the source material, 003
 * line 70): each item gets its own verdict, and the client chooses the
 * strategy — `strict`: all items or none; `lenient`: each item on its own,
 * so the good ones stay done.
 */
export const BULK_MAX_ITEMS = 100;
export const HANDLINGS = ['strict', 'lenient'] as const;
export type Handling = (typeof HANDLINGS)[number];

export const handling = z
  .enum(HANDLINGS)
  .default('strict')
  .meta({ description: 'strict (default): every item or none, in one transaction; lenient: each item on its own' });

export const bulkItems = <T extends z.ZodType>(item: T) =>
  z.array(item).min(1).max(BULK_MAX_ITEMS).meta({ description: `1–${BULK_MAX_ITEMS} items, applied in order` });

/**
 * What is checked before any item: a list of 1–100 of anything. Each item
 * is then validated by itself, so in lenient mode one malformed item fails
 * alone. (The documented input schemas type the items.)
 */
export const bulkEnvelope = z.strictObject({ items: z.array(z.unknown()).min(1).max(BULK_MAX_ITEMS), handling });

export const fieldErrorOut = z.object({ field: z.string(), message: z.string() }).meta({ id: 'FieldError' });
export const itemErrorOut = z
  .object({ kind: z.enum(ERROR_KINDS), message: z.string(), fields: z.array(fieldErrorOut) })
  .meta({ id: 'ItemError', description: "Why one item failed: the error kind, and the message in the caller's language" });
export type ItemError = z.infer<typeof itemErrorOut>;

export type ItemOutcome<T> = { index: number; ok: true; value: T } | { index: number; ok: false; error: DomainError };

export interface BulkStep<P, T> {
  /** Validation and slow work without storage; throws a DomainError to refuse the item. */
  prepare(item: unknown): Promise<P>;
  /** The write and its events, inside the unit of work's transaction; throws a DomainError to refuse the item. */
  apply(prepared: P, writes: Writes): Promise<T>;
}

/**
 * Items prepared at once. Preparing may hash a password (scrypt, ~50 ms on
 * libuv's thread pool of 4): two at a time leaves the pool to the rest of
 * the server while a 100-item call is being prepared.
 */
const PREPARE_CONCURRENCY = 2;

/** fn over items with at most `limit` running at once, results in order (a few lines, so no dependency for it). */
async function mapLimit<I, O>(items: readonly I[], limit: number, fn: (item: I, index: number) => Promise<O>): Promise<O[]> {
  const out = new Array<O>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      out[index] = await fn(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Runs fn; a DomainError becomes the item's failure, anything else is a real fault and fails the whole call. */
async function attempt<T>(index: number, fn: () => Promise<T>): Promise<ItemOutcome<T>> {
  try {
    return { index, ok: true, value: await fn() };
  } catch (err) {
    if (err instanceof DomainError) return { index, ok: false, error: err };
    throw err;
  }
}

/**
 * Every item's outcome, in order. Both modes run in one unit of work, each
 * item in a step (a savepoint): a refused item is undone with the events it
 * recorded, and the transaction goes on with the next, so every item is
 * tried and the client learns of every problem at once.
 *
 * Strict: any failure throws, which rolls the whole unit back — no write
 * and no event stays — and the call fails with one error naming each failed
 * item. Lenient: the unit commits what stayed. One transaction rather than
 * one per item, so the reply describes exactly what committed: all kept
 * items and their events land together after the last item (one commit
 * instead of up to a hundred), and a call that dies midway leaves nothing
 * the client was not told about.
 */
export async function runBulk<P, T>(items: readonly unknown[], mode: Handling, step: BulkStep<P, T>, unitOfWork: UnitOfWork): Promise<ItemOutcome<T>[]> {
  const prepared = await mapLimit(items, PREPARE_CONCURRENCY, (item, index) => attempt(index, () => step.prepare(item)));
  return unitOfWork.run(async (w) => {
    const out: ItemOutcome<T>[] = [];
    for (const p of prepared) out.push(p.ok ? await attempt(p.index, () => w.step(() => step.apply(p.value, w))) : p);
    const failures = out.filter((o): o is Extract<ItemOutcome<T>, { ok: false }> => !o.ok);
    if (mode === 'strict' && failures.length) throw rolledBack(failures, items.length);
    return out;
  });
}

/** The strict call's failure: the first failed item's kind, and a field error per problem, under `items.<n>`. */
function rolledBack(failures: { index: number; error: DomainError }[], total: number): DomainError {
  const fields: FieldProblem[] = [];
  for (const { index, error } of failures) {
    if (!error.problems.length) fields.push({ field: `items.${index}`, message: error.text });
    for (const p of error.problems) fields.push({ field: p.field === '(input)' ? `items.${index}` : `items.${index}.${p.field}`, message: p.message });
  }
  return new DomainError(failures[0]!.error.kind, msg('bulk.rolledBack', { failed: failures.length, total }), { fields });
}

/** A failed item as its result reports it, in the caller's language. */
export function itemError(error: DomainError, lang: Language): ItemError {
  const { message, fields } = error.in(lang);
  return { kind: error.kind, message, fields };
}
