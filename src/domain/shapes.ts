import { z } from 'zod';

/**
 * Shapes every feature shares: identifiers, paging, optimistic versions,
 * sort specifications and the page envelope. Inputs are strict objects: an
 * unknown field is a VALIDATION error, not silently dropped. Identifiers and
 * numbers are real JSON numbers here; text transports (URL, XML) convert
 * before calling (protocols/shared/coerce.ts).
 */
/** A moment as an RFC 3339 / ISO 8601 UTC string; `format: date-time` tells documents (OpenAPI, WSDL's xsd:dateTime) what it is. */
export const timestamp = z.string().meta({ format: 'date-time', description: 'ISO 8601 timestamp (UTC)' });
export const id = z.number().int().positive().meta({ description: 'Positive integer identifier' });
export const limit = z.number().int().min(1).max(100).default(10).meta({ description: 'Page size, 1–100' });
export const offset = z.number().int().min(0).max(1_000_000).default(0).meta({ description: 'Items to skip' });
export const expectedVersion = z
  .number()
  .int()
  .positive()
  .optional()
  .meta({ description: 'Optimistic concurrency: fail with PRECONDITION_FAILED unless the record is at this version' });

export const sortSpec = (fields: readonly string[]) => {
  const grammar = new RegExp(`^-?(${fields.join('|')})(,-?(${fields.join('|')}))*$`);
  // A custom issue (not .regex) so the message can name the fields in any language; the pattern stays in the JSON Schema.
  return z
    .string()
    .max(200)
    .superRefine((v, ctx) => {
      if (!grammar.test(v)) ctx.addIssue({ code: 'custom', message: 'field.sort', params: { fields: fields.join(', ') } });
    })
    .optional()
    .meta({ pattern: grammar.source, description: `Sort keys, e.g. "${fields[0]},-${fields[1] ?? fields[0]}"` });
};

/** A list's page. Collections paged by keyset (`keyset`) may leave the total out (withTotal) and carry nextCursor (domain/query/cursor.ts). */
export const page = <T extends z.ZodType>(item: T, title: string, options: { keyset?: boolean } = {}) => {
  const total = z.number().int().min(0);
  return z
    .object({
      items: z.array(item),
      total: options.keyset ? total.optional().meta({ description: 'Every matching row; present when counted (withTotal; by default without a cursor)' }) : total,
      limit: z.number().int(),
      offset: z.number().int(),
      ...(options.keyset && {
        nextCursor: z.string().optional().meta({ description: 'Pass as cursor for the page after this one; present on pages asked for by cursor while more rows follow' }),
      }),
    })
    .meta({ id: title });
};

export const byIdIn = z.strictObject({ id });
export const deletedOut = z.object({ deleted: z.literal(true), id }).meta({ id: 'Deleted' });

export type Page<T> = { items: T[]; total?: number; limit: number; offset: number; nextCursor?: string };
export type Deleted = z.infer<typeof deletedOut>;
