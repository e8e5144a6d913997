import { describe, expect, it } from 'vitest';
import { ChatError, RateBucket, RoomSession, type RoomsPort } from './core.js';

type Sent = { to: string; event: string; payload: Record<string, unknown>; volatile?: boolean };

/** A port that records what a session asked for, with rooms as a set. */
function port(id: string, online: Record<string, string> = {}) {
  const rooms = new Set<string>();
  const sent: Sent[] = [];
  const p: RoomsPort = {
    id,
    rooms: () => new Set(rooms),
    join: (r) => void rooms.add(r),
    leave: (r) => void rooms.delete(r),
    toCaller: (event, payload) => void sent.push({ to: 'caller', event, payload }),
    toRoom: (room, event, payload, { includeCaller, volatile }) =>
      void sent.push({ to: `${room}${includeCaller ? '' : ' (others)'}`, event, payload, ...(volatile ? { volatile } : {}) }),
    toEveryone: (event, payload, { includeCaller }) => void sent.push({ to: includeCaller ? 'all' : 'all (others)', event, payload }),
    online: async () => online,
  };
  return { p, rooms, sent };
}

const alice = { id: 1, name: 'Alice' };

describe('RoomSession', () => {
  it('login announces to all and answers with the active users', async () => {
    const { p, sent } = port('s1', { s1: 'Ally (Alice)', s2: 'Bob' });
    const session = new RoomSession(p, alice, { maxRoomsPerConnection: 3 });
    await session.handle('login', { username: 'Ally' });
    expect(session.state).toEqual({ user: alice, username: 'Ally (Alice)', online: true });
    expect(sent).toEqual([
      { to: 'all', event: 'user_online', payload: { user_id: 's1', username: 'Ally (Alice)', user: alice } },
      { to: 'caller', event: 'active_users', payload: { users: { s1: 'Ally (Alice)', s2: 'Bob' } } },
    ]);
  });

  it('joins, speaks, types and leaves with the right audiences', async () => {
    const { p, sent } = port('s1');
    const session = new RoomSession(p, alice, { maxRoomsPerConnection: 3 }, () => 1_700_000_000_500);
    await session.handle('join_room', { room_id: 'general' });
    await session.handle('join_room', { room_id: 'general' });
    await session.handle('send_message', { room_id: 'general', message: 'hi' });
    await session.handle('typing', { room_id: 'general', typing: true });
    await session.handle('typing', { room_id: 'general', typing: 'yes' });
    await session.handle('leave_room', { room_id: 'general' });
    await session.handle('leave_room', { room_id: 'general' });
    const who = { user_id: 's1', username: 'Alice', user: alice, room_id: 'general' };
    expect(sent).toEqual([
      { to: 'general', event: 'user_joined', payload: who },
      { to: 'general', event: 'new_message', payload: { ...who, message: 'hi', timestamp: 1_700_000_000.5 } },
      { to: 'general (others)', event: 'user_typing', payload: { ...who, typing: true }, volatile: true },
      { to: 'general (others)', event: 'user_typing', payload: { ...who, typing: false }, volatile: true },
      { to: 'general (others)', event: 'user_left', payload: who },
    ]);
  });

  it('refuses what the source material left unchecked', async () => {
    const { p, sent } = port('s1');
    const session = new RoomSession(p, alice, { maxRoomsPerConnection: 1 });
    const refused = (event: Parameters<RoomSession['handle']>[0], payload: unknown) => expect(session.handle(event, payload)).rejects.toBeInstanceOf(ChatError);
    await refused('join_room', undefined);
    await refused('join_room', { room_id: 7 });
    await refused('join_room', { room_id: 'a\nb' });
    await refused('send_message', { room_id: 'general', message: 'not a member' });
    await refused('typing', { room_id: 'general', typing: true });
    await session.handle('join_room', { room_id: 'general' });
    await expect(session.handle('join_room', { room_id: 'support' })).rejects.toThrow('At most 1 rooms per connection');
    await refused('send_message', { room_id: 'general', message: 5 });
    await refused('send_message', { room_id: 'general' });
    expect(sent.map((x) => x.event)).toEqual(['user_joined']);
  });

  it('on disconnect tells each room and, once logged in, everyone else', async () => {
    const { p, sent } = port('s1');
    const session = new RoomSession(p, alice, { maxRoomsPerConnection: 3 });
    await session.handle('join_room', { room_id: 'general' });
    await session.handle('join_room', { room_id: 'random' });
    session.disconnecting();
    expect(sent.slice(2).map((x) => `${x.event} → ${x.to}`)).toEqual(['user_left → general (others)', 'user_left → random (others)']);
    sent.length = 0;
    await session.handle('login', {});
    sent.length = 0;
    session.disconnecting();
    expect(sent.map((x) => `${x.event} → ${x.to}`)).toContain('user_offline → all (others)');
  });
});

describe('RateBucket', () => {
  it('allows bursts up to the rate and refills at the rate', () => {
    let now = 0;
    const bucket = new RateBucket(3, () => now);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
    now += 334;
    expect([bucket.take(), bucket.take()]).toEqual([true, false]);
    now += 10_000;
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
  });
});
