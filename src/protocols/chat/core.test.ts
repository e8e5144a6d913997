import { describe, expect, it } from 'vitest';
import { PlainChat } from './core.js';
import { LocalChatHub, type ChatHub, type Delivery } from './hub.js';
import { displayName } from './identity.js';

/** The plain chat's rules with records for members: no sockets, no server. */
function setup(hub: ChatHub = new LocalChatHub()) {
  let n = 0;
  const chat = new PlainChat(hub, () => 1234, () => `c${++n}`);
  const member = (id: number | null, name: string) => {
    const got: Record<string, unknown>[] = [];
    return { user: { id, name }, got, send: (text: string) => got.push(JSON.parse(text) as Record<string, unknown>) };
  };
  return { chat, member };
}

describe('PlainChat', () => {
  it('welcomes, announces, relays and says goodbye, counting members', async () => {
    const { chat, member } = setup();
    const alice = member(1, 'Alice');
    const bob = member(2, 'Bob');
    const a = await chat.connect(alice);
    const b = await chat.connect(bob);
    expect(alice.got).toEqual([
      { type: 'connection_established', client_id: a, message: 'Connection established', user: alice.user },
      { type: 'user_connected', client_id: b, active_users: 2, user: bob.user },
    ]);
    expect(bob.got).toEqual([{ type: 'connection_established', client_id: b, message: 'Connection established', user: bob.user }]);

    await chat.receive(b, JSON.stringify({ type: 'chat_message', text: 'hi' }));
    const message = { type: 'chat_message', from: b, text: 'hi', timestamp: 1234, user: bob.user };
    expect(alice.got.at(-1)).toEqual(message);
    expect(bob.got.at(-1)).toEqual(message);

    await chat.disconnect(b);
    expect(alice.got.at(-1)).toEqual({ type: 'user_disconnected', client_id: b, active_users: 1, user: bob.user });
    expect(chat.size).toBe(1);
    // A second disconnect (close after an error) changes nothing.
    await chat.disconnect(b);
    expect(alice.got).toHaveLength(4);
  });

  it('sends a private message only to its recipient and an error to the sender when the recipient is gone', async () => {
    const { chat, member } = setup();
    const [alice, bob, carol] = [member(1, 'Alice'), member(2, 'Bob'), member(3, 'Carol')];
    const a = await chat.connect(alice);
    const b = await chat.connect(bob);
    await chat.connect(carol);
    const seen = [alice.got.length, bob.got.length, carol.got.length];
    await chat.receive(a, JSON.stringify({ type: 'private_message', to: b, text: 'psst', timestamp: 99 }));
    expect(bob.got.slice(seen[1])).toEqual([{ type: 'private_message', from: a, text: 'psst', timestamp: 99, user: alice.user }]);
    expect(alice.got.length).toBe(seen[0]);
    expect(carol.got.length).toBe(seen[2]);
    await chat.disconnect(b);
    await chat.receive(a, JSON.stringify({ type: 'private_message', to: b, text: 'still there?' }));
    expect(alice.got.at(-1)).toEqual({ type: 'error', message: 'User is not online' });
  });

  it('answers every kind of bad input with an error to the sender only', async () => {
    const { chat, member } = setup();
    const alice = member(1, 'Alice');
    const bob = member(2, 'Bob');
    const a = await chat.connect(alice);
    await chat.connect(bob);
    const before = bob.got.length;
    for (const raw of ['', 'null', '{"type":1}', '{"type":"chat_message"}', '{"type":"private_message","to":"","text":"x"}']) {
      await chat.receive(a, raw);
      expect(alice.got.at(-1)!.type).toBe('error');
    }
    expect(bob.got.length).toBe(before);
  });

  it('finds a private recipient through the hub, wherever it is connected', async () => {
    // Two cores on one hub stand for two gateway instances sharing Redis.
    const hub = new LocalChatHub();
    const one = setup(hub);
    let m = 0;
    const two = new PlainChat(hub, () => 1, () => `other${++m}`);
    const alice = one.member(1, 'Alice');
    const bob = one.member(2, 'Bob');
    const a = await one.chat.connect(alice);
    const b = await two.connect(bob);
    expect(alice.got.at(-1)).toMatchObject({ type: 'user_connected', client_id: b, active_users: 2 });
    await one.chat.receive(a, JSON.stringify({ type: 'private_message', to: b, text: 'across' }));
    expect(bob.got.at(-1)).toMatchObject({ type: 'private_message', from: a, text: 'across' });
  });

  it('serialises a broadcast once however many members receive it', async () => {
    const published: Delivery[] = [];
    const hub = new LocalChatHub();
    const spy: ChatHub = { ...hub, enter: (id) => hub.enter(id), leave: (id) => hub.leave(id), isPresent: (id) => hub.isPresent(id), subscribe: (l) => hub.subscribe(l), publish: async (d) => (published.push(d), hub.publish(d)) };
    const { chat, member } = setup(spy);
    const a = await chat.connect(member(1, 'Alice'));
    for (let i = 0; i < 5; i++) await chat.connect(member(2, 'Bob'));
    published.length = 0;
    await chat.receive(a, JSON.stringify({ type: 'chat_message', text: 'to all' }));
    expect(published).toHaveLength(1);
    expect(published[0]!.to).toBeNull();
  });
});

describe('displayName', () => {
  it("is the account's name, or the requested one followed by the account's", () => {
    expect(displayName('Alice', undefined)).toBe('Alice');
    expect(displayName('Alice', '')).toBe('Alice');
    expect(displayName('Alice', 'alice')).toBe('Alice');
    expect(displayName('Alice', 'Ally')).toBe('Ally (Alice)');
    expect(displayName('Bob', 'Alice')).toBe('Alice (Bob)');
    expect(displayName('Alice', 42)).toBe('Alice');
  });

  it('drops control and direction characters, collapses spaces and cuts at 40 characters', () => {
    expect(displayName('Alice', '  Al\u0000ly\u202E\n\t B  ')).toBe('Ally B (Alice)');
    expect(displayName('Alice', 'é'.repeat(60))).toBe(`${'é'.repeat(40)} (Alice)`);
    expect(displayName('Alice', '\u200b\u0007')).toBe('Alice');
  });
});
