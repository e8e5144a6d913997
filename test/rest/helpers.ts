import type { TestServer } from '../support/server.js';

export { ALICE_USER } from '../support/demo.js';

export interface Call {
  method?: string;
  token?: string;
  headers?: Record<string, string>;
  /** Objects are sent as JSON (Content-Type application/json unless given); strings as they are. */
  body?: unknown;
}

/** One request to the REST facade: `path` is below /api/v1. */
export async function api(s: TestServer, path: string, call: Call = {}): Promise<Response> {
  const headers: Record<string, string> = { ...call.headers };
  if (call.token) headers.Authorization = `Bearer ${call.token}`;
  let body: string | undefined;
  if (call.body !== undefined) {
    body = typeof call.body === 'string' ? call.body : JSON.stringify(call.body);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
  }
  return fetch(`${s.url}/api/v1${path}`, { method: call.method ?? 'GET', headers, ...(body === undefined ? {} : { body }) });
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code?: string;
  errors?: { field: string; message: string }[];
}

/** Asserts a problem+json answer and returns its body. */
export async function problem(res: Response): Promise<ProblemBody> {
  const type = res.headers.get('content-type') ?? '';
  if (!type.startsWith('application/problem+json')) throw new Error(`expected problem+json, got ${res.status} ${type}: ${await res.text()}`);
  const body = (await res.json()) as ProblemBody;
  if (body.status !== res.status) throw new Error(`problem status ${body.status} differs from HTTP ${res.status}`);
  if (JSON.stringify(body).includes('    at ')) throw new Error('stack trace leaked');
  return body;
}

let seq = 0;
/** A fresh user made by the admin over REST; returns its representation and ETag. */
export async function freshUser(s: TestServer, extra: Record<string, unknown> = {}): Promise<{ id: number; etag: string; body: Record<string, unknown> }> {
  seq++;
  const res = await api(s, '/users', {
    method: 'POST',
    token: await s.token(),
    body: { name: `Fresh ${seq}`, email: `fresh.${seq}.${Date.now()}@example.com`, ...extra },
  });
  if (res.status !== 201) throw new Error(`could not create user: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as Record<string, unknown>;
  return { id: body.id as number, etag: res.headers.get('etag')!, body };
}
