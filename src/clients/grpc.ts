import * as grpc from '@grpc/grpc-js';
import { loadSync, type MethodDefinition, type ServiceDefinition } from '@grpc/proto-loader';
import { OPERATIONS, type OperationName } from '../contract/operations.js';
import { ERROR_KINDS, type ErrorKind } from '../domain/errors.js';
import {
  buildMessageModel,
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
import { decodeRichStatus } from '../protocols/grpc/status.js';
import type { DomainEvent, EventType } from '../domain/events.js';
import { EventChannel, EventStreamError, type EventSubscription, type SubscribeOptions } from './stream.js';
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
      const data = toDomain(rpc.response, reply as Record<string, unknown>);
      // Typed messages carry unions (an event's data) as one field per alternative: back to the domain's shape.
      return { ok: true, data: rpc.operation.typed ? rpc.operation.typed.to(data) : data };
    } catch (err) {
      const failure = outcomeOf(err as grpc.ServiceError);
      if (!failure) throw err;
      return failure;
    }
  }

  /**
   * `polyface.v1.EventService/Watch`, a server stream: each `Event` message
   * back in the domain's envelope. A failed stream (RESOURCE_EXHAUSTED for a
   * subscriber that fell behind, UNAUTHENTICATED for a revoked token) ends
   * the iteration with an EventStreamError carrying the error kind. `ready`
   * resolves when the server sends its response headers.
   */
  subscribe(types: readonly EventType[], options: SubscribeOptions): EventSubscription {
    const rpc = RPC.get('watchEvents')!;
    const method = this.methods.get(`/${FULL_PACKAGE}.${SERVICE_OF.watchEvents}/${rpc.method}`)!;
    const metadata = new grpc.Metadata();
    if (options.token) metadata.set(METADATA.authorization, `Bearer ${options.token}`);
    const input: Record<string, unknown> = { types: [...types] };
    if (options.after !== undefined) input.after = options.after;
    const call = this.client.makeServerStreamRequest(method.path, method.requestSerialize, method.responseDeserialize, fromDomain(rpc.request, input), metadata);
    const channel = new EventChannel(() => call.cancel());
    call.on('metadata', () => channel.opened());
    call.on('data', (message: object) => channel.push(rpc.operation.typed!.to(toDomain(rpc.response, message as Record<string, unknown>)) as DomainEvent));
    call.on('end', () => channel.end());
    call.on('error', (err: grpc.ServiceError) => {
      if (err.code === grpc.status.CANCELLED) return channel.end();
      const failure = outcomeOf(err);
      channel.fail(new EventStreamError(err.details || err.message, failure && !failure.ok ? failure.kind : err.code));
    });
    return channel;
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
