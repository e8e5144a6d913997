import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { readBody, writeReply } from '../shared/http.js';
import type { RestCore } from './core.js';

/**
 * The REST face as express middleware, for mounting polyface into an
 * existing express app (graphql-http's `use/express` is the model): the
 * same core the gateway serves on node:http, so both pass the same tests.
 * Paths the core does not own go on to the next middleware. Mount it before
 * any body parser, or the body will already have been consumed.
 *
 *   app.use(restMiddleware(core, (req) => ({ log: req.log ?? logger })));
 */
export function restMiddleware(core: RestCore, init: (req: Request) => Parameters<RestCore['handle']>[1]): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const url = req.url;
    const q = url.indexOf('?');
    if (!core.owns(q === -1 ? url : url.slice(0, q))) return next();
    core
      .handle({ method: req.method, url, headers: req.headers, body: (limit) => readBody(req, limit) }, init(req))
      .then((reply) => writeReply(res, reply), next);
  };
}
