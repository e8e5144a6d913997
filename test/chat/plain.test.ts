import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, ALICE, BOB, startServer, type TestServer } from '../support/server.js';
import { chatUrl, delay, plain, refused } from './support.js';

/** The plain WebSocket chat at /ws/chat: the source material's message protocol, message by message. */
let s: TestServer;
beforeAll(async () => {
  s = await startServer();
});
afterAll(() => s.close());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('plain WebSocket chat', () => {
  it('welcomes a newcomer first, tells only the others, and counts who is there', async () => {
    const alice = await plain(s, await s.token(ALICE));
    const welcome = await alice.inbox.next('connection_established');
    expect(alice.inbox.all[0]).toBe(welcome);
    expect(welcome).toEqual({ type: 'connection_established', client_id: expect.stringMatching(UUID), message: 'Connection established', user: { id: 1, name: 'Alice' } });

    // Bob by Authorization header instead of access_token.
    const bob = await plain(s, await s.token(BOB), 'header');
    const bobId = (await bob.inbox.next('connection_established')).client_id;
    expect(await alice.inbox.next('user_connected')).toEqual({ type: 'user_connected', client_id: bobId, active_users: 2, user: { id: 2, name: 'Bob' } });
    await delay(100);
    expect(bob.inbox.of('user_connected')).toEqual([]);

    bob.ws.close();
    expect(await alice.inbox.next('user_disconnected')).toEqual({ type: 'user_disconnected', client_id: bobId, active_users: 1, user: { id: 2, name: 'Bob' } });
    alice.ws.close();
    await alice.closed;
  });

  it('broadcasts chat messages to everyone, the sender too, keeping a numeric timestamp the client sent', async () => {
    const alice = await plain(s, await s.token(ALICE));
    const bob = await plain(s, await s.token(BOB));
    const aliceId = (await alice.inbox.next('connection_established')).client_id;
    await bob.inbox.next('connection_established');
    alice.send({ type: 'chat_message', text: 'Hi all', timestamp: 1700000000000 });
    const expected = { type: 'chat_message', from: aliceId, text: 'Hi all', timestamp: 1700000000000, user: { id: 1, name: 'Alice' } };
    expect(await bob.inbox.next('chat_message')).toEqual(expected);
    expect(await alice.inbox.next('chat_message')).toEqual(expected);

    // Without a timestamp (or with one that is not a number) the server's clock is used, in milliseconds.
    const before = Date.now();
    alice.send({ type: 'chat_message', text: 'again', timestamp: 'yesterday' });
    const stamped = await bob.inbox.next('chat_message');
    expect(stamped.timestamp).toBeGreaterThanOrEqual(before);
    expect(stamped.timestamp).toBeLessThanOrEqual(Date.now());
    alice.ws.close();
    bob.ws.close();
  });

  it('delivers a private message to its recipient only, and tells the sender when the recipient is not online', async () => {
    const alice = await plain(s, await s.token(ALICE));
    const bob = await plain(s, await s.token(BOB));
    const admin = await plain(s, await s.token(ADMIN));
    const aliceId = (await alice.inbox.next('connection_established')).client_id;
    const bobId = (await bob.inbox.next('connection_established')).client_id as string;
    alice.send({ type: 'private_message', to: bobId, text: 'psst' });
    expect(await bob.inbox.next('private_message')).toEqual({
      type: 'private_message',
      from: aliceId,
      text: 'psst',
      timestamp: expect.any(Number),
      user: { id: 1, name: 'Alice' },
    });
    alice.send({ type: 'private_message', to: '00000000-0000-4000-8000-000000000000', text: 'anyone?' });
    expect(await alice.inbox.next('error')).toEqual({ type: 'error', message: 'User is not online' });
    await delay(100);
    expect(admin.inbox.of('private_message')).toEqual([]);
    expect(alice.inbox.of('private_message')).toEqual([]);
    // The bootstrap admin has no user record: id null, shown as "admin".
    expect(admin.inbox.all[0]).toMatchObject({ type: 'connection_established', user: { id: null, name: 'admin' } });
    for (const c of [alice, bob, admin]) c.ws.close();
  });

  it('answers malformed JSON, unknown types and bad fields with an error message and keeps the connection', async () => {
    const alice = await plain(s, await s.token(ALICE));
    await alice.inbox.next('connection_established');
    const cases: [unknown, string][] = [
      ['{not json', 'Malformed message: expected a JSON object'],
      ['[1, 2]', 'Malformed message: expected a JSON object'],
      ['"text"', 'Malformed message: expected a JSON object'],
      [{ type: 'shout', text: 'x' }, 'Unknown message type'],
      [{ text: 'no type' }, 'Unknown message type'],
      [{ type: 'chat_message', text: 42 }, 'text must be a string'],
      [{ type: 'private_message', text: 'x' }, 'to must be a client id'],
      [{ type: 'private_message', to: 'someone', text: null }, 'text must be a string'],
    ];
    for (const [message, error] of cases) {
      alice.send(message);
      expect(await alice.inbox.next('error')).toEqual({ type: 'error', message: error });
    }
    alice.send({ type: 'chat_message', text: 'still here' });
    expect(await alice.inbox.next('chat_message')).toMatchObject({ text: 'still here' });
    alice.ws.close();
  });

  it('refuses a handshake without a valid token with 401 and a Bearer challenge, before any WebSocket exists', async () => {
    const none = await refused(chatUrl(s));
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="polyface"');
    const bad = await refused(chatUrl(s, '?access_token=not-a-token'));
    expect(bad.status).toBe(401);
    expect(bad.headers['www-authenticate']).toBe('Bearer realm="polyface", error="invalid_token"');
    expect((await refused(chatUrl(s), { Authorization: 'Basic YWxpY2U6eA==' })).status).toBe(401);
  });

  it('answers a plain HTTP request with 426 Upgrade Required', async () => {
    const res = await fetch(`${s.url}/ws/chat`);
    expect(res.status).toBe(426);
    expect(res.headers.get('upgrade')).toBe('websocket');
  });

  it('closes a connection whose token was revoked (password changed) at its next message, with 1008', async () => {
    const admin = await s.token(ADMIN);
    const created = await fetch(`${s.url}/api/v1/users`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Carol', email: 'carol@example.com', password: 'carol-password' }),
    });
    const carol = (await created.json()) as { id: number };
    const token = await s.token({ username: 'carol@example.com', password: 'carol-password' });
    const client = await plain(s, token);
    await client.inbox.next('connection_established');
    const changed = await fetch(`${s.url}/api/v1/users/${carol.id}`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/merge-patch+json' },
      body: JSON.stringify({ password: 'another-password' }),
    });
    expect(changed.status).toBe(200);
    client.send({ type: 'chat_message', text: 'am I still in?' });
    expect(await client.closed).toEqual({ code: 1008, reason: 'token expired or revoked' });
    expect(client.inbox.of('chat_message')).toEqual([]);
  });
});
