/**
 * Regenerates proto/polyface/v1/polyface.proto from the operation list:
 *   npx tsx scripts/write-proto.ts
 * test/grpc/proto.test.ts fails when the checked-in file and the code disagree.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { OPERATIONS } from '../src/contract/operations.js';
import { protoDocument } from '../src/protocols/grpc/docs.js';
import { buildMessageModel, FULL_PROTO, PROTO_DIR } from '../src/protocols/grpc/spec.js';

const target = join(PROTO_DIR, FULL_PROTO);
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, protoDocument(buildMessageModel(OPERATIONS)));
process.stdout.write(`wrote ${target}\n`);
