import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Runtime } from '../../runtime/invoker.js';
import type { Face } from '../shared/face.js';
import { readBody, writeReply, type HttpBinding, type RequestInfo } from '../shared/http.js';
import { RestCore, type RestOptions } from './core.js';
import { buildOpenApi } from './docs.js';
import { PROFILE_PATHS, PROFILE_PREFIXES } from './profile.js';
import { API_BASE, DOCS_PATH } from './spec.js';

const FACE: Face = {
  name: 'rest',
  title: 'REST',
  summary: 'Resources under /api/v1: JSON (or XML), problem+json errors, ETags, paging, OData-style queries, asynchronous exports',
  links: [
    { rel: 'endpoint', title: 'API root', href: API_BASE, type: 'application/json' },
    { rel: 'docs', title: 'API docs (Swagger UI)', href: DOCS_PATH, type: 'text/html' },
    { rel: 'contract', title: 'OpenAPI 3.1 document', href: `${API_BASE}/openapi.json`, type: 'application/json' },
    { rel: 'token', title: 'Token endpoint (POST)', href: `${API_BASE}/auth/token` },
    { rel: 'exports', title: 'Exports (POST → 202 and a job to follow)', href: `${API_BASE}/exports` },
    // No media type: both need credentials, so the landing page shows them rather than linking a 401.
    { rel: 'profile', title: "The source material's profile: /users, with a token from POST /auth", href: '/users' },
  ],
  contracts: [{ file: 'openapi.json', mediaType: 'application/json', render: () => `${JSON.stringify(buildOpenApi(), null, 2)}\n` }],
};

/** REST on the node:http front door: owns /api/… and /docs, served by the framework-free core. */
export class RestHttp implements HttpBinding {
  readonly name = 'rest';
  readonly paths = ['/api', DOCS_PATH, ...PROFILE_PATHS];
  readonly prefixes = ['/api/', `${DOCS_PATH}/`, ...PROFILE_PREFIXES];
  readonly face = FACE;
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
