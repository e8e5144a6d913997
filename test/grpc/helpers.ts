import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { FULL_PROTO, LOADER_OPTIONS, SEED_PROTO } from '../../src/protocols/grpc/spec.js';
import { decodeRichStatus, type RichStatus } from '../../src/protocols/grpc/status.js';
import type { TestServer } from '../support/server.js';

/** Plain grpc-js clients, as any Node user of the .proto files would write them. */
export const packages = grpc.loadPackageDefinition(loadSync([SEED_PROTO, FULL_PROTO], LOADER_OPTIONS)) as any;

export type Ctor = new (target: string, creds: grpc.ChannelCredentials) => grpc.Client & Record<string, any>;

/** Both places gRPC is served: the dedicated GRPC_PORT and h2c on the HTTP port. */
export const targets = (server: TestServer) => ({ 'GRPC_PORT': server.app.grpcAddress, 'h2c on PORT': server.url.replace('http://', '') });

export function client(ctor: Ctor, target: string) {
  return new ctor(target, grpc.credentials.createInsecure());
}

export function bearer(token: string | undefined): grpc.Metadata {
  const md = new grpc.Metadata();
  if (token) md.set('authorization', `Bearer ${token}`);
  return md;
}

export interface Failure {
  code: grpc.status;
  details: string;
  kind: string | undefined;
  rich: RichStatus | undefined;
  metadata: grpc.Metadata;
}

/** A unary call's value, or its failure with the trailers decoded. */
export function unary(c: any, method: string, request: object, metadata = new grpc.Metadata(), options: grpc.CallOptions = {}): Promise<{ ok: true; value: any } | ({ ok: false } & Failure)> {
  return new Promise((resolve) => {
    c[method](request, metadata, options, (err: grpc.ServiceError | null, value: unknown) => {
      if (!err) return resolve({ ok: true, value });
      resolve({ ok: false, ...failureOf(err) });
    });
  });
}

export function failureOf(err: grpc.ServiceError): Failure {
  const bin = err.metadata?.get('grpc-status-details-bin')[0];
  const kind = err.metadata?.get('error-kind')[0];
  return {
    code: err.code,
    details: err.details,
    kind: typeof kind === 'string' ? kind : undefined,
    rich: Buffer.isBuffer(bin) ? decodeRichStatus(bin) : undefined,
    metadata: err.metadata,
  };
}

/** Reads a server stream to its end: the messages, the final status and its trailers. */
export function collect(stream: grpc.ClientReadableStream<any>): Promise<{ messages: any[]; status: grpc.StatusObject; error?: grpc.ServiceError }> {
  return new Promise((resolve) => {
    const messages: any[] = [];
    let error: grpc.ServiceError | undefined;
    stream.on('data', (m) => messages.push(m));
    stream.on('error', (e: grpc.ServiceError) => (error = e));
    stream.on('status', (status: grpc.StatusObject) => setImmediate(() => resolve({ messages, status, ...(error ? { error } : {}) })));
  });
}
