import * as grpc from '@grpc/grpc-js';
import { loadSync, type MethodDefinition, type ServiceDefinition } from '@grpc/proto-loader';
import { OPERATIONS, type OperationName } from '../contract/operations.js';
import { ERROR_KINDS, type ErrorKind } from '../domain/errors.js';
import {
  buildMessageModel,
  decodeRichStatus,
  domainFieldPath,
  FULL_PACKAGE,
  FULL_PROTO,
  fromDomain,
  LOADER_OPTIONS,
  METADATA,
  SERVICE_OF,
  toDomain,
  TRAILERS,
} from '../protocols/grpc/spec.js';
import type { Outcome, ProtocolClient } from './types.js';

type Method = MethodDefinition<object, object>;

const model = buildMessageModel(OPERATIONS);
const RPC = new Map(model.rpcs.map((r) => [r.operation.name, r]));

/** `http://host:port` (the front door, spoken to as h2c) or a bare `host:port` (GRPC_PORT). */
const targetOf = (address: string) => address.replace(/^https?:\/\//, '').replace(/\/.*$/, '');

/**
 * The full `polyface.v1` package through grpc-js and proto-loader, on one
 * channel: every operation is the RPC of the same name in PascalCase. The
 * domain input becomes the request message and the response goes back to
 * the domain's JSON shape through the same message model the server uses
 * (int64 ids as numbers, enum names as domain values). Failures become the
 * canonical kind from google.rpc.ErrorInfo (or the `error-kind` trailer)
 * and field names from the google.rpc.BadRequest violations.
 */
export class GrpcClient implements ProtocolClient {
  readonly protocol = 'grpc' as const;
  private readonly client: grpc.Client;
  private readonly methods: Map<string, Method>;

  constructor(address: string) {
    const definition = loadSync(FULL_PROTO, LOADER_OPTIONS);
    this.methods = new Map();
    for (const service of new Set(Object.values(SERVICE_OF))) {
      for (const method of Object.values(definition[`${FULL_PACKAGE}.${service}`] as ServiceDefinition)) this.methods.set(method.path, method as Method);
    }
    this.client = new grpc.Client(targetOf(address), grpc.credentials.createInsecure());
  }

  async call(operation: OperationName, input: Record<string, unknown>, token?: string): Promise<Outcome> {
    const rpc = RPC.get(operation);
    if (!rpc) throw new Error(`Unknown operation ${operation}`);
    const method = this.methods.get(`/${FULL_PACKAGE}.${SERVICE_OF[operation]}/${rpc.method}`);
    if (!method) throw new Error(`${FULL_PROTO} has no RPC ${rpc.method}`);
    const metadata = new grpc.Metadata();
    if (token) metadata.set(METADATA.authorization, `Bearer ${token}`);
    try {
      const reply = await new Promise<object>((resolve, reject) => {
        this.client.makeUnaryRequest(method.path, method.requestSerialize, method.responseDeserialize, fromDomain(rpc.request, input), metadata, (err, value) =>
          err ? reject(err) : resolve(value!),
        );
      });
      return { ok: true, data: toDomain(rpc.response, reply as Record<string, unknown>) };
    } catch (err) {
      const failure = outcomeOf(err as grpc.ServiceError);
      if (!failure) throw err;
      return failure;
    }
  }

  async close(): Promise<void> {
    this.client.close();
  }
}

/** A failed call as an Outcome, or undefined when it is not a domain failure (no error kind: transport, protocol). */
export function outcomeOf(err: grpc.ServiceError): Outcome | undefined {
  const bin = err.metadata?.get(TRAILERS.statusDetails)[0];
  const rich = Buffer.isBuffer(bin) ? decodeRichStatus(bin) : undefined;
  const kind = rich?.errorInfo?.reason ?? err.metadata?.get(TRAILERS.errorKind)[0];
  if (typeof kind !== 'string' || !ERROR_KINDS.includes(kind as ErrorKind)) return undefined;
  return { ok: false, kind: kind as ErrorKind, fields: (rich?.fieldViolations ?? []).map((v) => domainFieldPath(v.field)).sort() };
}
