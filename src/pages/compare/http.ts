import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Runtime } from '../../runtime/invoker.js';
import type { Face } from '../../protocols/shared/face.js';
import { readBody, writeReply, type HttpBinding, type RequestInfo } from '../../protocols/shared/http.js';
import { ComparePageCore, type ComparePageOptions } from './core.js';
import { COMPARE_PATH } from './page.js';

/** The /compare explorer on the node:http front door. */
export class ComparePageHttp implements HttpBinding {
  readonly name = 'compare';
  readonly paths = [COMPARE_PATH];
  readonly prefixes = [`${COMPARE_PATH}/`];
  readonly face: Face = {
    name: 'compare',
    title: 'Compare the styles',
    summary: 'Run the same work through every style and see each request and response, bytes, round trips and latency side by side',
    links: [{ rel: 'page', title: 'Comparison explorer', href: COMPARE_PATH, type: 'text/html' }],
  };
  readonly core: ComparePageCore;

  constructor(runtime: Runtime, options: ComparePageOptions) {
    this.core = new ComparePageCore(runtime, options);
  }

  async handle(req: IncomingMessage, res: ServerResponse, info: RequestInfo): Promise<void> {
    const { localAddress, localPort } = req.socket;
    const host = localAddress?.includes(':') ? `[${localAddress}]` : localAddress;
    const reply = await this.core.handle(
      {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        body: (limit) => readBody(req, limit),
        // The live run calls this server back on the address this request came in on.
        self: `http://${host}:${localPort}`,
      },
      info,
    );
    writeReply(res, req.method === 'HEAD' ? { ...reply, body: undefined } : reply);
  }
}
