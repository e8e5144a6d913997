import type { IncomingMessage, ServerResponse } from 'node:http';
import { msg } from '../../domain/i18n/index.js';
import type { Runtime } from '../../runtime/invoker.js';
import { negotiateLanguage } from '../../runtime/language.js';
import type { Face } from '../shared/face.js';
import { BodyTooLargeError, mediaType, readBody, type HttpBinding, type RequestInfo } from '../shared/http.js';
import { buildContract } from './contract.js';
import { SoapCore, type SoapReply } from './core.js';
import { wsdlTemplate } from './docs.js';
import type { ReaderLimits } from './envelope.js';
import { SoapFault } from './errors.js';
import { SOAP_PATH } from './spec.js';

export interface SoapOptions extends ReaderLimits {
  bodyLimitBytes: number;
  /** The gateway's public base URL (config PUBLIC_URL, else the listening URL); the WSDL's address is built on it. */
  publicUrl: () => string;
}

const WSDL_QUERY = /^wsdl(?:[=&]|$)/i;

/** POST /soap for calls, GET /soap?wsdl for the contract; a thin node:http binding of SoapCore. */
export class SoapHttp implements HttpBinding {
  readonly name = 'soap';
  readonly paths = [SOAP_PATH];
  readonly face: Face;
  /**
   * The contract (every operation's JSON Schemas turned into XML types), the core's reply writers and the WSDL
   * template, made by the first SOAP request or WSDL read rather than at start: issue 18, they were ~20 ms of a
   * cold start that most starts' first requests never need.
   */
  private made: { core: SoapCore; wsdl: (location: string) => string } | undefined;

  get core(): SoapCore {
    return this.built().core;
  }

  private wsdl(location: string): string {
    return this.built().wsdl(location);
  }

  private built(): { core: SoapCore; wsdl: (location: string) => string } {
    if (!this.made) {
      const contract = buildContract();
      this.made = { core: new SoapCore(this.runtime, contract, this.options), wsdl: wsdlTemplate(contract) };
    }
    return this.made;
  }

  constructor(
    private readonly runtime: Runtime,
    private readonly options: SoapOptions,
  ) {
    this.face = {
      name: 'soap',
      title: 'SOAP',
      summary: 'Document/literal SOAP 1.1 and 1.2 on POST /soap, WS-Security UsernameToken, typed faults',
      links: [
        { rel: 'endpoint', title: 'Endpoint (POST envelopes)', href: SOAP_PATH },
        { rel: 'contract', title: 'WSDL 1.1', href: `${SOAP_PATH}?wsdl`, type: 'text/xml' },
      ],
      contracts: [{ file: 'polyface.wsdl', mediaType: 'text/xml', render: (base) => this.wsdl(`${base.replace(/\/$/, '')}${SOAP_PATH}`) }],
    };
  }

  async handle(req: IncomingMessage, res: ServerResponse, info: RequestInfo): Promise<void> {
    if (req.method === 'POST') return this.post(req, res, info);
    if (req.method === 'GET' || req.method === 'HEAD') {
      const url = req.url ?? '';
      const query = url.slice(url.indexOf('?') + 1);
      if (url.includes('?') && WSDL_QUERY.test(query)) return send(res, 200, 'text/xml; charset=utf-8', this.wsdl(`${this.options.publicUrl()}${SOAP_PATH}`), req.method === 'HEAD');
      return send(res, 400, 'text/plain; charset=utf-8', 'SOAP calls are POSTed to /soap; the WSDL is at GET /soap?wsdl\n');
    }
    res.setHeader('Allow', 'GET, HEAD, POST');
    send(res, 405, 'text/plain; charset=utf-8', 'Method not allowed; POST SOAP envelopes to /soap\n');
  }

  private async post(req: IncomingMessage, res: ServerResponse, info: RequestInfo): Promise<void> {
    let body: Buffer;
    try {
      body = await readBody(req, this.options.bodyLimitBytes);
    } catch (err) {
      if (!(err instanceof BodyTooLargeError)) throw err;
      const version = mediaType(req.headers['content-type']) === 'application/soap+xml' ? '1.2' : '1.1';
      const fault = SoapFault.client('VALIDATION', msg('http.bodyTooLarge', { limit: err.limit }));
      res.setHeader('Connection', 'close');
      return reply(res, this.core.fault(version, fault, 413, undefined, negotiateLanguage(req.headers['accept-language'])));
    }
    const soapAction = req.headers.soapaction;
    const request = {
      body: body.toString('utf8'),
      contentType: req.headers['content-type'],
      soapAction: Array.isArray(soapAction) ? soapAction[0] : soapAction,
      authorization: req.headers.authorization,
      acceptLanguage: req.headers['accept-language'],
    };
    reply(res, await this.core.handle(request, info));
  }
}

function reply(res: ServerResponse, r: SoapReply): void {
  if (r.language) res.setHeader('Content-Language', r.language);
  send(res, r.status, r.contentType, r.body);
}

function send(res: ServerResponse, status: number, contentType: string, body: string, headOnly = false): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
  res.end(headOnly ? undefined : body);
}
