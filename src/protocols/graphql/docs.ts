import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The SDL text, beside this module in src/ and in dist/ (scripts/build.mjs copies it). */
export function schemaSource(): string {
  return readFileSync(fileURLToPath(new URL('./schema.graphql', import.meta.url)), 'utf8');
}
