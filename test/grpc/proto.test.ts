import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { OPERATIONS } from '../../src/contract/operations.js';
import { protoDocument } from '../../src/protocols/grpc/docs.js';
import { buildMessageModel, FULL_PACKAGE, FULL_PROTO, METHOD_OF, PROTO_DIR, SEED_PROTO, SERVICE_OF } from '../../src/protocols/grpc/spec.js';

const read = (file: string) => readFileSync(join(PROTO_DIR, file), 'utf8');

describe('proto/user.proto', () => {
  it("is the source material's file byte for byte (seed lines 502–530)", () => {
    // The digest of the seed's ```protobuf block as extracted when the file was added; any edit changes it.
    expect(createHash('sha256').update(read(SEED_PROTO)).digest('hex')).toBe('552535733904458b2b4f056eefef4651e55292b272bf26e079b43f74f6e71772');
  });

  it('declares package user with UserService and its five methods, ListUsers server-streaming', () => {
    const root = protobuf.parse(read(SEED_PROTO)).root;
    const service = root.lookupService('user.UserService');
    const methods = Object.fromEntries(Object.values(service.methods).map((m) => [m.name, [m.requestType, m.responseType, Boolean(m.responseStream)]]));
    expect(methods).toEqual({
      GetUser: ['GetUserRequest', 'User', false],
      ListUsers: ['ListUsersRequest', 'User', true],
      CreateUser: ['User', 'User', false],
      UpdateUser: ['User', 'User', false],
      DeleteUser: ['GetUserRequest', 'Empty', false],
    });
  });
});

describe(`proto/${FULL_PROTO}`, () => {
  it('is exactly what the code generates from the operation list (regenerate: npx tsx scripts/write-proto.ts)', () => {
    expect(read(FULL_PROTO)).toBe(protoDocument(buildMessageModel(OPERATIONS)));
  });

  it('has one RPC per operation, in the service the spec names, and nothing else', () => {
    const root = protobuf.parse(read(FULL_PROTO)).root;
    const served = new Set<string>();
    for (const name of new Set(Object.values(SERVICE_OF))) {
      for (const m of Object.values(root.lookupService(`${FULL_PACKAGE}.${name}`).methods)) served.add(`${name}/${m.name}`);
    }
    const expected = OPERATIONS.map((op) => `${SERVICE_OF[op.name]}/${METHOD_OF[op.name] ?? `${op.name[0]!.toUpperCase()}${op.name.slice(1)}`}`);
    expect([...served].sort()).toEqual([...expected].sort());
  });

  it('serves live events as EventService/Watch(WatchRequest{ repeated string types; after }) returns (stream Event)', () => {
    const root = protobuf.parse(read(FULL_PROTO)).root;
    const watch = root.lookupService(`${FULL_PACKAGE}.EventService`).methods.Watch!;
    expect([watch.requestType, watch.responseType, watch.responseStream ?? false]).toEqual(['WatchRequest', 'Event', true]);
    const request = root.lookupType(`${FULL_PACKAGE}.WatchRequest`);
    expect([request.fields.types!.type, request.fields.types!.repeated, request.fields.after!.type]).toEqual(['string', true, 'string']);
    const event = root.lookupType(`${FULL_PACKAGE}.Event`);
    expect(Object.values(event.fields).map((f) => [f.name, f.type])).toEqual([
      ['id', 'string'],
      ['type', 'string'],
      ['occurredAt', 'string'],
      ['user', 'User'],
      ['order', 'Order'],
      ['product', 'Product'],
      ['deletedId', 'int64'],
    ]);
  });

  it('is self-contained: no imports, no well-known types (grpc-node reflection has trouble with both)', () => {
    const text = read(FULL_PROTO);
    expect(text).not.toMatch(/^import /m);
    expect(text).not.toContain('google.protobuf');
  });

  it('keeps presence for inputs the contract does not require, and ids as int64', () => {
    const root = protobuf.parse(read(FULL_PROTO)).root;
    const list = root.lookupType(`${FULL_PACKAGE}.ListUsersRequest`);
    expect(list.fields.limit!.options?.proto3_optional).toBe(true);
    const get = root.lookupType(`${FULL_PACKAGE}.GetUserRequest`);
    expect(get.fields.id!.type).toBe('int64');
    expect(get.fields.id!.options?.proto3_optional).toBeUndefined();
  });
});
