import { GRAPHQL_CODES } from '../adapters/graphql/errors.js';
import { ERROR_CODES } from '../adapters/jsonrpc/errors.js';
import { KIND_STATUS } from '../adapters/rest/errors.js';
import { FAULT_CODES, FAULT_SIDE } from '../adapters/soap/errors.js';
import { ERROR_KINDS } from '../domain/errors.js';

/**
 * The kind × protocol error table, built from the adapters' own typed maps.
 * The README carries this text verbatim and a test compares the two, so the
 * documentation cannot drift from the code.
 */
export function errorMappingTable(): string {
  const rows = ERROR_KINDS.map((kind) =>
    [
      `\`${kind}\``,
      String(KIND_STATUS[kind].status),
      `\`${GRAPHQL_CODES[kind]}\``,
      String(ERROR_CODES[kind]),
      `\`${FAULT_CODES['1.1'][FAULT_SIDE[kind]]}\``,
      `\`${FAULT_CODES['1.2'][FAULT_SIDE[kind]]}\``,
    ].join(' | '),
  );
  return [
    '| kind | REST status | GraphQL `extensions.code` | JSON-RPC `error.code` | SOAP 1.1 faultcode | SOAP 1.2 Code |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r} |`),
  ].join('\n');
}
