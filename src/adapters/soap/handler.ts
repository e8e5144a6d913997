import type { Caller } from '../../domain/principal.js';
import type { Token } from '../../domain/schemas.js';
import { coerceText } from '../shared/coerce.js';
import { mediaType } from '../shared/http.js';
import type { Invoker } from '../shared/invoker.js';
import { CredentialCache, headerCredentials } from './auth.js';
import { ACCEPTED_NAMESPACES, LEGACY_TNS, TNS, type SoapContract, type SoapOperation } from './contract.js';
import type { XmlType } from './model.js';
import { EnvelopeReader, malformed, plainValue, type XmlElement } from './envelope.js';
import { CONTENT_TYPE, ENVELOPE_NS, renderFault, SoapFault, type SoapVersion } from './errors.js';
import { compileWriter, type Writer } from './serialize.js';
import { EntityError } from '../shared/xml-text.js';

/** A SOAP request with the HTTP dressing reduced to what SOAP reads. */
export interface SoapRequest {
  readonly body: string;
  readonly contentType: string | undefined;
  /** The SOAP 1.1 SOAPAction header, as sent. */
  readonly soapAction: string | undefined;
  readonly authorization: string | undefined;
}

export interface SoapReply {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

export interface SoapHandlerOptions {
  readonly maxDepth: number;
  readonly credentialCache: CredentialCache;
}

/** text/xml is SOAP 1.1's media type, application/soap+xml SOAP 1.2's; application/xml is tolerated. */
const MEDIA_TYPES = new Set(['text/xml', 'application/soap+xml', 'application/xml']);
const ACTION_PARAM = /;\s*action\s*=\s*(?:"([^"]*)"|([^;\s]*))/i;

interface Compiled {
  readonly op: SoapOperation;
  readonly write: Writer;
}

/**
 * The framework-free SOAP core: a request record in, a reply record out.
 * Everything derived from the contract (dispatch tables, reply writers) is
 * built here once; a request costs one parse, one domain call and one
 * templated reply.
 */
export class SoapHandler {
  private readonly reader: EnvelopeReader;
  private readonly byElement = new Map<string, Compiled>();
  private readonly byAction = new Map<string, Compiled>();

  constructor(
    private readonly invoker: Invoker,
    contract: SoapContract,
    private readonly options: SoapHandlerOptions,
  ) {
    this.reader = new EnvelopeReader(options.maxDepth);
    const memo = new Map<XmlType, Writer>();
    for (const op of contract.operations) {
      const compiled = { op, write: compileWriter(op.result, memo) };
      this.byElement.set(op.name, compiled);
      // The WSDL's action, the same in the source material's namespace, or the bare operation name.
      for (const action of [op.action, `${LEGACY_TNS}/${op.name}`, op.name]) this.byAction.set(action, compiled);
    }
  }

  async handle(req: SoapRequest): Promise<SoapReply> {
    const media = mediaType(req.contentType);
    let version: SoapVersion = media === 'application/soap+xml' ? '1.2' : '1.1';
    if (!MEDIA_TYPES.has(media)) {
      const fault = SoapFault.client('VALIDATION', 'Content-Type must be text/xml (SOAP 1.1) or application/soap+xml (SOAP 1.2)');
      return this.fault(version, fault, 415);
    }
    let ns = TNS;
    try {
      const envelope = this.reader.read(req.body);
      version = envelope.version;
      const action = version === '1.2' ? ACTION_PARAM.exec(req.contentType ?? '')?.slice(1).find((v) => v !== undefined) : req.soapAction;
      const target = this.dispatch(envelope.body, action);
      ns = envelope.body.ns;
      const caller = await this.caller(envelope.headers, req.authorization);
      const input = coerceText(target.op.input, inputOf(envelope.body));
      const outcome = await this.invoker.attempt(target.op.op.name, caller, input);
      if (!outcome.ok) throw SoapFault.from(outcome.error);
      const name = target.op.name;
      const result = target.op.resultElement;
      const body =
        `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${ENVELOPE_NS[version]}"><soap:Body>` +
        `<${name}Response xmlns="${ns}"><${result}>${target.write(outcome.value)}</${result}></${name}Response>` +
        `</soap:Body></soap:Envelope>`;
      return { status: 200, contentType: CONTENT_TYPE[version], body };
    } catch (err) {
      const fault =
        err instanceof SoapFault ? err : err instanceof EntityError ? malformed(err.message) : SoapFault.from(this.invoker.normalise(err));
      return this.fault(version, fault, 500, ns);
    }
  }

  /** Faults travel with HTTP 500 in both versions; 413 and 415 are refusals before SOAP processing. */
  fault(version: SoapVersion, fault: SoapFault, status = 500, ns = TNS): SoapReply {
    return { status, contentType: CONTENT_TYPE[version], body: renderFault(version, fault, ns) };
  }

  /**
   * Document/literal wrapped: the body element names the operation (WS-I
   * R2710). A SOAPAction, when sent and not empty, must agree with it.
   */
  private dispatch(body: XmlElement, rawAction: string | undefined): Compiled {
    const target = ACCEPTED_NAMESPACES.includes(body.ns) ? this.byElement.get(body.local) : undefined;
    if (!target) {
      const hint = body.ns === '' || !ACCEPTED_NAMESPACES.includes(body.ns) ? ` (operations are in namespace ${TNS})` : '';
      throw SoapFault.client('NOT_FOUND', `Unknown operation {${body.ns}}${body.local}${hint}`);
    }
    const action = rawAction?.trim().replace(/^"(.*)"$/, '$1');
    if (action) {
      const named = this.byAction.get(action);
      if (!named) throw SoapFault.client('NOT_FOUND', `Unknown SOAPAction "${action}"`);
      if (named !== target) throw SoapFault.client('VALIDATION', `SOAPAction "${action}" does not match the body element ${body.local}`);
    }
    return target;
  }

  /**
   * Header credentials (WS-Security UsernameToken or the source material's
   * <Authentication>) win over an Authorization header; either way the
   * caller is what a bearer token says, so every route ends in one check.
   */
  private async caller(headers: readonly XmlElement[], authorization: string | undefined): Promise<Caller> {
    const credentials = headerCredentials(headers);
    if (!credentials) return this.invoker.callerFrom(authorization);
    let token = this.options.credentialCache.get(credentials);
    if (!token) {
      const outcome = await this.invoker.attempt('login', null, credentials);
      if (!outcome.ok) {
        // A malformed pair (e.g. empty username) is still just bad credentials to the caller.
        if (outcome.error.kind === 'VALIDATION') throw SoapFault.client('UNAUTHENTICATED', 'Invalid username or password');
        throw SoapFault.from(outcome.error);
      }
      const issued = outcome.value as Token;
      this.options.credentialCache.set(credentials, issued.access_token, issued.expires_in);
      token = issued.access_token;
    }
    return this.invoker.callerFrom(`Bearer ${token}`);
  }
}

function inputOf(body: XmlElement): unknown {
  const value = plainValue(body);
  if (typeof value !== 'string') return value;
  if (value.trim() !== '') throw SoapFault.client('VALIDATION', `<${body.local}> must hold child elements, not text`);
  return {};
}
