// The gRPC peer: a bare grpc-js server on polyface's own proto (polyface.v1.UserService), answering GetUser with a
// constant, loaded with the same proto-loader options polyface uses.
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { loadSync, type ServiceDefinition } from '@grpc/proto-loader';
import { port, ready, USER } from './common.js';

const definition = loadSync('polyface/v1/polyface.proto', {
  keepCase: false,
  longs: String,
  enums: String,
  defaults: true,
  arrays: true,
  oneofs: false,
  includeDirs: [fileURLToPath(new URL('../../../proto', import.meta.url))],
});
const reply = { ...USER, id: String(USER.id), role: 'ROLE_USER' };
const server = new grpc.Server();
server.addService(definition['polyface.v1.UserService'] as ServiceDefinition, {
  GetUser: (_call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => callback(null, reply),
});
server.bindAsync(`127.0.0.1:${port()}`, grpc.ServerCredentials.createInsecure(), (err, bound) => {
  if (err) throw err;
  ready(bound);
});
