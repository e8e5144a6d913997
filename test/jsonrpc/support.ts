import { WebSocket } from 'ws';

export interface RpcHttpReply {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed body, or undefined when empty. */
  body: any;
}

/** POST /rpc with a raw string (sent as-is, so invalid JSON stays invalid) or a value to serialise. */
export async function post(
  url: string,
  payload: unknown,
  opts: { token?: string; headers?: Record<string, string>; method?: string } = {},
): Promise<RpcHttpReply> {
  const res = await fetch(`${url}/rpc`, {
    method: opts.method ?? 'POST',
    headers: {
      'Content-Type': 'application/json',
      ...(opts.token ? { Authorization: `Bearer ${opts.token}` } : {}),
      ...opts.headers,
    },
    ...(opts.method === 'GET' || opts.method === 'HEAD' ? {} : { body: typeof payload === 'string' ? payload : JSON.stringify(payload) }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: text ? JSON.parse(text) : undefined };
}

export const call = (method: string, params: unknown, id: string | number | null = 1) =>
  params === undefined ? { jsonrpc: '2.0', method, id } : { jsonrpc: '2.0', method, params, id };

export const notify = (method: string, params?: unknown) =>
  params === undefined ? { jsonrpc: '2.0', method } : { jsonrpc: '2.0', method, params };

/** A WebSocket on /rpc that hands out incoming messages in order. */
export async function openSocket(url: string, opts: { token?: string; query?: string; headers?: Record<string, string> } = {}) {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/rpc${opts.query ?? ''}`, {
    headers: { ...(opts.token ? { Authorization: `Bearer ${opts.token}` } : {}), ...opts.headers },
  });
  const inbox: string[] = [];
  const waiting: ((m: string) => void)[] = [];
  ws.on('message', (data) => {
    const m = String(data);
    const w = waiting.shift();
    if (w) w(m);
    else inbox.push(m);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    ws,
    send: (payload: unknown) => ws.send(typeof payload === 'string' ? payload : JSON.stringify(payload)),
    next: (): Promise<any> =>
      new Promise((resolve) => {
        const m = inbox.shift();
        if (m !== undefined) resolve(JSON.parse(m));
        else waiting.push((x) => resolve(JSON.parse(x)));
      }),
    closed: (): Promise<{ code: number; reason: string }> =>
      new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: String(reason) }))),
    close: () => ws.close(),
  };
}

export { ALICE_USER, LAPTOP, MOUSE } from '../support/demo.js';
