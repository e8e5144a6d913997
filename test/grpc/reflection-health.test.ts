import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoPath as healthProto } from 'grpc-health-check';
import { FileDescriptorProto } from 'protobufjs/ext/descriptor/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { targets } from './helpers.js';

/** Reflection (v1 and v1alpha) and health, asked with plain grpc-js clients built from the services' own protos. */
const require = createRequire(import.meta.url);
const reflectionDir = join(dirname(require.resolve('@grpc/reflection')), '../proto');
const opts = { keepCase: false, longs: String, enums: String, defaults: true, oneofs: true };
const reflection = grpc.loadPackageDefinition(
  loadSync(['grpc/reflection/v1/reflection.proto', 'grpc/reflection/v1alpha/reflection.proto'], { ...opts, includeDirs: [reflectionDir] }),
) as any;
const health = grpc.loadPackageDefinition(loadSync(healthProto, opts)) as any;

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server?.close());

/** One request on a ServerReflectionInfo stream, its one answer. */
function ask(stub: any, request: object): Promise<any> {
  return new Promise((resolve, reject) => {
    const call = stub.ServerReflectionInfo();
    call.on('data', (answer: unknown) => {
      resolve(answer);
      call.end();
    });
    call.on('error', reject);
    call.write(request);
  });
}

const DOMAIN_SERVICES = [
  'polyface.v1.AuthService',
  'polyface.v1.OrderService',
  'polyface.v1.ProductService',
  'polyface.v1.UserService',
  'user.UserService',
];

for (const where of ['GRPC_PORT', 'h2c on PORT'] as const) {
  describe(`over ${where}`, () => {
    for (const version of ['v1', 'v1alpha'] as const) {
      it(`reflection ${version} lists every service, and describes user.UserService with its five methods`, async () => {
        const Stub = reflection.grpc.reflection[version].ServerReflection;
        const stub = new Stub(targets(server)[where], grpc.credentials.createInsecure());
        try {
          const listed = await ask(stub, { listServices: '' });
          const names = listed.listServicesResponse.service.map((s: { name: string }) => s.name);
          expect(names).toEqual(expect.arrayContaining([...DOMAIN_SERVICES, 'grpc.health.v1.Health']));

          const described = await ask(stub, { fileContainingSymbol: 'user.UserService' });
          const files = described.fileDescriptorResponse.fileDescriptorProto.map((b: Buffer) => FileDescriptorProto.decode(b) as any);
          const file = files.find((f: any) => f.package === 'user');
          const service = file.service.find((s: any) => s.name === 'UserService');
          expect(service.method.map((m: any) => m.name)).toEqual(['GetUser', 'ListUsers', 'CreateUser', 'UpdateUser', 'DeleteUser']);
          expect(service.method.find((m: any) => m.name === 'ListUsers').serverStreaming).toBe(true);

          const full = await ask(stub, { fileContainingSymbol: 'polyface.v1.OrderService' });
          const fullFile = full.fileDescriptorResponse.fileDescriptorProto.map((b: Buffer) => FileDescriptorProto.decode(b) as any).find((f: any) => f.package === 'polyface.v1');
          expect(fullFile.messageType.map((m: any) => m.name)).toEqual(expect.arrayContaining(['CreateOrderRequest', 'Order', 'OrderItem']));

          const unknown = await ask(stub, { fileContainingSymbol: 'no.Such' });
          expect(unknown.errorResponse.errorCode).toBe(grpc.status.NOT_FOUND);
        } finally {
          stub.close();
        }
      });
    }

    it('health answers SERVING for the server and each service, NOT_FOUND for an unknown one', async () => {
      const stub = new health.grpc.health.v1.Health(targets(server)[where], grpc.credentials.createInsecure());
      const check = (service: string) =>
        new Promise<any>((resolve) => stub.Check({ service }, (err: grpc.ServiceError | null, res: unknown) => resolve(err ? { code: err.code } : res)));
      try {
        for (const service of ['', ...DOMAIN_SERVICES]) expect(await check(service), service).toEqual({ status: 'SERVING' });
        expect(await check('no.Such')).toEqual({ code: grpc.status.NOT_FOUND });
      } finally {
        stub.close();
      }
    });
  });
}
