import { fileURLToPath } from 'node:url';
import { loadSync, type PackageDefinition } from '@grpc/proto-loader';

/**
 * polyface.v1 as the gRPC peer and the gRPC load generator load it: proto-loader with the options polyface's own
 * server uses (src/protocols/grpc/spec.ts LOADER_OPTIONS), repeated rather than imported so the peer stays a bare
 * grpc-js server that loads nothing of polyface's.
 */
export const loadPolyfaceProto = (): PackageDefinition =>
  loadSync('polyface/v1/polyface.proto', {
    keepCase: false,
    longs: String,
    enums: String,
    defaults: true,
    arrays: true,
    oneofs: false,
    includeDirs: [fileURLToPath(new URL('../../../proto', import.meta.url))],
  });
