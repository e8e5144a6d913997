import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';

const run = promisify(execFile);

/** The sh blocks of the README's REST section, in order. */
function readmeRestBlocks(): string[] {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.split(/^## /m).find((s) => s.startsWith('REST\n'));
  if (!section) throw new Error('README has no "## REST" section');
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

describe("README's REST walk-through (the source material's client flow), run as written", () => {
  let s: TestServer;
  beforeAll(async () => {
    // The README assumes the Quick start's ADMIN_PASSWORD=change-me.
    s = await startServer({ adminPassword: 'change-me' });
  });
  afterAll(() => s.close());

  it('authenticates, lists, creates Charlie, patches his email, deletes him; the extra examples work too', async () => {
    const blocks = readmeRestBlocks();
    expect(blocks).toHaveLength(4);
    const script = blocks.join('\n').replaceAll('http://127.0.0.1:3000', s.url);
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', script], { timeout: 30_000 });
    const lines = stdout.split('\n').filter(Boolean);

    const listed = JSON.parse(lines[0]!) as { data: { name: string }[]; page: unknown };
    expect(listed.data.map((u) => u.name)).toEqual(['Alice', 'Bob']);
    expect(listed.page).toEqual({ limit: 10, offset: 0, total: 2 });

    const created = JSON.parse(lines[1]!) as { id: number; name: string; email: string };
    expect(created).toMatchObject({ id: 3, name: 'Charlie', email: 'charlie@example.com' });

    const patched = JSON.parse(lines[2]!) as { id: number; email: string; version: number };
    expect(patched).toMatchObject({ id: 3, email: 'charlie.updated@example.com', version: 2 });

    expect(lines[3]).toBe('204');

    const picked = JSON.parse(lines[4]!) as { data: unknown[] };
    expect(picked.data).toEqual([{ id: 1, name: 'Alice', links: { self: '/api/v1/users/1', orders: '/api/v1/users/1/orders' } }]);
    expect(lines[5]).toBe('304');
    expect(lines[6]).toBe('304');
    expect(lines[7]).toContain('<product><id>1</id><name>Laptop</name><price>50.00</price>');
    expect((JSON.parse(lines[8]!) as { data: { name: string }[] }).data.map((u) => u.name)).toEqual(['Alice']);
    const products = JSON.parse(lines[9]!) as { data: { name: string }[]; pagination: Record<string, number> };
    expect(products.data.map((p) => p.name)).toEqual(['Laptop', 'Mouse']);
    expect(products.pagination).toEqual({ totalRecords: 2, totalPages: 1, currentPage: 1, perPage: 5, maxPerPage: 100 });
    expect(lines[10]).toBe('"Alice"');
    expect(lines[11]).toBe('2');
    expect(lines[12]).toBe('application/vnd.polyface.v1+json; charset=utf-8');
    // The export: a CSV of the users with role "user", by name.
    expect(lines.slice(13, 16)).toEqual([
      'id,name,email,role,createdAt,updatedAt,version',
      '1,Alice,alice@example.com,user,2026-01-15T09:00:00.000Z,2026-01-15T09:00:00.000Z,1',
      '2,Bob,bob@example.com,user,2026-01-15T09:01:00.000Z,2026-01-15T09:01:00.000Z,1',
    ]);

    const bulk = JSON.parse(lines[16]!) as { items: { status: number }[] };
    expect(bulk).toMatchObject({ handling: 'lenient', succeeded: 1, failed: 1, items: [{ status: 201, user: { name: 'Dana' } }, { status: 409 }] });
    expect(JSON.parse(lines[17]!)).toMatchObject({ title: 'Не найдено', status: 404, detail: 'Пользователь 999 не найден' });

    const token = await s.token({ username: 'admin', password: 'change-me' });
    const gone = await fetch(`${s.url}/api/v1/users/3`, { headers: { Authorization: `Bearer ${token}` } });
    expect(gone.status).toBe(404);
  });

  it('the second block runs on its own, in any order: its own token, and the ETag and date it revalidates are the current ones', async () => {
    // Alice is no longer at version 1 (another example changed her): a hard-coded "v1" would answer 200 here.
    const token = await s.token({ username: 'admin', password: 'change-me' });
    const patched = await fetch(`${s.url}/api/v1/users/1`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/merge-patch+json' },
      body: JSON.stringify({ name: 'Alice' }),
    });
    expect(((await patched.json()) as { version: number }).version).toBeGreaterThan(1);
    const script = readmeRestBlocks()[1]!.replaceAll('http://127.0.0.1:3000', s.url);
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', script], { timeout: 30_000 });
    const lines = stdout.split('\n').filter(Boolean);
    expect(JSON.parse(lines[0]!)).toMatchObject({ data: [{ id: 1, name: 'Alice' }] });
    expect(lines[1]).toBe('304');
    expect(lines[2]).toBe('304');
    expect(lines[3]).toContain('<product><id>1</id><name>Laptop</name>');
  });
});
