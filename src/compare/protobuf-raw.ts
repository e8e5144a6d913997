import protobuf from 'protobufjs/minimal.js';

const MAX_DEPTH = 8;
const PRINTABLE = /^[\P{Cc}\n\t]*$/u;

function readable(bytes: Uint8Array): string | undefined {
  if (!bytes.length) return '""';
  const text = Buffer.from(bytes).toString('utf8');
  // Round-trips as UTF-8 and has no control characters: show it as a string.
  return Buffer.from(text, 'utf8').equals(Buffer.from(bytes)) && PRINTABLE.test(text) ? JSON.stringify(text) : undefined;
}

/** Fields of one message as "number: value" lines, nested messages indented; throws when the bytes are not a message. */
function fields(bytes: Uint8Array, depth: number): string[] {
  const r = protobuf.Reader.create(bytes);
  const lines: string[] = [];
  while (r.pos < r.len) {
    const tag = r.uint32();
    const field = tag >>> 3;
    if (field === 0) throw new Error('field number 0');
    switch (tag & 7) {
      case 0:
        lines.push(`${field}: ${String(r.uint64())}`);
        break;
      case 1:
        lines.push(`${field}: ${String(r.fixed64())} (64-bit)`);
        break;
      case 5:
        lines.push(`${field}: ${r.fixed32()} (32-bit)`);
        break;
      case 2: {
        const value = r.bytes();
        const text = readable(value);
        if (text !== undefined) {
          lines.push(`${field}: ${text}`);
          break;
        }
        let nested: string[] | undefined;
        if (depth < MAX_DEPTH) {
          try {
            nested = fields(value, depth + 1);
          } catch {
            nested = undefined;
          }
        }
        if (nested) lines.push(`${field} {`, ...nested.map((l) => `  ${l}`), '}');
        else lines.push(`${field}: 0x${Buffer.from(value).toString('hex')}`);
        break;
      }
      default:
        throw new Error(`wire type ${tag & 7}`);
    }
  }
  return lines;
}

/**
 * gRPC messages (RFC-less but specified: gRPC over HTTP/2, "Length-Prefixed-Message":
 * a compressed flag byte, a 4-byte big-endian length, the message) as
 * protobuf fields without a schema, the way `protoc --decode_raw` shows
 * them: field numbers and values, strings as strings. Undefined when the
 * bytes are not such messages (or are compressed).
 */
export function decodeGrpcMessages(data: Buffer): string | undefined {
  const out: string[] = [];
  let at = 0;
  while (at < data.length) {
    if (data.length - at < 5) return undefined;
    const compressed = data[at]!;
    const length = data.readUInt32BE(at + 1);
    if (compressed !== 0 || at + 5 + length > data.length) return undefined;
    const message = data.subarray(at + 5, at + 5 + length);
    try {
      out.push(`gRPC message, ${length} bytes:`, ...fields(message, 0).map((l) => `  ${l}`));
    } catch {
      return undefined;
    }
    at += 5 + length;
  }
  return out.length ? out.join('\n') : undefined;
}
