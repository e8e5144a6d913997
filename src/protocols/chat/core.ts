import { randomUUID } from 'node:crypto';
import type { ChatHub, Delivery } from './hub.js';
import { CHAT_ERRORS, type ChatUser, type ServerMessage } from './spec.js';

/** A connection as the core sees it: who it is and how to hand it a serialised message. */
export interface ChatMember {
  readonly user: ChatUser;
  send(text: string): void;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The plain chat's rules, free of sockets: the source material's
 * `handle_connection` (welcome the newcomer, tell the others, relay
 * chat and private messages, answer bad input with an `error` message and
 * keep the connection, tell the others on leaving). Presence and fan-out go
 * through a ChatHub, so the same core works on one instance or many.
 * Members are told apart by a random client id (a UUID, as in the source
 * material) — not by account, since one user may have several connections.
 */
export class PlainChat {
  private readonly local = new Map<string, ChatMember>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly hub: ChatHub,
    private readonly now: () => number = Date.now,
    private readonly newId: () => string = randomUUID,
  ) {
    this.unsubscribe = hub.subscribe((d) => this.deliver(d));
  }

  /** Welcomes a member and announces it to everyone else; resolves to its client id. */
  async connect(member: ChatMember): Promise<string> {
    const clientId = this.newId();
    const active = await this.hub.enter(clientId);
    member.send(json({ type: 'connection_established', client_id: clientId, message: 'Connection established', user: member.user }));
    // Registered after the welcome, so `connection_established` is always the newcomer's first message.
    this.local.set(clientId, member);
    await this.publish({ to: null, except: clientId }, { type: 'user_connected', client_id: clientId, active_users: active, user: member.user });
    return clientId;
  }

  /** One text message from a member. Bad input is answered with an `error` message; the connection stays. */
  async receive(clientId: string, raw: string): Promise<void> {
    const member = this.local.get(clientId);
    if (!member) return;
    const fail = (message: string) => member.send(json({ type: 'error', message }));
    let data: unknown;
    try {
      data = JSON.parse(raw);
    } catch {
      return fail(CHAT_ERRORS.malformed);
    }
    if (!isObject(data)) return fail(CHAT_ERRORS.malformed);
    // The source material echoes the sender's timestamp (its client sends Date.now()); a missing or non-numeric one is ours.
    const timestamp = typeof data.timestamp === 'number' && Number.isFinite(data.timestamp) ? data.timestamp : this.now();
    switch (data.type) {
      case 'chat_message':
        if (typeof data.text !== 'string') return fail(CHAT_ERRORS.badText);
        return this.publish({ to: null }, { type: 'chat_message', from: clientId, text: data.text, timestamp, user: member.user });
      case 'private_message':
        if (typeof data.to !== 'string' || !data.to) return fail(CHAT_ERRORS.badRecipient);
        if (typeof data.text !== 'string') return fail(CHAT_ERRORS.badText);
        if (!(await this.hub.isPresent(data.to))) return fail(CHAT_ERRORS.notOnline);
        return this.publish({ to: data.to }, { type: 'private_message', from: clientId, text: data.text, timestamp, user: member.user });
      default:
        return fail(CHAT_ERRORS.unknownType);
    }
  }

  /** The member left (closed, cut off or refused later): the others are told how many remain. */
  async disconnect(clientId: string): Promise<void> {
    const member = this.local.get(clientId);
    if (!member) return;
    this.local.delete(clientId);
    const active = await this.hub.leave(clientId);
    await this.publish({ to: null }, { type: 'user_disconnected', client_id: clientId, active_users: active, user: member.user });
  }

  /** Members connected to this instance. */
  get size(): number {
    return this.local.size;
  }

  close(): void {
    this.unsubscribe();
  }

  private publish(target: Omit<Delivery, 'text'>, message: ServerMessage): Promise<void> {
    return this.hub.publish({ ...target, text: json(message) });
  }

  private deliver(d: Delivery): void {
    if (d.to !== null) {
      this.local.get(d.to)?.send(d.text);
      return;
    }
    for (const [id, member] of this.local) if (id !== d.except) member.send(d.text);
  }
}

const json = (message: ServerMessage) => JSON.stringify(message);
