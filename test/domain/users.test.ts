import { beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../../src/domain/errors.js';
import { admin, alice, anonymous, bob, domainFixture } from '../support/domain.js';

type Fixture = Awaited<ReturnType<typeof domainFixture>>;

async function failure(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a DomainError');
}

describe('UserService', () => {
  let d: Fixture;
  beforeEach(async () => {
    d = await domainFixture();
  });

  it('refuses anonymous callers', async () => {
    expect((await failure(d.users.get(anonymous, { id: 1 }))).kind).toBe('UNAUTHENTICATED');
  });

  it('reads the demo users', async () => {
    const page = await d.users.list(alice, {});
    expect(page.items.map((u) => u.name)).toEqual(['Alice', 'Bob']);
    expect(page).toMatchObject({ total: 2, limit: 10, offset: 0 });
    expect(page.items[0]).not.toHaveProperty('passwordHash');
  });

  it('filters by partial name, role and email, sorts and pages', async () => {
    await d.users.create(admin, { name: 'Charlie', email: 'charlie@example.com' });
    await d.users.create(admin, { name: 'Alicia', email: 'alicia@example.com', role: 'admin' });
    expect((await d.users.list(alice, { name: 'ALI' })).items.map((u) => u.name)).toEqual(['Alice', 'Alicia']);
    expect((await d.users.list(alice, { role: 'admin' })).items.map((u) => u.name)).toEqual(['Alicia']);
    expect((await d.users.list(admin, { email: 'BOB@example.com' })).items.map((u) => u.id)).toEqual([2]);
    expect((await d.users.list(alice, { sort: '-name' })).items.map((u) => u.name)).toEqual(['Charlie', 'Bob', 'Alicia', 'Alice']);
    const second = await d.users.list(alice, { limit: 2, offset: 2, sort: 'name' });
    expect(second.items.map((u) => u.name)).toEqual(['Bob', 'Charlie']);
    expect(second.total).toBe(4);
  });

  it('treats LIKE wildcards in the name filter as text', async () => {
    expect((await d.users.list(alice, { name: '%' })).total).toBe(0);
    expect((await d.users.list(alice, { name: '_' })).total).toBe(0);
  });

  it('validates input with field errors, including unknown fields and bad sort keys', async () => {
    const e = await failure(d.users.create(admin, { name: '', email: 'nope', colour: 'red' }));
    expect(e.kind).toBe('VALIDATION');
    expect(e.fields.map((f) => f.field).sort()).toEqual(['colour', 'email', 'name']);
    expect((await failure(d.users.list(alice, { limit: 101 }))).fields[0]!.field).toBe('limit');
    expect((await failure(d.users.list(alice, { sort: 'password' }))).fields[0]!.field).toBe('sort');
    expect((await failure(d.users.get(alice, { id: '1' }))).kind).toBe('VALIDATION');
  });

  it('only admins create users; emails are unique case-insensitively', async () => {
    expect((await failure(d.users.create(alice, { name: 'X', email: 'x@example.com' }))).kind).toBe('FORBIDDEN');
    const created = await d.users.create(admin, { name: 'Charlie', email: 'Charlie@Example.com' });
    expect(created).toMatchObject({ name: 'Charlie', email: 'charlie@example.com', role: 'user', version: 1 });
    const dup = await failure(d.users.create(admin, { name: 'Other', email: 'CHARLIE@example.com' }));
    expect(dup.kind).toBe('CONFLICT');
    expect(dup.fields).toEqual([{ field: 'email', message: 'already in use' }]);
  });

  it('lets a user change only themselves, and never their role', async () => {
    const self = await d.users.patch(alice, { id: 1, name: 'Alice A.' });
    expect(self).toMatchObject({ name: 'Alice A.', version: 2 });
    expect((await failure(d.users.patch(alice, { id: 2, name: 'Hacked' }))).kind).toBe('FORBIDDEN');
    expect((await failure(d.users.patch(alice, { id: 1, role: 'admin' }))).kind).toBe('FORBIDDEN');
    expect((await d.users.patch(admin, { id: 1, role: 'admin' })).role).toBe('admin');
  });

  it('full update keeps role when omitted and bumps the version', async () => {
    const u = await d.users.update(admin, { id: 2, name: 'Robert', email: 'robert@example.com' });
    expect(u).toMatchObject({ id: 2, name: 'Robert', email: 'robert@example.com', role: 'user', version: 2 });
    expect((await failure(d.users.update(admin, { id: 2, name: 'Robert' }))).fields.map((f) => f.field)).toEqual(['email']);
  });

  it('refuses a stale expectedVersion and leaves the record untouched', async () => {
    await d.users.patch(admin, { id: 1, name: 'v2' });
    const e = await failure(d.users.patch(admin, { id: 1, name: 'lost update', expectedVersion: 1 }));
    expect(e.kind).toBe('PRECONDITION_FAILED');
    expect(await d.users.get(admin, { id: 1 })).toMatchObject({ name: 'v2', version: 2 });
    expect((await d.users.patch(admin, { id: 1, name: 'v3', expectedVersion: 2 })).version).toBe(3);
  });

  it('a patch to a taken email is a conflict', async () => {
    expect((await failure(d.users.patch(admin, { id: 1, email: 'bob@example.com' }))).kind).toBe('CONFLICT');
  });

  it('patch needs at least one field', async () => {
    expect((await failure(d.users.patch(admin, { id: 1 }))).kind).toBe('VALIDATION');
  });

  it('deletes a user with their orders in one go; missing users are NOT_FOUND', async () => {
    expect(await d.users.delete(admin, { id: 1 })).toEqual({ deleted: true, id: 1 });
    expect((await failure(d.users.get(admin, { id: 1 }))).kind).toBe('NOT_FOUND');
    expect((await failure(d.orders.get(admin, { id: 1 }))).kind).toBe('NOT_FOUND');
    expect((await failure(d.users.delete(admin, { id: 1 }))).kind).toBe('NOT_FOUND');
    expect((await failure(d.users.delete(bob, { id: 99 }))).kind).toBe('FORBIDDEN');
  });
});
