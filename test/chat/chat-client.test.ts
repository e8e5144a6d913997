import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { ALICE, BOB, startServer, type TestServer } from '../support/server.js';
// @ts-expect-error a plain JavaScript fixture without types: the source material's class, unchanged
import { ChatClient } from './fixtures/chat-client.js';
import { chatUrl } from './support.js';

/**
 * The source material's browser ChatClient, unchanged, pointed at
 * ws://…/ws/chat?access_token=… — with the `ws` package as the browser's
 * WebSocket global (Node 20 has none).
 */
interface Client {
  clientId: string | null;
  socket: unknown;
  connect(): void;
  disconnect(): void;
  sendMessage(text: string): void;
  sendPrivateMessage(to: string, text: string): void;
  on(event: string, callback: (data?: Record<string, unknown>) => void): void;
}

let s: TestServer;
const hadWebSocket = 'WebSocket' in globalThis;
beforeAll(async () => {
  s = await startServer();
  (globalThis as Record<string, unknown>).WebSocket = WebSocket;
  // The class logs every message it receives.
  vi.spyOn(console, 'log').mockImplementation(() => {});
});
afterAll(async () => {
  if (!hadWebSocket) delete (globalThis as Record<string, unknown>).WebSocket;
  vi.restoreAllMocks();
  await s.close();
});

/** A ChatClient whose callbacks record what they were called with. */
function client(token: string) {
  const chat = new ChatClient(chatUrl(s, `?access_token=${token}`)) as Client;
  const seen: Record<string, (Record<string, unknown> | undefined)[]> = {};
  for (const name of ['onConnect', 'onDisconnect', 'onMessage', 'onError', 'onUserConnect', 'onUserDisconnect']) {
    seen[name] = [];
    chat.on(name, (data) => seen[name]!.push(data));
  }
  const wait = async (name: string, count = 1) => {
    const end = Date.now() + 5_000;
    while (seen[name]!.length < count) {
      if (Date.now() > end) throw new Error(`${name} was not called ${count} time(s): ${JSON.stringify(seen)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return seen[name]![count - 1];
  };
  return { chat, seen, wait };
}

it("the source material's ChatClient connects, chats, whispers, gets errors and sees others come and go", async () => {
  const alice = client(await s.token(ALICE));
  const bob = client(await s.token(BOB));
  alice.chat.connect();
  expect(await alice.wait('onConnect')).toMatchObject({ type: 'connection_established', client_id: alice.chat.clientId });
  bob.chat.connect();
  await bob.wait('onConnect');
  expect(await alice.wait('onUserConnect')).toMatchObject({ client_id: bob.chat.clientId, active_users: 2 });

  alice.chat.sendMessage('Hello, Bob');
  for (const c of [alice, bob]) {
    expect(await c.wait('onMessage')).toMatchObject({ type: 'chat_message', from: alice.chat.clientId, text: 'Hello, Bob', timestamp: expect.any(Number) });
  }

  bob.chat.sendPrivateMessage(alice.chat.clientId!, 'just for you');
  expect(await alice.wait('onMessage', 2)).toMatchObject({ type: 'private_message', from: bob.chat.clientId, text: 'just for you' });
  expect(bob.seen.onMessage).toHaveLength(1);

  bob.chat.sendPrivateMessage('nobody-by-that-id', 'hello?');
  expect(await bob.wait('onError')).toEqual({ type: 'error', message: 'User is not online' });

  bob.chat.disconnect();
  await bob.wait('onDisconnect');
  expect(bob.chat.socket).toBeNull();
  expect(() => bob.chat.sendMessage('gone')).toThrow('WebSocket не подключен');
  expect(await alice.wait('onUserDisconnect')).toMatchObject({ client_id: bob.chat.clientId, active_users: 1 });
  alice.chat.disconnect();
  await alice.wait('onDisconnect');
});

it('ChatClient without a token reports a connection error and a disconnect, and never gets a message', async () => {
  const anonymous = new ChatClient(chatUrl(s)) as Client;
  const seen: string[] = [];
  anonymous.on('onError', (d) => seen.push(`error:${String(d?.message)}`));
  anonymous.on('onDisconnect', () => seen.push('disconnect'));
  anonymous.on('onMessage', () => seen.push('message'));
  vi.spyOn(console, 'error').mockImplementation(() => {});
  anonymous.connect();
  const end = Date.now() + 5_000;
  while (!seen.includes('disconnect') && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  expect(seen).toEqual(['error:Ошибка соединения', 'disconnect']);
});
