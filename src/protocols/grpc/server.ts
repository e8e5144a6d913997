import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { loadSync, type PackageDefinition, type ServiceDefinition } from '@grpc/proto-loader';
// The two implementations behind @grpc/reflection's ReflectionService, so their descriptors can be built on the first
// reflection request (addReflection below); the package has no exports map, so its build files are its API too.
import { ReflectionV1Implementation } from '@grpc/reflection/build/src/implementations/reflection-v1.js';
import { ReflectionV1AlphaImplementation } from '@grpc/reflection/build/src/implementations/reflection-v1alpha.js';
import { HealthImplementation, protoPath as healthProtoPath, type ServingStatusMap } from 'grpc-health-check';
import { AccessNotes } from '../../runtime/context.js';
import type { Runtime } from '../../runtime/invoker.js';
import { negotiateLanguage } from '../../runtime/language.js';
import type { Logger } from '../../runtime/log.js';
import { GrpcCore, GrpcFailure, type GrpcCallInfo, type GrpcMethod, type Message } from './core.js';
import { seedMethods } from './seed.js';
import { FULL_PROTO, LOADER_OPTIONS, METADATA, PROTO_DIR, SEED_PROTO, statusName } from './spec.js';

const REQUEST_ID = /^[\w.:-]{1,128}$/;

export interface GrpcServicesOptions {
  log: Logger;
}

const require = createRequire(import.meta.url);
const REFLECTION_PROTO_DIR = join(dirname(require.resolve('@grpc/reflection')), '../proto');
const HEALTH_PROTO_DIR = join(dirname(healthProtoPath), '../..');

/** A .proto file loaded by its path under an include directory, so descriptors carry clean names (reflection shows them). */
const load = (dir: string, file: string) => loadSync(file, { ...LOADER_OPTIONS, includeDirs: [dir] });

/**
 * The gRPC style as grpc-js services: the seed's `user.UserService`, the
 * full `polyface.v1` package, `grpc.health.v1.Health` and server reflection
 * (v1 and v1alpha). The host (hosts/grpc.ts) owns the grpc-js Server, its
 * ports and its shutdown; this binding only adds services to it and turns
 * grpc-js calls into the core's plain records.
 */
/**
 * The reason a call's signal aborts with when its client cancels: made once, because an abort without a reason
 * makes a DOMException (a stack trace) each time. Not a TimeoutError, so it maps to CANCELLED (core.ts).
 */
const CANCELLED = Object.freeze(Object.assign(new Error('The client cancelled the call'), { name: 'AbortError' }));

export class GrpcServices {
  readonly core: GrpcCore;
  /** Everything reflection describes: the served protos plus health and reflection themselves. */
  readonly packageDefinition: PackageDefinition;
  private readonly served: PackageDefinition;
  private readonly health: HealthImplementation;

  constructor(
    runtime: Runtime,
    private readonly options: GrpcServicesOptions,
  ) {
    this.core = new GrpcCore(runtime);
    this.served = { ...load(PROTO_DIR, SEED_PROTO), ...load(PROTO_DIR, FULL_PROTO) };
    this.packageDefinition = {
      ...this.served,
      ...load(HEALTH_PROTO_DIR, relative(HEALTH_PROTO_DIR, healthProtoPath)),
      ...load(REFLECTION_PROTO_DIR, 'grpc/reflection/v1/reflection.proto'),
      ...load(REFLECTION_PROTO_DIR, 'grpc/reflection/v1alpha/reflection.proto'),
    };
    const statuses: ServingStatusMap = { '': 'SERVING' };
    for (const name of this.serviceNames()) statuses[name] = 'SERVING';
    this.health = new HealthImplementation(statuses);
  }

  /** Fully qualified names of the services answering domain calls ("user.UserService", "polyface.v1.UserService", …). */
  serviceNames(): string[] {
    return Object.entries(this.served)
      .filter(([, def]) => !('format' in def) && typeof def === 'object')
      .map(([name]) => name);
  }

  addTo(server: grpc.Server): void {
    const byPath = new Map([...this.core.methods, ...seedMethods(this.core)].map((m) => [m.path, m]));
    for (const name of this.serviceNames()) {
      const definition = this.served[name] as ServiceDefinition;
      const implementation: grpc.UntypedServiceImplementation = {};
      for (const [method, def] of Object.entries(definition)) {
        const handler = byPath.get(def.path);
        if (!handler) throw new Error(`${def.path} is declared in a .proto but nothing serves it (regenerate: npx tsx scripts/write-proto.ts)`);
        byPath.delete(def.path);
        implementation[method] = handler.kind === 'unary' ? this.unary(handler) : this.serverStream(handler);
      }
      server.addService(definition, implementation);
    }
    if (byPath.size) throw new Error(`Not declared in any .proto: ${[...byPath.keys()].join(', ')} (regenerate: npx tsx scripts/write-proto.ts)`);
    this.health.addToServer(server);
    addReflection(server, this.packageDefinition);
  }

  /** At the start of a shutdown: health says NOT_SERVING (watchers hear it) while calls drain. */
  stopServing(): void {
    for (const name of ['', ...this.serviceNames()]) this.health.setStatus(name, 'NOT_SERVING');
  }

