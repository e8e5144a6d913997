import { ERROR_KINDS } from '../domain/errors.js';
import { GRAPHQL_CODES } from './graphql/spec.js';
import { STATUS_OF, statusName } from './grpc/spec.js';
import { ERROR_CODES } from './jsonrpc/spec.js';
import { KIND_STATUS } from './rest/spec.js';
import { FAULT_CODES, FAULT_SIDE } from './soap/spec.js';

/**
 * The kind × style error table, built from each style's own typed map
 * (its spec.ts). The README carries this text verbatim and a test compares
 * the two, so the documentation cannot drift from the code. A new style
 * adds its column here.
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
      `\`${statusName(STATUS_OF[kind])}\` (${STATUS_OF[kind]})`,
    ].join(' | '),
  );
  return [
    '| kind | REST status | GraphQL `extensions.code` | JSON-RPC `error.code` | SOAP 1.1 faultcode | SOAP 1.2 Code | gRPC status |',
    '|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r} |`),
  ].join('\n');
}
