import type { Face } from '../shared/face.js';
import type { ChatUser } from '../chat/spec.js';

/**
 * The Socket.IO chat's events, as the source material's Flask-SocketIO
 * server and HTML page use them (000_f1984208054c94f2.txt, lines ~1040–1400).
 * `user_id` is the Socket.IO socket id, as `request.sid` was there. Fields the
 * source material did not have are additions its page ignores: `user` (the
 * authenticated account) and `room_id` on room events (so a client in several
 * rooms can tell them apart).
 */
export const SOCKETIO_PATH = '/socket.io';
export const CHAT_PAGE_PATH = '/chat';
export const CHAT_ASSET_PREFIX = '/chat/assets/';

/** The chat's face on the landing page; here, not in http.ts, so the app can announce it before loading socket.io. */
export const SOCKETIO_FACE: Face = {
  name: 'socketio',
  title: 'Chat (Socket.IO)',
  summary: 'The Socket.IO chat (login, join_room, leave_room, send_message, typing) and its page',
  links: [
    { rel: 'page', title: 'Chat page', href: CHAT_PAGE_PATH, type: 'text/html' },
    { rel: 'endpoint', title: 'Socket.IO endpoint', href: SOCKETIO_PATH },
  ],
};

/** What clients emit. */
export interface ClientEvents {
  login: { username?: string };
  join_room: { room_id: string };
  leave_room: { room_id: string };
  send_message: { room_id: string; message: string };
  typing: { room_id: string; typing: boolean };
}

export const CLIENT_EVENTS = ['login', 'join_room', 'leave_room', 'send_message', 'typing'] as const satisfies readonly (keyof ClientEvents)[];
export type ClientEvent = (typeof CLIENT_EVENTS)[number];

/** What the server emits. */
export interface ServerEvents {
  user_online: { user_id: string; username: string; user: ChatUser };
  active_users: { users: Record<string, string> };
  user_joined: { user_id: string; username: string; room_id: string; user: ChatUser };
  user_left: { user_id: string; username: string; room_id: string; user: ChatUser };
  /** `timestamp` in seconds since the epoch, as Python's time.time() (the source page multiplies by 1000). */
  new_message: { user_id: string; username: string; message: string; timestamp: number; room_id: string; user: ChatUser };
  user_typing: { user_id: string; username: string; typing: boolean; room_id: string; user: ChatUser };
  user_offline: { user_id: string; username: string; user: ChatUser };
  /** A refused event, for clients that did not pass an acknowledgement callback (those get `{ ok: false, error }`). */
  chat_error: { event: string; message: string };
}

export type ServerEvent = keyof ServerEvents;

/** Longest room id. */
export const MAX_ROOM_CHARS = 64;

/** Why a handshake was refused: `connect_error`'s `err.data.code`. */
export type RefusalCode = 'UNAUTHENTICATED' | 'TOO_MANY_CONNECTIONS' | 'INTERNAL';
