import type { z } from 'zod';
import { DomainError, type FieldError } from './errors.js';

/** Parses input with a schema; a mismatch is a VALIDATION error naming each field. */
export function validate<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const fields: FieldError[] = [];
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) fields.push({ field: [...issue.path, key].join('.'), message: 'unknown field' });
    } else {
      fields.push({ field: issue.path.join('.') || '(input)', message: issue.message });
    }
  }
  return raise(fields);
}

function raise(fields: FieldError[]): never {
  throw new DomainError('VALIDATION', `Invalid input: ${fields.map((f) => `${f.field}: ${f.message}`).join('; ')}`, { fields });
}
