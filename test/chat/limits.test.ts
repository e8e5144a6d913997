import { afterEach, describe, expect, it } from 'vitest';
import { TYPES } from '../../src/app/tokens.js';
import { testConfig, type Config } from '../../src/infra/config.js';
import { ALICE, BOB, startServer, type TestServer } from '../support/server.js';
import { chatUrl, delay, plain, refused, sio, sioRefused, until, type SioClient } from './support.js';

/** Every chat limit, hit on purpose (README "Limits"). */
let s: TestServer | undefined;
const clients: { close(): void }[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await s?.close();
  s = undefined;
});

async function start(chat: Partial<Config['chat']>, ws: Partial<Config['ws']> = {}): Promise<TestServer> {
  const base = testConfig();
  s = await startServer({ chat: { ...base.chat, ...chat }, ws: { ...base.ws, ...ws } });
  return s;
}

async function io(server: TestServer, who: { username: string; password: string }, transport?: 'polling' | 'websocket'): Promise<SioClient> {
  const c = await sio(server, await server.token(who), transport ? { transports: [transport] } : {});
  clients.push(c.socket);
  return c;
}

const disconnected = (c: SioClient) => new Promise<string>((r) => c.socket.once('disconnect', r));

describe('plain chat limits', () => {
  it('closes a socket that sends a message over CHAT_MAX_MESSAGE_BYTES with 1009', async () => {
    const server = await start({ maxMessageBytes: 1024 });
    const c = await plain(server, await server.token(ALICE));
    c.send({ type: 'chat_message', text: 'x'.repeat(900) });
    await c.inbox.next('chat_message');
    c.send({ type: 'chat_message', text: 'x'.repeat(2000) });
    expect((await c.closed).code).toBe(1009);
  });

  it('closes a socket over CHAT_MAX_MESSAGES_PER_SECOND with 1008', async () => {
    const server = await start({ maxMessagesPerSecond: 5 });
    const c = await plain(server, await server.token(ALICE));
    // A burst up to the rate goes through…
    for (let i = 0; i < 5; i++) c.send({ type: 'chat_message', text: `m${i}` });
    await c.inbox.next((m) => m.text === 'm4');
    // …a flood does not.
    for (let i = 0; i < 20; i++) c.send({ type: 'chat_message', text: `flood${i}` });
    expect(await c.closed).toEqual({ code: 1008, reason: 'message rate exceeded' });
    expect(c.inbox.of('chat_message').length).toBeLessThan(25);
  });

  it('cuts a member that stops reading once four times WS_MAX_BUFFERED_BYTES wait for it; the others carry on', async () => {
    const server = await start({ maxMessageBytes: 8192, maxMessagesPerSecond: 100_000 }, { maxBufferedBytes: 16_384, slowPeerMs: 60_000 });
    const reader = await plain(server, await server.token(BOB));
    const readerId = (await reader.inbox.next('connection_established')).client_id;
    (reader.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const writer = await plain(server, await server.token(ALICE));
    const text = 'y'.repeat(8000);
    let sent = 0;
    while (!writer.inbox.of('user_disconnected').length && sent < 5_000) {
      writer.send({ type: 'chat_message', text });
      sent++;
      if (sent % 50 === 0) await delay(5);
    }
    expect(await writer.inbox.next('user_disconnected', 10_000)).toMatchObject({ client_id: readerId, active_users: 1 });
    writer.send({ type: 'chat_message', text: 'still working' });
    await writer.inbox.next((m) => m.text === 'still working');
    reader.ws.terminate();
  });
});

describe('Socket.IO chat limits', () => {
  it('refuses more than CHAT_MAX_ROOMS_PER_CONNECTION rooms', async () => {
    const server = await start({ maxRoomsPerConnection: 2 });
    const a = await io(server, ALICE);
    await a.socket.emitWithAck('join_room', { room_id: 'general' });
    await a.socket.emitWithAck('join_room', { room_id: 'support' });
    expect(await a.socket.emitWithAck('join_room', { room_id: 'random' })).toEqual({ ok: false, error: 'At most 2 rooms per connection' });
    await a.socket.emitWithAck('leave_room', { room_id: 'support' });
    expect(await a.socket.emitWithAck('join_room', { room_id: 'random' })).toEqual({ ok: true });
  });

  it('disconnects a client over CHAT_MAX_MESSAGES_PER_SECOND after telling it why', async () => {
    const server = await start({ maxMessagesPerSecond: 5 });
    const a = await io(server, ALICE);
    await a.socket.emitWithAck('join_room', { room_id: 'general' });
    const gone = disconnected(a);
    for (let i = 0; i < 20; i++) a.socket.emit('typing', { room_id: 'general', typing: true });
    expect(await a.inbox.next('chat_error')).toMatchObject({ message: 'message rate exceeded' });
    expect(await gone).toBe('io server disconnect');
  });

  it('drops a connection that sends a packet over CHAT_MAX_MESSAGE_BYTES, on either transport', async () => {
    const server = await start({ maxMessageBytes: 1024 });
    for (const [transport, reason] of [
      ['websocket', 'transport close'],
      ['polling', 'transport error'],
    ] as const) {
      const a = await io(server, ALICE, transport);
      await a.socket.emitWithAck('join_room', { room_id: 'general' });
      const gone = disconnected(a);
      a.socket.emit('send_message', { room_id: 'general', message: 'z'.repeat(2000) });
      expect(await gone).toBe(reason);
      expect(a.inbox.of('new_message')).toEqual([]);
    }
    // Polling: the oversized POST itself is answered 413.
    const handshake = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`);
    const sid = (JSON.parse((await handshake.text()).slice(1)) as { sid: string }).sid;
    const post = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling&sid=${sid}`, { method: 'POST', body: '4'.repeat(2000) });
    expect(post.status).toBe(413);
  });

  it('disconnects a connection idle for WS_IDLE_TIMEOUT_MS (pings do not count)', async () => {
    const server = await start({}, { idleTimeoutMs: 400, heartbeatMs: 100 });
    const a = await io(server, ALICE);
    const gone = disconnected(a);
    expect(await a.inbox.next('chat_error')).toMatchObject({ event: 'idle', message: 'idle timeout' });
    expect(await gone).toBe('io server disconnect');
  });
});

