import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, ALICE, BOB, startServer, type TestServer } from '../support/server.js';
import { delay, sio, sioRefused, type SioClient } from './support.js';

/** The Socket.IO chat: the source material's events over both transports, with socket.io-client. */
let s: TestServer;
const open: SioClient[] = [];
beforeAll(async () => {
  s = await startServer();
});
afterEach(() => {
  for (const c of open.splice(0)) c.socket.close();
});
afterAll(() => s.close());

async function connect(who: { username: string; password: string }, transport?: 'polling' | 'websocket'): Promise<SioClient> {
  const c = await sio(s, await s.token(who), transport ? { transports: [transport] } : {});
  open.push(c);
  return c;
}

const alice = { id: 1, name: 'Alice' };
const bob = { id: 2, name: 'Bob' };

describe('Socket.IO chat', () => {
  it('refuses a handshake without a valid token: connect_error, no events', async () => {
    const none = await sioRefused(s, undefined);
    expect(none.message).toBe('Authentication required');
    expect(none.data).toEqual({ code: 'UNAUTHENTICATED' });
    const bad = await sioRefused(s, 'not-a-token', { transports: ['websocket'] });
    expect(bad.data).toEqual({ code: 'UNAUTHENTICATED' });
  });

  it('login tells everyone (the caller too) and gives the caller the active users; names combine account and free text', async () => {
    const a = await connect(ALICE);
    const b = await connect(BOB);
    a.socket.emit('login', { username: 'Ally' });
    expect(await b.inbox.next('user_online')).toEqual({ on: 'user_online', user_id: a.socket.id, username: 'Ally (Alice)', user: alice });
    expect(await a.inbox.next('user_online')).toMatchObject({ user_id: a.socket.id });
    expect(await a.inbox.next('active_users')).toEqual({ on: 'active_users', users: { [a.socket.id!]: 'Ally (Alice)' } });

    // Bob may not pass for Alice; with no name (or his own) he is shown as his account.
    b.socket.emit('login', { username: 'Alice' });
    expect((await a.inbox.next('user_online')).username).toBe('Alice (Bob)');
    b.socket.emit('login', {});
    expect((await a.inbox.next('user_online')).username).toBe('Bob');
    expect((await b.inbox.next((m) => m.on === 'active_users' && Object.values(m.users as object).includes('Bob'))).users).toEqual({
      [a.socket.id!]: 'Ally (Alice)',
      [b.socket.id!]: 'Bob',
    });
  });

  it('delivers room messages between a long-polling client and a WebSocket client', async () => {
    const a = await connect(ALICE, 'polling');
    const b = await connect(BOB, 'websocket');
    expect(a.socket.io.engine.transport.name).toBe('polling');
    expect(b.socket.io.engine.transport.name).toBe('websocket');
    expect(await a.socket.emitWithAck('join_room', { room_id: 'general' })).toEqual({ ok: true });
    expect(await a.inbox.next('user_joined')).toEqual({ on: 'user_joined', user_id: a.socket.id, username: 'Alice', room_id: 'general', user: alice });
    await b.socket.emitWithAck('join_room', { room_id: 'general' });
    expect(await a.inbox.next('user_joined')).toMatchObject({ user_id: b.socket.id, username: 'Bob' });

    const before = Date.now() / 1000;
    b.socket.emit('send_message', { room_id: 'general', message: 'over WebSocket' });
    const got = await a.inbox.next('new_message');
    expect(got).toEqual({ on: 'new_message', user_id: b.socket.id, username: 'Bob', message: 'over WebSocket', timestamp: expect.any(Number), room_id: 'general', user: bob });
    // Seconds, as Python's time.time() in the source material (its page multiplies by 1000).
    expect(got.timestamp as number).toBeGreaterThanOrEqual(before - 1);
    expect(got.timestamp as number).toBeLessThanOrEqual(Date.now() / 1000 + 1);
    a.socket.emit('send_message', { room_id: 'general', message: 'over long polling' });
    expect(await b.inbox.next((m) => m.message === 'over long polling')).toMatchObject({ user_id: a.socket.id, username: 'Alice' });
    expect(await a.inbox.next('new_message')).toMatchObject({ message: 'over long polling' });
  });

  it('keeps rooms apart, and a member who left hears nothing more', async () => {
    const a = await connect(ALICE);
    const b = await connect(BOB);
    const c = await connect(ADMIN);
    await a.socket.emitWithAck('join_room', { room_id: 'general' });
    await b.socket.emitWithAck('join_room', { room_id: 'general' });
    await c.socket.emitWithAck('join_room', { room_id: 'support' });
    a.socket.emit('send_message', { room_id: 'general', message: 'general only' });
    c.socket.emit('send_message', { room_id: 'support', message: 'support only' });
    expect(await b.inbox.next('new_message')).toMatchObject({ message: 'general only' });
    expect(await c.inbox.next('new_message')).toMatchObject({ message: 'support only' });
    await delay(150);
    expect(b.inbox.of('new_message').map((m) => m.message)).toEqual(['general only']);
    expect(c.inbox.of('new_message').map((m) => m.message)).toEqual(['support only']);
    expect(c.inbox.of('user_joined').map((m) => m.user_id)).toEqual([c.socket.id]);

    // Leaving: the others are told, the leaver is not, and hears nothing from the room afterwards.
    expect(await b.socket.emitWithAck('leave_room', { room_id: 'general' })).toEqual({ ok: true });
    expect(await a.inbox.next('user_left')).toEqual({ on: 'user_left', user_id: b.socket.id, username: 'Bob', room_id: 'general', user: bob });
    a.socket.emit('send_message', { room_id: 'general', message: 'after Bob left' });
    await a.inbox.next((m) => m.message === 'after Bob left');
    await delay(100);
    expect(b.inbox.of('new_message')).toHaveLength(1);
    expect(b.inbox.of('user_left')).toEqual([]);
    // Speaking in a room one is not in is refused: with the acknowledgement when asked for, else chat_error.
    expect(await b.socket.emitWithAck('send_message', { room_id: 'general', message: 'let me in' })).toEqual({ ok: false, error: 'Join room "general" first' });
    b.socket.emit('typing', { room_id: 'general', typing: true });
    expect(await b.inbox.next('chat_error')).toEqual({ on: 'chat_error', event: 'typing', message: 'Join room "general" first' });
  });

  it('shows typing to the others in the room, never to the typist', async () => {
    const a = await connect(ALICE);
    const b = await connect(BOB);
    await a.socket.emitWithAck('join_room', { room_id: 'random' });
    await b.socket.emitWithAck('join_room', { room_id: 'random' });
    a.socket.emit('typing', { room_id: 'random', typing: true });
    expect(await b.inbox.next('user_typing')).toEqual({ on: 'user_typing', user_id: a.socket.id, username: 'Alice', typing: true, room_id: 'random', user: alice });
    a.socket.emit('typing', { room_id: 'random', typing: false });
    expect(await b.inbox.next('user_typing')).toMatchObject({ typing: false });
    // A message after the typing events proves they were all handled before it.
    await a.socket.emitWithAck('send_message', { room_id: 'random', message: 'done' });
    expect(a.inbox.of('user_typing')).toEqual([]);
  });

  it('on disconnect tells its rooms (user_left) and everyone (user_offline)', async () => {
    const a = await connect(ALICE);
    const b = await connect(BOB);
    const c = await connect(ADMIN);
    a.socket.emit('login', {});
    await a.socket.emitWithAck('join_room', { room_id: 'general' });
    await b.socket.emitWithAck('join_room', { room_id: 'general' });
    const id = a.socket.id;
    a.socket.close();
    expect(await b.inbox.next('user_left')).toEqual({ on: 'user_left', user_id: id, username: 'Alice', room_id: 'general', user: alice });
    expect(await c.inbox.next('user_offline')).toEqual({ on: 'user_offline', user_id: id, username: 'Alice', user: alice });
    expect(c.inbox.of('user_left')).toEqual([]);
    // No longer listed.
    b.socket.emit('login', {});
    expect(Object.values((await b.inbox.next('active_users')).users as object)).toEqual(['Bob']);
  });

  it('refuses bad payloads and unknown events with a message, and the connection stays', async () => {
    const a = await connect(ALICE);
    expect(await a.socket.emitWithAck('join_room', { room_id: '' })).toEqual({ ok: false, error: 'room_id must be a string of 1 to 64 characters' });
    expect(await a.socket.emitWithAck('join_room', { room_id: 'x'.repeat(65) })).toMatchObject({ ok: false });
    expect(await a.socket.emitWithAck('join_room', 'general')).toMatchObject({ ok: false });
    await a.socket.emitWithAck('join_room', { room_id: 'general' });
    expect(await a.socket.emitWithAck('send_message', { room_id: 'general', message: '   ' })).toEqual({ ok: false, error: 'message must be a non-empty string' });
    a.socket.emit('shout', { room_id: 'general' });
    expect(await a.inbox.next('chat_error')).toEqual({ on: 'chat_error', event: 'shout', message: 'Unknown event "shout"' });
    expect(await a.socket.emitWithAck('send_message', { room_id: 'general', message: 'fine' })).toEqual({ ok: true });
    expect(a.socket.connected).toBe(true);
  });
});
