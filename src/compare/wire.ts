/**
 * What one TCP connection carried, read from the bytes in each direction as
 * they pass the wire tap (tap.ts). Framework-free: chunks in, counts and
 * readable exchanges out. Three kinds of connection are told apart by their
 * first bytes and responses:
 *
 * - HTTP/1.1: a request is a "turn" — client bytes after server bytes (or
 *   the first bytes). Exact because the clients measured never pipeline
 *   (undici's default pipelining is 1, Node's http agent has none), so each
 *   request is sent whole and answered before the next one on that
 *   connection (RFC 9112 §9.3.2).
 * - WebSocket (after a 101 answer to an Upgrade, RFC 6455 §4): every
 *   complete data message the client sends is a request; frames are parsed
 *   (§5.2) in both directions so the exchange shows the text, unmasked.
 * - HTTP/2 (the client connection preface, RFC 9113 §3.4): every stream the
 *   client opens with a HEADERS frame is a call; DATA payloads are kept per
 *   stream (gRPC messages: binary, shown in hex).
 */

export type Direction = 'up' | 'down';
export type WireKind = 'http/1.1' | 'websocket' | 'h2';

export interface Exchange {
  /** Which connection of the measurement window (1-based, in order of opening). */
  readonly connection: number;
  readonly kind: WireKind;
  /** Raw bytes (HTTP/1.1), unmasked message payloads (WebSocket) or DATA payloads (HTTP/2). */
  request: Buffer[];
  response: Buffer[];
  /** Bytes this exchange put on the wire each way, framing included. */
  bytesUp: number;
  bytesDown: number;
}

const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');

/** Counts shared by every connection of one measurement window. */
export interface WireSink {
  request(): void;
  exchange(e: Exchange): void;
  /** Keeps captured text bounded: false once the window's capture budget is spent. */
  capture(bytes: number): boolean;
}

interface WsFrame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
  size: number;
}

/**
 * An incremental RFC 6455 §5.2 frame reader: header, optional 16/64-bit
 * length, optional 4-byte mask, payload (unmasked here for display).
 */
class WsFrames {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): WsFrame[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const frames: WsFrame[] = [];
    for (;;) {
      const b = this.pending;
      if (b.length < 2) break;
      const masked = (b[1]! & 0x80) !== 0;
      let len = b[1]! & 0x7f;
      let offset = 2;
      if (len === 126) {
        if (b.length < 4) break;
        len = b.readUInt16BE(2);
        offset = 4;
      } else if (len === 127) {
        if (b.length < 10) break;
        len = Number(b.readBigUInt64BE(2));
        offset = 10;
      }
      const maskAt = offset;
      if (masked) offset += 4;
      if (b.length < offset + len) break;
      const payload = Buffer.from(b.subarray(offset, offset + len));
      if (masked) for (let i = 0; i < payload.length; i++) payload[i]! ^= b[maskAt + (i % 4)]!;
      frames.push({ fin: (b[0]! & 0x80) !== 0, opcode: b[0]! & 0x0f, payload, size: offset + len });
      this.pending = b.subarray(offset + len);
    }
    return frames;
  }
}

interface H2Frame {
  type: number;
  stream: number;
  payload: Buffer;
  size: number;
}

/** An incremental RFC 9113 §4.1 frame reader: 24-bit length, type, flags, 31-bit stream id, payload. */
class H2Frames {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private skip: number) {}

  push(chunk: Buffer): H2Frame[] {
    let b = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    if (this.skip) {
      const n = Math.min(this.skip, b.length);
      this.skip -= n;
      b = b.subarray(n);
    }
    const frames: H2Frame[] = [];
    while (b.length >= 9) {
      const len = b.readUIntBE(0, 3);
      if (b.length < 9 + len) break;
      frames.push({ type: b[3]!, stream: b.readUInt32BE(5) & 0x7fffffff, payload: b.subarray(9, 9 + len), size: 9 + len });
      b = b.subarray(9 + len);
    }
    this.pending = Buffer.from(b);
    return frames;
  }
}

const H2_DATA = 0x0;
const H2_HEADERS = 0x1;
/** Data frames: continuation (0), text (1), binary (2); 8 and up are control frames (close, ping, pong). */
const isDataOpcode = (op: number) => op < 8;

/** One connection's reader; the tap feeds it every chunk in the order it passed. */
export class ConnectionReader {
  private kind: WireKind | undefined;
  private last: Direction | undefined;
  private current: Exchange | undefined;
  /** Bytes of an HTTP/1.1 answer read so far, until its head ends (to spot a 101). */
  private head: Buffer = Buffer.alloc(0);
  private wsUp = new WsFrames();
  private wsDown = new WsFrames();
  private h2Up: H2Frames | undefined;
  private h2Down: H2Frames | undefined;
  private readonly streams = new Map<number, Exchange>();
  private startBytes: Buffer = Buffer.alloc(0);
  private prefaceCounted = false;

