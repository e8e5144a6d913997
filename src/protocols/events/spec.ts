import { API_BASE } from '../rest/spec.js';

/** Server-Sent Events and long polling share this URL, told apart by Accept (text/event-stream or not). */
export const EVENTS_PATH = `${API_BASE}/events`;

export const EVENT_STREAM = 'text/event-stream';

/** Query parameters the stream reads; anything else is refused by the input's validation. */
export const STREAM_PARAMS = {
  /** Comma-separated event types. */
  types: 'types',
  /** Resume after this id when there is no Last-Event-ID (a cursor from a long poll). */
  after: 'after',
  /** A bearer token, for EventSource, which cannot set headers. */
  token: 'access_token',
} as const;

/**
 * How a stream says why it ends, as an SSE comment line (WHATWG HTML
 * §9.2.6: lines starting with ":" are ignored by EventSource, but readable
 * on the wire), written just before the server closes the response.
 */
export const CLOSE_COMMENTS = {
  shutdown: 'closed: server shutting down; reconnect with Last-Event-ID',
  slow: 'closed: too slow to read; reconnect with Last-Event-ID',
} as const;

/** One event as an SSE frame: `id:` makes EventSource send it back as Last-Event-ID on reconnect. */
export function sseFrame(id: string, type: string, data: unknown): string {
  // JSON.stringify never emits a raw newline, so one data: line is always enough.
  return `id: ${id}\nevent: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

export const sseComment = (text: string): string => `: ${text.replace(/[\r\n]+/g, ' ')}\n\n`;