describe('limits shared by both chats', () => {
  it('allows CHAT_MAX_CONNECTIONS_PER_USER connections per account across the two chats', async () => {
    const server = await start({ maxConnectionsPerUser: 2 });
    const token = await server.token(ALICE);
    const first = await plain(server, token);
    clients.push(first.ws);
    await io(server, ALICE);
    const third = await refused(chatUrl(server, `?access_token=${token}`));
    expect(third.status).toBe(429);
    const fourth = await sioRefused(server, token);
    expect(fourth.data).toEqual({ code: 'TOO_MANY_CONNECTIONS' });
    // Another account is not affected; and a slot comes back when a connection closes.
    await io(server, BOB);
    first.ws.close();
    await first.closed;
    await until(() => server.app.container.get(TYPES.ChatUsers).count('user:user:1') === 1);
    await io(server, ALICE, 'polling');
  });

  it('counts Socket.IO connections per address with every WebSocket, refusing handshakes with 429 and releasing slots on close', async () => {
    const server = await start({}, { maxConnectionsPerAddress: 2 });
    const counts = server.app.container.get(TYPES.WsConnections);
    const c = await plain(server, await server.token(BOB));
    const a = await io(server, ALICE, 'polling');
    expect(counts.count('127.0.0.1')).toBe(2);
    const polling = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`);
    expect(polling.status).toBe(429);
    expect(polling.headers.get('retry-after')).toBe('10');
    expect((await refused(`${server.url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`)).status).toBe(429);
    // Requests of an open session are not handshakes and pass (the client keeps polling meanwhile).
    expect(await a.socket.emitWithAck('join_room', { room_id: 'general' })).toEqual({ ok: true });
    a.socket.close();
    c.ws.close();
    await until(() => counts.count('127.0.0.1') === 0);
    const b = await io(server, BOB, 'websocket');
    expect(counts.count('127.0.0.1')).toBe(1);
    b.socket.close();
    await until(() => counts.count('127.0.0.1') === 0);
  });
});
