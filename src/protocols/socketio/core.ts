import { displayName } from '../chat/identity.js';
import type { ChatUser } from '../chat/spec.js';
import { CLIENT_EVENTS, MAX_ROOM_CHARS, type ClientEvent, type ServerEvent, type ServerEvents } from './spec.js';

/**
 * What a session may do on the wire. The Socket.IO binding implements it
 * with rooms and broadcasts (so a Redis adapter carries them across
 * instances); tests implement it with plain arrays.
 */
export interface RoomsPort {
  /** The socket id, shown to others as `user_id`. */
  readonly id: string;
  /** Rooms this connection is in (not its own private room). */
  rooms(): ReadonlySet<string>;
  join(room: string): void | Promise<void>;
  leave(room: string): void | Promise<void>;
  toCaller<E extends ServerEvent>(event: E, payload: ServerEvents[E]): void;
  /** `volatile`: may be dropped for a member that is not ready to receive (typing indicators). */
  toRoom<E extends ServerEvent>(room: string, event: E, payload: ServerEvents[E], options: { includeCaller: boolean; volatile?: boolean }): void;
  toEveryone<E extends ServerEvent>(event: E, payload: ServerEvents[E], options: { includeCaller: boolean }): void;
  /** Logged-in connections everywhere: socket id → display name. */
  online(): Promise<Record<string, string>>;
}

/** A session's shared state: Socket.IO keeps it as `socket.data`, which other instances can read through fetchSockets(). */
export interface SessionState {
  user: ChatUser;
  username: string;
  /** Set by `login`: the source material lists only logged-in sockets as active users. */
  online: boolean;
}

/** An event refused with a message for the client; the connection stays. */
export class ChatError extends Error {}

export interface SessionLimits {
  maxRoomsPerConnection: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const isClientEvent = (event: string): event is ClientEvent => (CLIENT_EVENTS as readonly string[]).includes(event);

/**
 * One Socket.IO chat connection's rules, free of sockets: the source
 * material's handlers (login → user_online to all and active_users to the
 * caller; join_room → user_joined to the room; leave_room → user_left to the
 * rest; send_message → new_message to the room; typing → user_typing to the
 * others; disconnect → user_left to its rooms and user_offline to all), with
 * what it left unchecked checked: payload shapes, room names, a cap on rooms,
 * and membership — only members of a room may speak or type in it.
 * Every event works before `login` too, under the account's name.
 */
export class RoomSession {
  readonly state: SessionState;

  constructor(
    private readonly port: RoomsPort,
    user: ChatUser,
    private readonly limits: SessionLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.state = { user, username: user.name, online: false };
  }

  async handle(event: ClientEvent, payload: unknown): Promise<void> {
    switch (event) {
      case 'login':
        return this.login(payload);
      case 'join_room':
        return this.join(payload);
      case 'leave_room':
        return this.leave(payload);
      case 'send_message':
        return this.send(payload);
      case 'typing':
        return this.typing(payload);
    }
  }

  /** The connection is going: its rooms and (if it had logged in) everyone are told. */
  disconnecting(): void {
    for (const room of this.port.rooms()) this.port.toRoom(room, 'user_left', { ...this.who(), room_id: room }, { includeCaller: false });
    if (this.state.online) this.port.toEveryone('user_offline', this.who(), { includeCaller: false });
  }

  private async login(payload: unknown): Promise<void> {
    const requested = isObject(payload) ? payload.username : undefined;
    this.state.username = displayName(this.state.user.name, requested);
    this.state.online = true;
    this.port.toEveryone('user_online', this.who(), { includeCaller: true });
    this.port.toCaller('active_users', { users: await this.port.online() });
  }

  private async join(payload: unknown): Promise<void> {
    const room = roomOf(payload);
    const rooms = this.port.rooms();
    if (rooms.has(room)) return;
    if (rooms.size >= this.limits.maxRoomsPerConnection) throw new ChatError(`At most ${this.limits.maxRoomsPerConnection} rooms per connection`);
    await this.port.join(room);
    this.port.toRoom(room, 'user_joined', { ...this.who(), room_id: room }, { includeCaller: true });
  }

  private async leave(payload: unknown): Promise<void> {
    const room = roomOf(payload);
    // Leaving a room one is not in changes nothing, as in the source material.
    if (!this.port.rooms().has(room)) return;
    await this.port.leave(room);
    this.port.toRoom(room, 'user_left', { ...this.who(), room_id: room }, { includeCaller: false });
  }

  private async send(payload: unknown): Promise<void> {
    const room = this.member(payload);
    const message = (payload as Record<string, unknown>).message;
    if (typeof message !== 'string' || !message.trim()) throw new ChatError('message must be a non-empty string');
    this.port.toRoom(room, 'new_message', { ...this.who(), message, timestamp: this.now() / 1000, room_id: room }, { includeCaller: true });
  }

  private async typing(payload: unknown): Promise<void> {
    const room = this.member(payload);
    const typing = (payload as Record<string, unknown>).typing === true;
    this.port.toRoom(room, 'user_typing', { ...this.who(), typing, room_id: room }, { includeCaller: false, volatile: true });
  }

  /** The room of an event that needs membership. */
  private member(payload: unknown): string {
    const room = roomOf(payload);
    if (!this.port.rooms().has(room)) throw new ChatError(`Join room "${room}" first`);
    return room;
  }

  private who() {
    return { user_id: this.port.id, username: this.state.username, user: this.state.user };
  }
}

/** A room id: a non-empty string of at most MAX_ROOM_CHARS characters without control characters. */
function roomOf(payload: unknown): string {
  const room = isObject(payload) ? payload.room_id : undefined;
  if (typeof room !== 'string' || !room || [...room].length > MAX_ROOM_CHARS || /[\u0000-\u001f\u007f]/.test(room)) {
    throw new ChatError(`room_id must be a string of 1 to ${MAX_ROOM_CHARS} characters`);
  }
  return room;
}

/**
 * A token bucket: `rate` events per second sustained, bursts up to `rate`
 * (the same rule as the WebSocket guard's message rate).
 */
export class RateBucket {
  private tokens: number;
  private refilledAt: number;

  constructor(
    private readonly rate: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = rate;
    this.refilledAt = now();
  }

  take(): boolean {
    const t = this.now();
    this.tokens = Math.min(this.rate, this.tokens + ((t - this.refilledAt) / 1000) * this.rate);
    this.refilledAt = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
