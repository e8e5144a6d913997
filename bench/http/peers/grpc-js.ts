// The gRPC peer: a bare grpc-js server on polyface's own proto (polyface.v1.UserService), answering GetUser with a
// constant, loaded with the same proto-loader options polyface uses.
import * as grpc from '@grpc/grpc-js';
import type { ServiceDefinition } from '@grpc/proto-loader';
import { port, ready, USER } from './common.js';
import { loadPolyfaceProto } from './proto.js';

const definition = loadPolyfaceProto();
const reply = { ...USER, id: String(USER.id), role: 'ROLE_USER' };
const server = new grpc.Server();
server.addService(definition['polyface.v1.UserService'] as ServiceDefinition, {
  GetUser: (_call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => callback(null, reply),
});
server.bindAsync(`127.0.0.1:${port()}`, grpc.ServerCredentials.createInsecure(), (err, bound) => {
  if (err) throw err;
  ready(bound);
});
