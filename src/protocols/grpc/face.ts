import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContractDocument, Face } from '../shared/face.js';
import { FULL_PACKAGE, FULL_PROTO, PROTO_DIR, SEED_PROTO, SEED_SERVICE } from './spec.js';

const proto = (file: string): ContractDocument => ({ file, mediaType: 'text/plain', render: () => readFileSync(join(PROTO_DIR, file), 'utf8') });

/**
 * gRPC on the landing page, in the startup block and in export-contracts.
 * Not an HttpBinding (grpc-js serves it), so it is bound as a Face of its
 * own; the endpoint is read when shown, because GRPC_PORT=0 is only known
 * once bound. The .proto files are served by the landing page under
 * /contracts/ for reading in a browser.
 */
export function grpcFace(address: () => string): Face {
  return {
    name: 'grpc',
    title: 'gRPC',
    summary: `The source material's ${SEED_SERVICE} and the full ${FULL_PACKAGE} package, on its own port and as h2c on this one; reflection and health`,
    links: [
      {
        rel: 'endpoint',
        title: 'Endpoint (HTTP/2 cleartext; also h2c on this port)',
        get href() {
          return `grpc://${address()}`;
        },
      },
      { rel: 'contract', title: `${SEED_PROTO} (package user)`, href: `/contracts/${SEED_PROTO}`, type: 'text/plain' },
      { rel: 'contract', title: `${FULL_PROTO} (package ${FULL_PACKAGE})`, href: `/contracts/${FULL_PROTO}`, type: 'text/plain' },
    ],
    contracts: [proto(SEED_PROTO), proto(FULL_PROTO)],
  };
}
