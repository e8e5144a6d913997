import protobuf from 'protobufjs';

/**
 * The richer error model (https://grpc.io/docs/guides/error/#richer-error-model):
 * a google.rpc.Status, serialised into the `grpc-status-details-bin`
 * trailer, whose details are google.protobuf.Any-wrapped BadRequest,
 * ErrorInfo and RetryInfo messages. The definitions are the googleapis ones
 * (google/rpc/status.proto, error_details.proto; same field numbers), only
 * the messages used here, so no googleapis checkout is needed to encode or
 * decode them.
 */
const DEFINITIONS = `
syntax = "proto3";
package google.protobuf;
message Any { string type_url = 1; bytes value = 2; }
message Duration { int64 seconds = 1; int32 nanos = 2; }
`;
const RPC_DEFINITIONS = `
syntax = "proto3";
package google.rpc;
message Status { int32 code = 1; string message = 2; repeated google.protobuf.Any details = 3; }
message BadRequest {
  message FieldViolation { string field = 1; string description = 2; string reason = 3; }
  repeated FieldViolation field_violations = 1;
}
message ErrorInfo { string reason = 1; string domain = 2; map<string, string> metadata = 3; }
message RetryInfo { google.protobuf.Duration retry_delay = 1; }
`;

const root = new protobuf.Root();
protobuf.parse(DEFINITIONS, root, { keepCase: false });
protobuf.parse(RPC_DEFINITIONS, root, { keepCase: false });
root.resolveAll();

const Status = root.lookupType('google.rpc.Status');
const BadRequest = root.lookupType('google.rpc.BadRequest');
const ErrorInfo = root.lookupType('google.rpc.ErrorInfo');
const RetryInfo = root.lookupType('google.rpc.RetryInfo');

const TYPE_PREFIX = 'type.googleapis.com/';
const typeUrl = (t: protobuf.Type) => TYPE_PREFIX + t.fullName.slice(1);

/** What a failed call says beyond its code and message, decoded. */
export interface RichStatus {
  code: number;
  message: string;
  /** google.rpc.BadRequest field violations: proto field paths (e.g. "items[0].quantity"). */
  fieldViolations: { field: string; description: string }[];
  /** google.rpc.ErrorInfo: reason (the error kind) and domain. */
  errorInfo?: { reason: string; domain: string; metadata: Record<string, string> };
  /** google.rpc.RetryInfo, in seconds. */
  retryAfterSeconds?: number;
}

const pack = (type: protobuf.Type, value: Record<string, unknown>) => ({
  typeUrl: typeUrl(type),
  value: type.encode(type.fromObject(value)).finish(),
});

export function encodeRichStatus(s: RichStatus): Buffer {
  const details = [];
  if (s.errorInfo) details.push(pack(ErrorInfo, s.errorInfo));
  if (s.fieldViolations.length) details.push(pack(BadRequest, { fieldViolations: s.fieldViolations }));
  if (s.retryAfterSeconds !== undefined) details.push(pack(RetryInfo, { retryDelay: { seconds: s.retryAfterSeconds, nanos: 0 } }));
  return Buffer.from(Status.encode(Status.fromObject({ code: s.code, message: s.message, details })).finish());
}

/** Decodes a `grpc-status-details-bin` value; unknown detail types are skipped, as the model asks of clients. */
export function decodeRichStatus(bytes: Uint8Array): RichStatus {
  const opts = { longs: Number, defaults: true, arrays: true, objects: true };
  const status = Status.toObject(Status.decode(bytes), opts) as { code: number; message: string; details: { typeUrl: string; value: Uint8Array }[] };
  const out: RichStatus = { code: status.code, message: status.message, fieldViolations: [] };
  for (const d of status.details) {
    if (d.typeUrl === typeUrl(BadRequest)) {
      const br = BadRequest.toObject(BadRequest.decode(d.value), opts) as { fieldViolations: { field: string; description: string }[] };
      out.fieldViolations.push(...br.fieldViolations.map((v) => ({ field: v.field, description: v.description })));
    } else if (d.typeUrl === typeUrl(ErrorInfo)) {
      out.errorInfo = ErrorInfo.toObject(ErrorInfo.decode(d.value), opts) as NonNullable<RichStatus['errorInfo']>;
    } else if (d.typeUrl === typeUrl(RetryInfo)) {
      const ri = RetryInfo.toObject(RetryInfo.decode(d.value), opts) as { retryDelay?: { seconds: number; nanos: number } };
      if (ri.retryDelay) out.retryAfterSeconds = ri.retryDelay.seconds + ri.retryDelay.nanos / 1e9;
    }
  }
  return out;
}
