import type { JsonSchema } from '../../contract/json-schema.js';

const NUMERIC = /^-?\d+(\.\d+)?$/;

/**
 * Text transports (URL query strings, path segments, XML) carry every value
 * as a string and a lone repeated element as a single value. This converts
 * them to the JSON types the operation's input schema declares, so the domain
 * sees the same input whichever style it came from. Values that do not fit
 * are left alone for the domain's validation to name.
 */
export function coerceText(schema: JsonSchema | undefined, value: unknown): unknown {
  if (!schema || value === undefined || value === null) return value;
  const type = schema.type;
  if (type === 'object' && typeof value === 'object' && !Array.isArray(value)) {
    const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) out[key] = coerceText(props[key], v);
    return out;
  }
  if (type === 'array') {
    const list = Array.isArray(value) ? value : [value];
    return list.map((v) => coerceText(schema.items as JsonSchema | undefined, v));
  }
  if (typeof value !== 'string') return value;
  if ((type === 'integer' || type === 'number') && NUMERIC.test(value.trim())) return Number(value);
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}
