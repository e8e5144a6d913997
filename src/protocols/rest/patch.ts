import jsonpatch from 'fast-json-patch';
import { DomainError, type FieldError } from '../../domain/errors.js';
import { invalid } from './errors.js';

/**
 * What a PUT body or merge patch (RFC 7396) asks to change, as operation
 * input. Read-only fields of the representation (`version`, `createdAt`,
 * `links`…) are ignored so a client can send back what it read; a path
 * parameter repeated in the body must agree with the URL. In a merge patch
 * null means "remove", which no writable field of ours allows.
 */
export function bodyChanges(
  body: Record<string, unknown>,
  readOnly: ReadonlySet<string>,
  params: Record<string, unknown>,
  mergePatch: boolean,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const errors: FieldError[] = [];
  for (const [key, value] of Object.entries(body)) {
    if (readOnly.has(key)) continue;
    if (key in params) {
      if (String(value) !== String(params[key])) errors.push({ field: key, message: 'does not match the URL' });
      continue;
    }
    if (mergePatch && value === null) {
      errors.push({ field: key, message: 'cannot be removed' });
      continue;
    }
    out[key] = value;
  }
  if (errors.length) throw new DomainError('VALIDATION', 'Invalid request body', { fields: errors });
  return out;
}

/**
 * Applies a JSON Patch (RFC 6902) to the current representation and returns
 * the fields it changed, or null when it changed nothing. The patch is
 * applied to a copy; the caller writes the result in one conditional update
 * against the version it read, so a failing `test` or a concurrent change
 * leaves the record untouched.
 */
export function jsonPatchChanges(
  current: Record<string, unknown>,
  operations: unknown[],
  immutable: ReadonlySet<string>,
): Record<string, unknown> | null {
  let result: Record<string, unknown>;
  try {
    result = jsonpatch.applyPatch(jsonpatch.deepClone(current), operations as jsonpatch.Operation[], true, true, true)
      .newDocument as Record<string, unknown>;
  } catch (err) {
    if (err instanceof jsonpatch.JsonPatchError) {
      const field = `${err.index ?? 0}`;
      if (err.name === 'TEST_OPERATION_FAILED') {
        throw new DomainError('CONFLICT', `JSON Patch test operation ${field} failed; nothing was changed`, {
          fields: [{ field: `(patch).${field}`, message: 'test failed' }],
        });
      }
      throw invalid(`(patch).${field}`, err.message.split('\n')[0]!);
    }
    throw invalid('(patch)', 'not a valid JSON Patch document');
  }
  if (!result || typeof result !== 'object' || Array.isArray(result)) throw invalid('(patch)', 'the result must be an object');
  const changes: Record<string, unknown> = {};
  const errors: FieldError[] = [];
  for (const key of new Set([...Object.keys(current), ...Object.keys(result)])) {
    const before = current[key];
    const after = result[key];
    if (jsonpatch._areEquals(before, after)) continue;
    if (after === undefined) errors.push({ field: key, message: 'cannot be removed' });
    else if (immutable.has(key)) errors.push({ field: key, message: 'is read-only' });
    else changes[key] = after;
  }
  if (errors.length) throw new DomainError('VALIDATION', 'JSON Patch changes fields it may not', { fields: errors });
  return Object.keys(changes).length ? changes : null;
}
