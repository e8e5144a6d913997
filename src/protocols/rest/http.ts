import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Runtime } from '../../runtime/invoker.js';
import { readBody, writeReply, type HttpBinding, type RequestInfo } from '../shared/http.js';
import { RestCore, type RestOptions } from './core.js';
import { PROFILE_PATHS, PROFILE_PREFIXES } from './profile.js';
import { DOCS_PATH } from './spec.js';

/** REST on the node:http front door: owns /api/… and /docs, served by the framework-free core. */
export class RestHttp implements HttpBinding {
  readonly name = 'rest';
  readonly paths = ['/api', DOCS_PATH, ...PROFILE_PATHS];
  readonly prefixes = ['/api/', `${DOCS_PATH}/`, ...PROFILE_PREFIXES];
  readonly core: RestCore;

  constructor(runtime: Runtime, options: RestOptions) {
    this.core = new RestCore(runtime, options);
  }

  async handle(req: IncomingMessage, res: ServerResponse, info: RequestInfo): Promise<void> {
    const reply = await this.core.handle(
      { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: (limit) => readBody(req, limit) },
      info,
    );
    writeReply(res, reply);
  }
}
