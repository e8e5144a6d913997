import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/** RFC 9113 §3.4: what a client using HTTP/2 with prior knowledge sends first (h2c, as gRPC clients do). */
export const HTTP2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

export interface PrefaceSniffer {
  /** Ends connections that have not yet shown which protocol they speak (at shutdown: nothing was asked on them). */
  closeUndecided(): void;
}

/**
 * Lets one cleartext port speak HTTP/1.1 and h2c: every new connection of
 * the HTTP/1.1 server is held until its first bytes show whether they are
 * the HTTP/2 connection preface. HTTP/1.1 connections then go to the
 * server's own connection handling, HTTP/2 ones to `handoff` (gRPC's
 * connection injector); either way the bytes read are put back first
 * (Node's HTTP/1.1 parser and its HTTP/2 session both read a socket's
 * buffered data before anything new). A request line can never start with
 * "PRI * HTTP/2.0" (RFC 9113 §3.4 chose it for that), so most connections
 * are decided on their first byte. A connection that sends nothing is
 * closed after `timeoutMs`, as Node closes one that never completes its headers.
 */
export function divertHttp2(server: Server, handoff: (socket: Socket) => void, timeoutMs = server.headersTimeout): PrefaceSniffer {
  const http1 = server.listeners('connection') as ((socket: Socket) => void)[];
  server.removeAllListeners('connection');
  const undecided = new Set<Socket>();

  server.on('connection', (socket: Socket) => {
    undecided.add(socket);
    let seen: Buffer = Buffer.alloc(0);
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    const forget = () => {
      clearTimeout(timer);
      undecided.delete(socket);
      socket.removeListener('data', onData);
      socket.removeListener('error', onError);
      socket.removeListener('end', onError);
      socket.removeListener('close', forget);
    };
    const decide = (http2: boolean) => {
      forget();
      socket.pause();
      socket.unshift(seen);
      if (http2) return handoff(socket);
      for (const listener of http1) listener.call(server, socket);
      // The parser now owns the socket; resuming lets it read the bytes put back.
      socket.resume();
    };
    function onData(chunk: Buffer) {
      seen = seen.length ? Buffer.concat([seen, chunk]) : chunk;
      const n = Math.min(seen.length, HTTP2_PREFACE.length);
      if (!seen.subarray(0, n).equals(HTTP2_PREFACE.subarray(0, n))) decide(false);
      else if (seen.length >= HTTP2_PREFACE.length) decide(true);
    }
    // Before either protocol owns the socket, a reset or an end is a connection that asked nothing complete.
    function onError() {
      socket.destroy();
    }
    socket.on('data', onData);
    socket.on('error', onError);
    socket.on('end', onError);
    socket.once('close', forget);
  });

  return {
    closeUndecided() {
      for (const socket of undecided) socket.destroy();
    },
  };
}
