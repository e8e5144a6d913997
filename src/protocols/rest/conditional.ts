import { DomainError } from '../../domain/errors.js';
import { msg } from '../../domain/i18n/index.js';
import type { Format } from './media.js';

/**
 * Entity tags come from a record's `version`: `"v3"` for the JSON
 * representation, `"v3.xml"` for the XML one (a strong validator must differ
 * between representations, RFC 9110 §8.8.3). Either names version 3 when it
 * comes back in `If-Match` / `If-None-Match`.
 */
export const etagFor = (version: number, format: Format): string => (format === 'xml' ? `"v${version}.xml"` : `"v${version}"`);

const TAG = /^(W\/)?"v(\d{1,15})(?:\.xml)?"$/;

interface Condition {
  any: boolean;
  /** Versions named, with whether each was a weak tag. */
  tags: { version: number; weak: boolean }[];
}

function parse(header: string | undefined): Condition | undefined {
  if (header === undefined) return undefined;
  const parts = header.split(',').map((p) => p.trim()).filter(Boolean);
  const tags: Condition['tags'] = [];
  for (const part of parts) {
    const m = TAG.exec(part);
    if (m) tags.push({ version: Number(m[2]), weak: m[1] !== undefined });
  }
  return { any: parts.includes('*'), tags };
}

/** If-None-Match uses weak comparison (RFC 9110 §13.1.2): true means answer 304. */
export function notModified(header: string | undefined, version: number): boolean {
  const c = parse(header);
  return !!c && (c.any || c.tags.some((t) => t.version === version));
}

/**
 * If-Match uses strong comparison (RFC 9110 §13.1.1). Returns the versions
 * it allows: undefined when there is no condition (or `*`), else the list —
 * empty when nothing in the header could ever match, which fails at once.
 */
export function ifMatchVersions(header: string | undefined): number[] | undefined {
  const c = parse(header);
  if (!c || c.any) return undefined;
  const versions = c.tags.filter((t) => !t.weak).map((t) => t.version);
  if (!versions.length) throw new DomainError('PRECONDITION_FAILED', msg('rest.ifMatchNone'));
  return versions;
}
