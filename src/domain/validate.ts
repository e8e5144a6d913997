import type { z } from 'zod';
import { DomainError, type FieldProblem } from './errors.js';
import { isMessageKey, msg, render, type Message, type MessageKey } from './i18n/index.js';

/**
 * Field problems listed in one VALIDATION error. Past it a last entry counts
 * the rest, so a body of 100 000 unknown keys answers in a few lines instead
 * of echoing every key back (issue 10, finding 10).
 */
export const MAX_FIELD_PROBLEMS = 20;

/** Parses input with a schema; a mismatch is a VALIDATION error naming each field (the first MAX_FIELD_PROBLEMS of them). */
export function validate<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  // reportInput lets an issue tell "missing" from "wrong type"; the input never leaves this function.
  const result = schema.safeParse(input ?? {}, { reportInput: true });
  if (result.success) return result.data;
  const fields: FieldProblem[] = [];
  let omitted = 0;
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      const room = Math.max(0, MAX_FIELD_PROBLEMS - fields.length);
      for (const key of issue.keys.slice(0, room)) fields.push({ field: [...issue.path, key].join('.'), message: msg('field.unknown') });
      omitted += Math.max(0, issue.keys.length - room);
    } else {
      fields.push({ field: issue.path.join('.') || '(input)', message: issueMessage(issue) });
    }
  }
  return invalidInput(fields, omitted);
}

/**
 * A VALIDATION error whose message lists the fields ("Invalid input: email: …; name: …") in the reader's language;
 * past MAX_FIELD_PROBLEMS, one entry (field "(more)") counts those left out, with `omitted` already left out by the caller.
 */
export function invalidInput(fields: FieldProblem[], omitted = 0): never {
  const listed = fields.slice(0, MAX_FIELD_PROBLEMS);
  const more = omitted + fields.length - listed.length;
  if (more > 0) listed.push({ field: '(more)', message: msg('field.more', { count: more }) });
  const details = (lang: Parameters<typeof render>[1]) => listed.map((f) => `${f.field}: ${render(f.message, lang)}`).join('; ');
  throw new DomainError('VALIDATION', msg('validation.invalid', { details }), { fields: listed });
}

const TYPE_NAMES: Record<string, MessageKey> = {
  string: 'type.string',
  number: 'type.number',
  int: 'type.int',
  boolean: 'type.boolean',
  array: 'type.array',
  object: 'type.object',
};

/**
 * zod's issue → a catalogue message, so field messages are ours and exist
 * in every language. Messages the schemas set themselves (refinements,
 * custom checks) are catalogue keys already, with their arguments in
 * `params`.
 */
function issueMessage(issue: z.core.$ZodIssue): Message {
  if (isMessageKey(issue.message)) return msg(issue.message, (issue as { params?: Record<string, string | number> }).params);
  const missing = !('input' in issue) || issue.input === undefined;
  switch (issue.code) {
    case 'invalid_type': {
      if (missing) return msg('field.required');
      const key = TYPE_NAMES[issue.expected];
      return msg('field.type', { expected: key ? msg(key) : msg('type.other', { name: issue.expected }) });
    }
    case 'invalid_value':
      if (missing) return msg('field.required');
      return msg('field.oneOf', { values: issue.values.map((v) => JSON.stringify(v)).join(', ') });
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string') return min <= 1 ? msg('field.empty') : msg('field.minLength', { min });
      if (issue.origin === 'array' || issue.origin === 'set') return msg('field.minItems', { min });
      return msg(issue.inclusive === false ? 'field.above' : 'field.min', { min: String(issue.minimum) });
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') return msg('field.maxLength', { max });
      if (issue.origin === 'array' || issue.origin === 'set') return msg('field.maxItems', { max });
      return msg(issue.inclusive === false ? 'field.below' : 'field.max', { max: String(issue.maximum) });
    }
    case 'invalid_format':
      return msg(issue.format === 'email' ? 'field.email' : 'field.format');
    default:
      return msg('field.invalid');
  }
}
