import protobuf from 'protobufjs/minimal.js';
import { expect, it } from 'vitest';
import { decodeGrpcMessages } from './protobuf-raw.js';

/** gRPC's Length-Prefixed-Message: flag 0 (not compressed), 4-byte length, message. */
const frame = (message: Uint8Array) => Buffer.concat([Buffer.from([0]), lengthOf(message), Buffer.from(message)]);
const lengthOf = (m: Uint8Array) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(m.length);
  return b;
};

it('shows gRPC messages as protobuf field numbers and values, strings as strings, nested messages indented', () => {
  const inner = protobuf.Writer.create().uint32((1 << 3) | 2).string('Laptop').uint32((2 << 3) | 2).string('50.00').finish();
  const user = protobuf.Writer.create()
    .uint32((1 << 3) | 0).int64(7)
    .uint32((2 << 3) | 2).string('Alice')
    .uint32((3 << 3) | 2).bytes(inner)
    .uint32((4 << 3) | 5).fixed32(9)
    .finish();
  const two = Buffer.concat([frame(user), frame(protobuf.Writer.create().uint32((1 << 3) | 0).uint32(1).finish())]);
  expect(decodeGrpcMessages(two)).toBe(
    [
      `gRPC message, ${user.length} bytes:`,
      '  1: 7',
      '  2: "Alice"',
      '  3 {',
      '    1: "Laptop"',
      '    2: "50.00"',
      '  }',
      '  4: 9 (32-bit)',
      'gRPC message, 2 bytes:',
      '  1: 1',
    ].join('\n'),
  );
});

it('is undefined for bytes that are not uncompressed gRPC messages', () => {
  expect(decodeGrpcMessages(Buffer.from('hello, world'))).toBeUndefined();
  expect(decodeGrpcMessages(Buffer.from([1, 0, 0, 0, 1, 8]))).toBeUndefined(); // compressed flag set
  expect(decodeGrpcMessages(Buffer.from([0, 0, 0, 0, 9, 8]))).toBeUndefined(); // shorter than its length
  expect(decodeGrpcMessages(Buffer.alloc(0))).toBeUndefined();
});
