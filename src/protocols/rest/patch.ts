import jsonpatch from 'fast-json-patch';
import { DomainError, type FieldProblem } from '../../domain/errors.js';
import { msg } from '../../domain/i18n/index.js';
import { invalid, unreadable } from './errors.js';

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
  const errors: FieldProblem[] = [];
  for (const [key, value] of Object.entries(body)) {
    if (readOnly.has(key)) continue;
    if (key in params) {
      if (String(value) !== String(params[key])) errors.push({ field: key, message: msg('rest.urlMismatch') });
      continue;
    }
    if (mergePatch && value === null) {
      errors.push({ field: key, message: msg('rest.cannotRemove') });
      continue;
    }
    out[key] = value;
  }
  if (errors.length) throw new DomainError('VALIDATION', msg('rest.invalidBody'), { fields: errors });
  return out;
}

/** fast-json-patch's names for operations that are not well-formed RFC 6902 operations. */
const SHAPE_ERRORS = new Set([
  'SEQUENCE_NOT_AN_ARRAY',
  'OPERATION_NOT_AN_OBJECT',
  'OPERATION_OP_INVALID',
  'OPERATION_PATH_INVALID',
  'OPERATION_FROM_REQUIRED',
  'OPERATION_VALUE_REQUIRED',
  'OPERATION_VALUE_CANNOT_CONTAIN_UNDEFINED',
]);

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
        throw new DomainError('CONFLICT', msg('rest.patchTestFailed', { index: field }), {
          fields: [{ field: `(patch).${field}`, message: msg('rest.patchTestField') }],
        });
      }
      const message = msg('rest.patchOperation', { detail: err.message.split('\n')[0]! });
      // RFC 5789 §2.2: a patch document that is not properly formatted is 400; one that cannot be applied is 422.
      throw SHAPE_ERRORS.has(err.name) ? unreadable(`(patch).${field}`, message) : invalid(`(patch).${field}`, message);
    }
    throw unreadable('(patch)', msg('rest.patchNotDocument'));
  }
  if (!result || typeof result !== 'object' || Array.isArray(result)) throw invalid('(patch)', msg('rest.patchResultObject'));
  const changes: Record<string, unknown> = {};
  const errors: FieldProblem[] = [];
  for (const key of new Set([...Object.keys(current), ...Object.keys(result)])) {
    const before = current[key];
    const after = result[key];
    if (jsonpatch._areEquals(before, after)) continue;
    if (after === undefined) errors.push({ field: key, message: msg('rest.cannotRemove') });
    else if (immutable.has(key)) errors.push({ field: key, message: msg('rest.readOnly') });
    else changes[key] = after;
  }
  if (errors.length) throw new DomainError('VALIDATION', msg('rest.patchForbidden'), { fields: errors });
  return Object.keys(changes).length ? changes : null;
}