  constructor(
    private readonly connection: number,
    private sink: WireSink,
  ) {}

  /** A new measurement window: the connection stays, its counts go to the new sink. */
  rebind(sink: WireSink): void {
    this.sink = sink;
    this.current = undefined;
    this.streams.clear();
  }

  push(dir: Direction, chunk: Buffer): void {
    if (!this.kind) {
      if (dir === 'down') this.kind = 'http/1.1';
      else {
        this.startBytes = Buffer.concat([this.startBytes, chunk]);
        const n = Math.min(this.startBytes.length, H2_PREFACE.length);
        if (this.startBytes.subarray(0, n).equals(H2_PREFACE.subarray(0, n))) {
          if (this.startBytes.length < H2_PREFACE.length) return;
          this.kind = 'h2';
          this.h2Up = new H2Frames(H2_PREFACE.length);
          this.h2Down = new H2Frames(0);
        } else this.kind = 'http/1.1';
        chunk = this.startBytes;
        this.startBytes = Buffer.alloc(0);
      }
    }
    if (this.kind === 'http/1.1') this.http1(dir, chunk);
    else if (this.kind === 'websocket') this.websocket(dir, chunk);
    else this.h2(dir, chunk);
    this.last = dir;
  }

  private open(kind: WireKind): Exchange {
    const e: Exchange = { connection: this.connection, kind, request: [], response: [], bytesUp: 0, bytesDown: 0 };
    this.sink.exchange(e);
    return e;
  }

  private keep(into: Buffer[], bytes: Buffer): void {
    if (this.sink.capture(bytes.length)) into.push(bytes);
  }

  private http1(dir: Direction, chunk: Buffer): void {
    if (dir === 'up') {
      if (this.last !== 'up' || !this.current) {
        this.sink.request();
        this.current = this.open('http/1.1');
        this.head = Buffer.alloc(0);
      }
      this.current.bytesUp += chunk.length;
      this.keep(this.current.request, chunk);
      return;
    }
    // Server bytes with no request in this window (a late answer, a close notice) still count, on an exchange of their own.
    this.current ??= this.open('http/1.1');
    const headDone = this.head.indexOf(HEAD_END);
    if (headDone === -1) {
      const before = this.head.length;
      this.head = Buffer.concat([this.head, chunk]);
      const end = this.head.indexOf(HEAD_END);
      if (end !== -1 && /^HTTP\/1\.1 101\b/.test(this.head.subarray(0, 12).toString('latin1'))) {
        // Switching protocols: the rest of this chunk is already WebSocket frames.
        const split = end + HEAD_END.length - before;
        this.current.bytesDown += split;
        this.keep(this.current.response, chunk.subarray(0, split));
        this.kind = 'websocket';
        if (split < chunk.length) this.websocket('down', chunk.subarray(split));
        return;
      }
    }
    this.current.bytesDown += chunk.length;
    this.keep(this.current.response, chunk);
  }

  private websocket(dir: Direction, chunk: Buffer): void {
    const frames = (dir === 'up' ? this.wsUp : this.wsDown).push(chunk);
    for (const f of frames) {
      if (dir === 'up') {
        // A message starts with its first data frame; continuation frames belong to the current one.
        if (isDataOpcode(f.opcode) && f.opcode !== 0) {
          this.sink.request();
          this.current = this.open('websocket');
        }
        this.current ??= this.open('websocket');
        this.current.bytesUp += f.size;
        if (isDataOpcode(f.opcode)) this.keep(this.current.request, f.payload);
      } else {
        this.current ??= this.open('websocket');
        this.current.bytesDown += f.size;
        if (isDataOpcode(f.opcode)) this.keep(this.current.response, f.payload);
      }
    }
  }

  private h2(dir: Direction, chunk: Buffer): void {
    const reader = dir === 'up' ? this.h2Up! : this.h2Down!;
    if (!this.prefaceCounted) {
      // The connection preface is overhead of the connection: its first exchange carries it.
      this.prefaceCounted = true;
      this.current = this.open('h2');
      this.current.bytesUp += H2_PREFACE.length;
    }
    const frames = reader.push(chunk);
    for (const f of frames) {
      let e = f.stream ? this.streams.get(f.stream) : undefined;
      if (!e && dir === 'up' && f.type === H2_HEADERS && f.stream % 2 === 1) {
        this.sink.request();
        e = this.open('h2');
        this.streams.set(f.stream, e);
      }
      if (e) this.current = e;
      // Connection-level frames (SETTINGS, PING, WINDOW_UPDATE on stream 0) go with the latest stream of the window, or open one of their own.
      e ??= this.current ?? (this.current = this.open('h2'));
      if (dir === 'up') e.bytesUp += f.size;
      else e.bytesDown += f.size;
      if (f.type === H2_DATA) this.keep(dir === 'up' ? e.request : e.response, Buffer.from(f.payload));
    }
  }
}