  private unary(method: Extract<GrpcMethod, { kind: 'unary' }>): grpc.handleUnaryCall<Message, Message> {
    return (call, callback) => {
      const { info, done, sendHeaders } = this.begin(call);
      // A unary call's headers go out with its answer, in the same tick, so HTTP/2 writes them in one go: sent at
      // the start they were a socket write of their own on every call (issue 18).
      method.handle(call.request, info).then(
        (reply) => {
          done(grpc.status.OK);
          sendHeaders();
          callback(null, reply);
        },
        (err: unknown) => {
          const failure = this.asFailure(err, info);
          done(failure.code);
          sendHeaders();
          callback(toServiceError(failure));
        },
      );
    };
  }

  private serverStream(method: Extract<GrpcMethod, { kind: 'server-stream' }>): grpc.handleServerStreamingCall<Message, Message> {
    return (call) => {
      const { info, done, sendHeaders } = this.begin(call);
      // A stream's client learns it is open from its headers: they go at once.
      sendHeaders();
      void (async () => {
        try {
          const reply = await method.handle(call.request, info);
          for await (const message of reply.messages) {
            if (call.cancelled) break;
            // Backpressure: a slow reader holds the stream here instead of growing grpc-js's buffer.
            if (!call.write(message)) await once(call, 'drain', { signal: info.signal }).catch(() => {});
          }
          done(call.cancelled ? grpc.status.CANCELLED : grpc.status.OK);
          if (!call.cancelled) call.end(toMetadata(reply.trailers()));
        } catch (err) {
          const failure = this.asFailure(err, info);
          done(failure.code);
          if (!call.cancelled) call.emit('error', toServiceError(failure));
        }
      })();
    };
  }

  /** The call's info for the core, and the access-log line written when it ends. */
  private begin(call: grpc.ServerUnaryCall<Message, Message> | grpc.ServerWritableStream<Message, Message>) {
    const started = performance.now();
    const incoming = call.metadata.get(METADATA.requestId)[0];
    const requestId = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    const cancelled = new AbortController();
    const onCancelled = () => cancelled.abort(CANCELLED);
    call.once('cancelled', onCancelled);
    const deadline = call.getDeadline();
    const deadlineMs = deadline instanceof Date ? deadline.getTime() : deadline;
    const authorization = call.metadata.get(METADATA.authorization)[0];
    const acceptLanguage = call.metadata.get(METADATA.acceptLanguage)[0];
    const notes = new AccessNotes();
    const log = this.options.log;
    // The request id every log line of this call carries, echoed as HTTP responses echo X-Request-Id.
    const sendHeaders = () => {
      const headers = new grpc.Metadata();
      headers.set(METADATA.requestId, requestId);
      call.sendMetadata(headers);
    };
    const info: GrpcCallInfo = {
      path: call.getPath(),
      requestId,
      log,
      authorization: typeof authorization === 'string' ? authorization : undefined,
      acceptLanguage: typeof acceptLanguage === 'string' ? acceptLanguage : undefined,
      signal: cancelled.signal,
      timeoutMs: Number.isFinite(deadlineMs) ? Math.max(0, deadlineMs - Date.now()) : undefined,
      peer: call.getPeer(),
      notes,
    };
    const done = (code: grpc.status) => {
      // grpc-js also reports 'cancelled' once a finished call's stream closes: nothing listens by then.
      call.removeListener('cancelled', onCancelled);
      // The line's object is not even made when info is off (pino's info is then a no-op, but its arguments are not).
      if (!log.isLevelEnabled('info')) return;
      log.info(notes.addTo({ requestId, grpc: info.path, status: statusName(code), ms: Math.round((performance.now() - started) * 1000) / 1000 }), 'grpc call');
    };
    return { info, done, sendHeaders };
  }

  private asFailure(err: unknown, info: GrpcCallInfo): GrpcFailure {
    return err instanceof GrpcFailure ? err : this.core.failure(err, { ...info, language: negotiateLanguage(info.acceptLanguage) });
  }
}

type Reflection = Pick<ReflectionV1Implementation, 'handleServerReflectionRequest'>;

/**
 * Server reflection, v1 and v1alpha, as @grpc/reflection's ReflectionService adds it, except that each version's
 * descriptors are built on its first request: building them visits every loaded .proto file, ~95 ms that every
 * first gRPC call paid (issue 18), though only tools such as grpcurl ever ask. The library's own addToServer
 * registers the service, with handlers that only call handleServerReflectionRequest; here that call reaches an
 * implementation made then.
 */
function addReflection(server: grpc.Server, packageDefinition: PackageDefinition): void {
  const lazily = (make: () => Reflection): Reflection => {
    let built: Reflection | undefined;
    return { handleServerReflectionRequest: (message) => (built ??= make()).handleServerReflectionRequest(message) };
  };
  ReflectionV1Implementation.prototype.addToServer.call(lazily(() => new ReflectionV1Implementation(packageDefinition)) as ReflectionV1Implementation, server);
  ReflectionV1AlphaImplementation.prototype.addToServer.call(lazily(() => new ReflectionV1AlphaImplementation(packageDefinition)) as ReflectionV1AlphaImplementation, server);
}

function toMetadata(entries: Readonly<Record<string, string | Buffer>>): grpc.Metadata {
  const md = new grpc.Metadata();
  for (const [key, value] of Object.entries(entries)) md.set(key, value);
  return md;
}

function toServiceError(f: GrpcFailure): Partial<grpc.StatusObject> {
  return { code: f.code, details: f.details, metadata: toMetadata(f.trailers) };
}
