import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig, type Config } from '../../src/infra/config.js';
import { ALICE, BOB, startServer, type TestServer } from '../support/server.js';
import { api, problem } from './helpers.js';

const jobs = (overrides: Partial<Config['jobs']>): Partial<Config> => ({ jobs: { ...testConfig().jobs, ...overrides } });
/** Slow enough to be seen running: one item per page, a pause between pages. */
const SLOW = jobs({ pageSize: 1, pageDelayMs: 150 });

interface JobView {
  id: string;
  status: string;
  resource: string;
  format: string;
  progress: { done: number; total: number | null; percent: number };
  links: Record<string, string>;
}

async function submit(s: TestServer, token: string, body: unknown): Promise<{ res: Response; job: JobView; location: string }> {
  const res = await api(s, '/exports', { method: 'POST', token, body });
  const job = (await res.json()) as JobView;
  return { res, job, location: res.headers.get('location') ?? '' };
}

/** The status resource, without following its 303. */
const status = (s: TestServer, location: string, token: string) => fetch(`${s.url}${location}`, { headers: { Authorization: `Bearer ${token}` }, redirect: 'manual' });

/** Polls until the status resource stops answering 200, as a client would; returns that answer. */
async function settle(s: TestServer, location: string, token: string, seen: JobView[] = []): Promise<Response> {
  for (let i = 0; i < 400; i++) {
    const res = await status(s, location, token);
    if (res.status !== 200) return res;
    seen.push((await res.json()) as JobView);
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('job did not settle');
}

describe('REST asynchronous operations: 202 → status → 303 → result', () => {
  let s: TestServer;
  let admin: string;
  beforeAll(async () => {
    s = await startServer();
    admin = await s.token();
  });
  afterAll(() => s.close());

  it('an export is accepted with 202 and a Location; the status answers 303 to the result when done', async () => {
    const { res, job, location } = await submit(s, admin, { resource: 'users' });
    expect(res.status).toBe(202);
    expect(location).toBe(`/api/v1/jobs/${job.id}`);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(job).toMatchObject({ resource: 'users', format: 'json', status: 'queued', links: { self: location } });
    const done = await settle(s, location, admin);
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(`${location}/result`);
    expect(await done.json()).toMatchObject({ status: 'succeeded', progress: { done: 2, total: 2, percent: 100 } });
    const result = await fetch(`${s.url}${location}`, { headers: { Authorization: `Bearer ${admin}` } });
    expect(result.status).toBe(200);
    expect(result.url).toBe(`${s.url}${location}/result`);
    expect(result.headers.get('content-disposition')).toBe(`attachment; filename="users-${job.id}.json"`);
    expect(((await result.json()) as { name: string }[]).map((u) => u.name)).toEqual(['Alice', 'Bob']);
  });

  it('CSV with the collection\'s filters and order; formulas in cells are neutralised', async () => {
    expect((await api(s, '/products', { method: 'POST', token: admin, body: { name: '=HYPERLINK("http://evil")', price: '1.00' } })).status).toBe(201);
    const { location } = await submit(s, admin, { resource: 'products', format: 'csv', query: { sort: '-price', filter: 'price le 50' } });
    expect((await settle(s, location, admin)).status).toBe(303);
    const csv = await fetch(`${s.url}${location}/result`, { headers: { Authorization: `Bearer ${admin}` } });
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
    expect(await csv.text()).toBe('id,name,price\n1,Laptop,50.00\n2,Mouse,25.50\n3,"\'=HYPERLINK(""http://evil"")",1.00\n');
  });

  it('a bad request is refused at once, naming the field; the query is checked by the list operation\'s own rules', async () => {
    for (const [body, field] of [
      [{ resource: 'orders' }, 'resource'],
      [{ resource: 'users', format: 'pdf' }, 'format'],
      [{ resource: 'users', query: { filter: "colour eq 'red'" } }, 'query.filter'],
      [{ resource: 'users', query: { limit: 5 } }, 'query.limit'],
    ] as const) {
      const res = await api(s, '/exports', { method: 'POST', token: admin, body });
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect((await problem(res)).errors!.map((e) => e.field)).toEqual([field]);
    }
    expect((await api(s, '/exports', { method: 'POST', body: { resource: 'users' } })).status).toBe(401);
    expect((await api(s, '/exports', { method: 'POST', token: admin, body: '{' })).status).toBe(400);
    // Well-formed JSON that is not an object reads fine but is invalid, as on every other route.
    const array = await api(s, '/exports', { method: 'POST', token: admin, body: '[1]' });
    expect(array.status).toBe(422);
    expect((await problem(array)).errors!.map((e) => e.field)).toEqual(['(body)']);
  });

  it('jobs are their owner\'s alone: anyone else, an admin included, gets 404', async () => {
    const alice = await s.token(ALICE);
    const bob = await s.token(BOB);
    const { location } = await submit(s, alice, { resource: 'products' });
    expect((await settle(s, location, alice)).status).toBe(303);
    for (const other of [bob, admin]) {
      expect((await status(s, location, other)).status).toBe(404);
      expect((await fetch(`${s.url}${location}/result`, { headers: { Authorization: `Bearer ${other}` } })).status).toBe(404);
      expect((await fetch(`${s.url}${location}`, { method: 'DELETE', headers: { Authorization: `Bearer ${other}` } })).status).toBe(404);
    }
    expect((await status(s, location, alice)).status).toBe(303);
    expect((await status(s, '/api/v1/jobs/not-a-job', alice)).status).toBe(404);
    expect((await status(s, location, '')).status).toBe(401);
  });

  it('the API root links to exports (beside the live events), and the landing page lists exports and the source profile under REST', async () => {
    const links = ((await (await api(s, '')).json()) as { links: Record<string, string> }).links;
    expect(links).toMatchObject({ exports: '/api/v1/exports', events: '/api/v1/events' });
    const index = (await (await fetch(`${s.url}/`, { headers: { Accept: 'application/json' } })).json()) as {
      faces: { name: string; links: { rel: string; href: string }[] }[];
    };
    const rest = index.faces.find((f) => f.name === 'rest')!.links;
    expect(rest.find((l) => l.rel === 'exports')?.href).toBe(`${s.url}/api/v1/exports`);
    expect(rest.find((l) => l.rel === 'profile')?.href).toBe(`${s.url}/users`);
  });
});

describe('REST asynchronous operations while they run', () => {
  let s: TestServer;
  let admin: string;
  beforeAll(async () => {
    s = await startServer({ ...SLOW, jobs: { ...SLOW.jobs!, maxActivePerOwner: 1 } });
    admin = await s.token();
    for (let i = 1; i <= 4; i++) await api(s, '/users', { method: 'POST', token: admin, body: { name: `Runner ${i}`, email: `runner${i}@example.com` } });
  });
  afterAll(() => s.close());

  it('the status resource answers 200 with progress while the export runs', async () => {
    const { location } = await submit(s, admin, { resource: 'users' });
    const seen: JobView[] = [];
    const done = await settle(s, location, admin, seen);
    expect(done.status).toBe(303);
    const running = seen.filter((j) => j.status === 'running' && j.progress.done > 0);
    expect(running.length).toBeGreaterThan(0);
    expect(running[0]!.progress.total).toBe(6);
    expect(running[0]!.progress.percent).toBe(Math.floor((running[0]!.progress.done * 100) / 6));
    const dones = seen.map((j) => j.progress.done);
    expect(dones).toEqual([...dones].sort((a, b) => a - b));
  });

  it('a second job while one runs is over the per-owner limit: 429 with Retry-After', async () => {
    const first = await submit(s, admin, { resource: 'users' });
    const second = await api(s, '/exports', { method: 'POST', token: admin, body: { resource: 'products' } });
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBe('5');
    expect((await settle(s, first.location, admin)).status).toBe(303);
    const third = await submit(s, admin, { resource: 'products' });
    expect(third.res.status).toBe(202);
    await settle(s, third.location, admin);
  });

  it('DELETE cancels a running export: it stops, and the job is gone', async () => {
    const { location } = await submit(s, admin, { resource: 'users' });
    for (let i = 0; i < 100; i++) {
      const j = (await (await status(s, location, admin)).json()) as JobView;
      if (j.progress.done > 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const cancel = await fetch(`${s.url}${location}`, { method: 'DELETE', headers: { Authorization: `Bearer ${admin}` } });
    expect(cancel.status).toBe(204);
    await new Promise((r) => setTimeout(r, 400));
    expect((await status(s, location, admin)).status).toBe(404);
    expect((await fetch(`${s.url}${location}/result`, { headers: { Authorization: `Bearer ${admin}` } })).status).toBe(404);
    // The slot is free again: the cancelled job no longer counts against the owner.
    const next = await submit(s, admin, { resource: 'products' });
    expect(next.res.status).toBe(202);
    await settle(s, next.location, admin);
  });
});

describe('REST asynchronous operations that fail', () => {
  let s: TestServer;
  let admin: string;
  beforeAll(async () => {
    s = await startServer(jobs({ maxItems: 1 }));
    admin = await s.token();
  });
  afterAll(() => s.close());

  it('a failure is problem details on the status resource, with the status that failure has everywhere', async () => {
    const { location, job } = await submit(s, admin, { resource: 'users' });
    const res = await settle(s, location, admin);
    expect(res.status).toBe(422);
    const p = (await problem(res)) as unknown as Record<string, unknown>;
    expect(p).toMatchObject({
      code: 'VALIDATION',
      jobId: job.id,
      jobStatus: 'failed',
      errors: [{ field: 'query', message: 'matches 2 items; at most 1 can be exported' }],
    });
    expect(p.detail).toContain('narrow it with a filter');
    const ru = await fetch(`${s.url}${location}`, { headers: { Authorization: `Bearer ${admin}`, 'Accept-Language': 'ru' }, redirect: 'manual' });
    expect(ru.headers.get('content-language')).toBe('ru');
    expect(((await ru.json()) as { errors: unknown[] }).errors).toEqual([{ field: 'query', message: 'найдено 2, а выгрузить можно не больше 1' }]);
    const narrowed = await submit(s, admin, { resource: 'users', query: { role: 'user', name: 'ali' } });
    expect((await settle(s, narrowed.location, admin)).status).toBe(303);
  });
});

describe('REST asynchronous operations across a restart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'polyface-jobs-'));
  const databaseUrl = join(dir, 'jobs.db');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a job cut off by shutdown runs again at the next start; a finished one is still there after another', async () => {
    const first = await startServer({ databaseUrl, ...jobs({ pageSize: 1, pageDelayMs: 400 }) });
    const token = await first.token();
    for (let i = 1; i <= 3; i++) await api(first, '/users', { method: 'POST', token, body: { name: `Keeper ${i}`, email: `keeper${i}@example.com` } });
    const { location } = await submit(first, token, { resource: 'users', format: 'csv' });
    let cutOff: JobView | undefined;
    for (let i = 0; i < 100 && !cutOff; i++) {
      const j = (await (await status(first, location, token)).json()) as JobView;
      if (j.status === 'running' && j.progress.done > 0) cutOff = j;
      else await new Promise((r) => setTimeout(r, 20));
    }
    expect(cutOff?.progress.done).toBeLessThan(5);
    await first.close();

    const second = await startServer({ databaseUrl });
    const done = await settle(second, location, token);
    expect(done.status).toBe(303);
    const csv = await (await fetch(`${second.url}${location}/result`, { headers: { Authorization: `Bearer ${token}` } })).text();
    expect(csv.trim().split('\n')).toHaveLength(1 + 5);
    await second.close();

    const third = await startServer({ databaseUrl });
    expect((await status(third, location, token)).status).toBe(303);
    expect(await (await fetch(`${third.url}${location}/result`, { headers: { Authorization: `Bearer ${token}` } })).text()).toBe(csv);
    await third.close();
  });
});
