import type { OperationName } from '../../contract/operations.js';
import { enumWireName, enumZeroName, type FieldModel, type GrpcModel, type MessageModel } from './messages.js';
import { FULL_PACKAGE, SERVICE_OF, STATUS_OF, statusName, type FullService } from './spec.js';

/**
 * polyface/v1/polyface.proto, written from the message model (messages.ts)
 * of the contract's operations — the gRPC counterpart of the WSDL and the
 * OpenRPC document. One self-contained file (no imports, no well-known
 * types) because grpc-node's reflection has known trouble with both.
 * `npx tsx scripts/write-proto.ts` rewrites the checked-in copy; a test
 * fails when the two differ.
 */
export function protoDocument(model: GrpcModel): string {
  const out: string[] = [
    '// Generated from src/contract/operations.ts by `npx tsx scripts/write-proto.ts`; do not edit by hand.',
    '//',
    '// Every polyface operation over gRPC. Authenticate with `Login` (or any other',
    '// style\'s login) and send `authorization: Bearer <access_token>` metadata.',
    '// Failures carry the canonical error kind in the `error-kind` trailer and a',
    '// google.rpc.Status (ErrorInfo, BadRequest field violations, RetryInfo) in',
    '// `grpc-status-details-bin`.',
    'syntax = "proto3";',
    '',
    `package ${FULL_PACKAGE};`,
    '',
  ];
  const services = new Map<FullService, GrpcModel['rpcs']>();
  for (const rpc of model.rpcs) {
    const service = SERVICE_OF[rpc.operation.name as OperationName];
    if (!service) throw new Error(`No gRPC service serves ${rpc.operation.name} (spec.ts SERVICE_OF)`);
    services.set(service, [...(services.get(service) ?? []), rpc]);
  }
  for (const [service, rpcs] of services) {
    out.push(`service ${service} {`);
    rpcs.forEach((rpc, i) => {
      if (i) out.push('');
      const errors = rpc.operation.errors.map((k) => statusName(STATUS_OF[k]));
      out.push(`  // ${rpc.operation.summary}.`);
      if (errors.length) out.push(`  // Errors: ${[...new Set(errors)].join(', ')}.`);
      const returns = rpc.serverStreaming ? `stream ${rpc.response.name}` : rpc.response.name;
      out.push(`  rpc ${rpc.method}(${rpc.request.name}) returns (${returns});`);
    });
    out.push('}', '');
  }
  for (const rpc of model.rpcs) if (!model.messages.includes(rpc.request)) out.push(...message(rpc.request, 0), '');
  for (const m of model.messages) out.push(...message(m, 0), '');
  for (const e of model.enums) {
    out.push(`enum ${e.name} {`, `  ${enumZeroName(e)} = 0;`, ...e.values.map((v, i) => `  ${enumWireName(e, v)} = ${i + 1};`), '}', '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function message(m: MessageModel, depth: number): string[] {
  const pad = '  '.repeat(depth);
  const lines: string[] = [];
  if (m.doc) lines.push(`${pad}// ${m.doc}`);
  lines.push(`${pad}message ${m.name} {`);
  for (const n of m.nested) lines.push(...message(n, depth + 1), '');
  for (const f of m.fields) lines.push(...field(f, depth + 1));
  lines.push(`${pad}}`);
  return lines;
}

function field(f: FieldModel, depth: number): string[] {
  const pad = '  '.repeat(depth);
  const type = f.type.kind === 'scalar' ? f.type.scalar : f.type.kind === 'enum' ? f.type.enum.name : f.type.message.name;
  const label = f.repeated ? 'repeated ' : f.optional ? 'optional ' : '';
  const doc = f.doc ? [`${pad}// ${f.doc}`] : [];
  return [...doc, `${pad}${label}${type} ${f.proto} = ${f.number};`];
}
