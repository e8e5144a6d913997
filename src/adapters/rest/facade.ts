import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Express } from 'express';
import { inject, injectable } from 'inversify';
import { TYPES } from '../../app/tokens.js';
import type { Config } from '../../infra/config.js';
import type { Logger } from '../../infra/logger.js';
import type { HttpFacade, RequestContext } from '../shared/http.js';
import type { Invoker } from '../shared/invoker.js';
import { buildRestApp, contexts } from './app.js';
import { XmlReader } from './xml.js';

/** REST on express 5: owns /api/… and /docs; everything else is dispatched before express. */
@injectable()
export class RestFacade implements HttpFacade {
  readonly name = 'rest';
  private readonly app: Express;

  constructor(
    @inject(TYPES.Invoker) invoker: Invoker,
    @inject(TYPES.Config) config: Config,
    @inject(TYPES.Logger) log: Logger,
  ) {
    this.app = buildRestApp({ invoker, log, xml: new XmlReader(config.rest.xmlMaxDepth), bodyLimitBytes: config.bodyLimitBytes });
  }

  matches(pathname: string): boolean {
    return pathname.startsWith('/api/') || pathname === '/api' || pathname === '/docs' || pathname.startsWith('/docs/');
  }

  handle(req: IncomingMessage, res: ServerResponse, ctx: RequestContext): void {
    contexts.set(req, ctx);
    this.app(req, res);
  }
}
