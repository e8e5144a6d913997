import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Runtime } from '../../runtime/invoker.js';
import { sendJson, type HttpBinding, type RequestInfo } from '../shared/http.js';
import { PlainChat } from './core.js';
import type { ChatHub } from './hub.js';
import { CHAT_PATH } from './spec.js';
import { ChatWebSocket, type ChatSocketOptions } from './ws.js';
import type { Face } from '../shared/face.js';

/**
 * The plain chat on the front door: `/ws/chat` is a WebSocket endpoint
 * only. A plain HTTP request there is told so with 426 Upgrade Required
 * (RFC 9110 §15.5.22), naming the protocol to upgrade to.
 */
export class ChatHttp implements HttpBinding {
  readonly name = 'chat';
  readonly paths = [CHAT_PATH];
  readonly face: Face = {
    name: 'chat',
    title: 'Chat (WebSocket)',
    summary: "The source material's plain WebSocket JSON chat (log in with access_token=)",
    links: [{ rel: 'websocket', title: 'WebSocket', href: CHAT_PATH }],
  };
  readonly chat: PlainChat;
  private readonly ws: ChatWebSocket;

  constructor(runtime: Runtime, hub: ChatHub, options: ChatSocketOptions) {
    this.chat = new PlainChat(hub);
    this.ws = new ChatWebSocket(runtime, this.chat, options);
  }

  handle(_req: IncomingMessage, res: ServerResponse): void {
    res.setHeader('Upgrade', 'websocket');
    res.setHeader('Connection', 'Upgrade');
    sendJson(res, 426, { type: 'about:blank', title: 'Upgrade Required', status: 426, detail: `${CHAT_PATH} is a WebSocket endpoint` }, 'application/problem+json');
  }

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, info: Omit<RequestInfo, 'signal'>): boolean {
    return this.ws.upgrade(req, socket, head, info);
  }

  close(): Promise<void> {
    return this.ws.close();
  }
}
