import { connect, type Socket } from 'node:net';

/** What a raw HTTP/1.1 exchange came to: the status line's code (if any answer came) and whether the server closed. */
export interface RawOutcome {
  status: number | undefined;
  closedByServer: boolean;
  ms: number;
}

/**
 * A request written by hand over TCP, for what fetch cannot send: a declared body far larger than what follows
 * it, or headers that never end. `trickle` is written every `everyMs` until the server closes or `forMs` passes.
 */
export function rawExchange(url: string, head: string, opts: { trickle: string; everyMs: number; forMs: number }): Promise<RawOutcome> {
  const { hostname, port } = new URL(url);
  const began = Date.now();
  return new Promise((resolve) => {
    const socket: Socket = connect(Number(port), hostname);
    let answer = '';
    let done = false;
    const finish = (closedByServer: boolean) => {
      if (done) return;
      done = true;
      clearInterval(timer);
      clearTimeout(limit);
      socket.destroy();
      const m = /^HTTP\/1\.1 (\d{3})/.exec(answer);
      resolve({ status: m ? Number(m[1]) : undefined, closedByServer, ms: Date.now() - began });
    };
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      if (answer.length < 4096) answer += d;
    });
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
    socket.write(head);
    const timer = setInterval(() => {
      if (!socket.destroyed && socket.writable) socket.write(opts.trickle);
    }, opts.everyMs);
    const limit = setTimeout(() => finish(false), opts.forMs);
  });
}
