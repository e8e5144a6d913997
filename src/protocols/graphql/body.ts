import type { IncomingMessage, ServerResponse } from 'node:http';
import { msg, render } from '../../domain/i18n/index.js';
import { negotiateLanguage } from '../../runtime/language.js';
import { BodyTooLargeError, readBody, sendJson } from '../shared/http.js';
import { REQUEST_CODES, requestError } from './errors.js';

/**
 * A GraphQL request's body, for both HTTP bindings (graphql-http and graphql-sse): the POST body as text, null
 * for other methods, or undefined once a body over the limit has been answered — 413 with a GraphQL error
 * (`PAYLOAD_TOO_LARGE`, in the client's language) and the connection closed rather than read to its end.
 */
export async function readGraphqlBody(req: IncomingMessage, res: ServerResponse, limit: number): Promise<string | null | undefined> {
  if (req.method !== 'POST') return null;
  try {
    return (await readBody(req, limit)).toString('utf8');
  } catch (err) {
    if (!(err instanceof BodyTooLargeError)) throw err;
    const language = negotiateLanguage(req.headers['accept-language']);
    res.setHeader('Connection', 'close');
    res.setHeader('Content-Language', language);
    sendJson(res, 413, { errors: [requestError(render(msg('http.bodyTooLarge', { limit: err.limit }), language), REQUEST_CODES.payloadTooLarge, { max: err.limit })] });
    return undefined;
  }
}
