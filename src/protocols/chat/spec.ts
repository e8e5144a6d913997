/**
 * The plain WebSocket chat's wire protocol, as the source material's
 * `websockets` server speaks it (000_f1984208054c94f2.txt, lines ~750–850)
 * and its JavaScript `ChatClient` expects: one JSON object per text message,
 * told apart by `type`. Every server message also names the authenticated
 * account in `user` — an addition the source material's client ignores.
 */
export const CHAT_PATH = '/ws/chat';

/** The account behind a connection: the user's id (null for the bootstrap admin, who has no user record) and display name. */
export interface ChatUser {
  readonly id: number | null;
  readonly name: string;
}

/** What clients send. */
export type ClientMessage =
  | { type: 'chat_message'; text: string; timestamp?: number }
  | { type: 'private_message'; to: string; text: string; timestamp?: number };

/** What the server sends. */
export type ServerMessage =
  | { type: 'connection_established'; client_id: string; message: string; user: ChatUser }
  | { type: 'user_connected'; client_id: string; active_users: number; user: ChatUser }
  | { type: 'user_disconnected'; client_id: string; active_users: number; user: ChatUser }
  | { type: 'chat_message'; from: string; text: string; timestamp: number; user: ChatUser }
  | { type: 'private_message'; from: string; text: string; timestamp: number; user: ChatUser }
  | { type: 'error'; message: string };

/** The `error` messages' texts (English; the source material's were Russian). */
export const CHAT_ERRORS = {
  malformed: 'Malformed message: expected a JSON object',
  unknownType: 'Unknown message type',
  badText: 'text must be a string',
  badRecipient: 'to must be a client id',
  notOnline: 'User is not online',
} as const;

/** Longest display name a client may ask for (Socket.IO `login`); longer ones are cut. */
export const MAX_NAME_CHARS = 40;
