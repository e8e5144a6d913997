import { msg, type Language } from '../../domain/i18n/index.js';
import { createContext, type ContextInit } from '../../runtime/context.js';
import { fromAuthorization } from '../../runtime/credentials.js';
import type { Runtime } from '../../runtime/invoker.js';
import { negotiateLanguage } from '../../runtime/language.js';
import { coerceText } from '../shared/coerce.js';
import { parseContentType } from '../shared/http.js';
import { EntityError } from '../shared/xml-text.js';
import { headerCredentials } from './auth.js';
import type { SoapContract, SoapOperation } from './contract.js';
import { EnvelopeReader, malformed, plainValue, type XmlElement } from './envelope.js';
import { renderFault, SoapFault } from './errors.js';
import type { XmlType } from './model.js';
import { compileWriter, type Writer } from './serialize.js';
import { ACCEPTED_NAMESPACES, CONTENT_TYPE, ENVELOPE_NS, LEGACY_TNS, TNS, type SoapVersion } from './spec.js';

/** A SOAP request with the HTTP dressing reduced to what SOAP reads. */
export interface SoapRequest {
  readonly body: string;
  readonly contentType: string | undefined;
  /** The SOAP 1.1 SOAPAction header, as sent. */
  readonly soapAction: string | undefined;
  readonly authorization: string | undefined;
  /** The HTTP Accept-Language header: the language of fault messages. */
  readonly acceptLanguage?: string | undefined;
}

export interface SoapReply {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  /** Set on faults: the language their text is in (for Content-Language). */
  readonly language?: Language;
}

/** What the binding knows of the request besides its SOAP content (request id, log, signal…). */
export type SoapCallInit = Omit<ContextInit, 'style' | 'credentials'>;

/** text/xml is SOAP 1.1's media type, application/soap+xml SOAP 1.2's; application/xml is tolerated. */
const MEDIA_TYPES = new Set(['text/xml', 'application/soap+xml', 'application/xml']);

interface Compiled {
  readonly op: SoapOperation;
  readonly write: Writer;
}

/**
 * The framework-free SOAP core: a request record in, a reply record out.
 * Everything derived from the contract (dispatch tables, reply writers) is
 * built here once; a request costs one parse, one runtime call and one
 * templated reply.
 */
export class SoapCore {
  private readonly reader: EnvelopeReader;
  private readonly byElement = new Map<string, Compiled>();
  private readonly byAction = new Map<string, Compiled>();

  constructor(
    private readonly runtime: Runtime,
    contract: SoapContract,
    maxDepth: number,
  ) {
    this.reader = new EnvelopeReader(maxDepth);
    const memo = new Map<XmlType, Writer>();
    for (const op of contract.operations) {
      const compiled = { op, write: compileWriter(op.result, memo) };
      this.byElement.set(op.name, compiled);
      // The WSDL's action, the same in the source material's namespace, or the bare operation name.
      for (const action of [op.action, `${LEGACY_TNS}/${op.name}`, op.name]) this.byAction.set(action, compiled);
    }
  }

  async handle(req: SoapRequest, init: SoapCallInit): Promise<SoapReply> {
    const { type: media, parameters } = parseContentType(req.contentType);
    let version: SoapVersion = media === 'application/soap+xml' ? '1.2' : '1.1';
    const language = negotiateLanguage(req.acceptLanguage);
    if (!MEDIA_TYPES.has(media)) {
      const fault = SoapFault.client('VALIDATION', msg('soap.contentType'));
      return this.fault(version, fault, 415, TNS, language);
    }
    let ns = TNS;
    let ctx = createContext({ ...init, style: 'soap', language });
    try {
      const envelope = this.reader.read(req.body);
      version = envelope.version;
      // SOAP 1.2 carries the action as a media-type parameter (RFC 3902), SOAP 1.1 in its own header.
      const action = version === '1.2' ? parameters.action : req.soapAction;
      const target = this.dispatch(envelope.body, action);
      ns = envelope.body.ns;
      // Header credentials (WS-Security UsernameToken or the source material's <Authentication>) win over Authorization.
      const credentials = headerCredentials(envelope.headers) ?? fromAuthorization(req.authorization);
      ctx = { ...ctx, credentials };
      const input = coerceText(target.op.input, inputOf(envelope.body));
      const outcome = await this.runtime.attempt(target.op.op.name, ctx, input);
      if (!outcome.ok) throw SoapFault.from(outcome.error);
      const value = target.op.op.typed ? target.op.op.typed.from(outcome.value) : outcome.value;
      const name = target.op.name;
      const result = target.op.resultElement;
      const body =
        `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${ENVELOPE_NS[version]}"><soap:Body>` +
        `<${name}Response xmlns="${ns}"><${result}>${target.write(value)}</${result}></${name}Response>` +
        `</soap:Body></soap:Envelope>`;
      return { status: 200, contentType: CONTENT_TYPE[version], body };
    } catch (err) {
      const fault =
        err instanceof SoapFault ? err : err instanceof EntityError ? malformed(err.text) : SoapFault.from(this.runtime.normalise(err, ctx));
      return this.fault(version, fault, 500, ns, language);
    }
  }

  /** Faults travel with HTTP 500 in both versions; 413 and 415 are refusals before SOAP processing. */
  fault(version: SoapVersion, fault: SoapFault, status = 500, ns = TNS, language: Language = 'en'): SoapReply {
    return { status, contentType: CONTENT_TYPE[version], body: renderFault(version, fault, ns, language), language };
  }

  /**
   * Document/literal wrapped: the body element names the operation (WS-I
   * R2710). A SOAPAction, when sent and not empty, must agree with it.
   */
  private dispatch(body: XmlElement, rawAction: string | undefined): Compiled {
    const target = ACCEPTED_NAMESPACES.includes(body.ns) ? this.byElement.get(body.local) : undefined;
    if (!target) {
      const name = `{${body.ns}}${body.local}`;
      const elsewhere = body.ns === '' || !ACCEPTED_NAMESPACES.includes(body.ns);
      throw SoapFault.client('NOT_FOUND', elsewhere ? msg('soap.unknownOperationNs', { name, ns: TNS }) : msg('soap.unknownOperation', { name }));
    }
    const action = rawAction?.trim().replace(/^"(.*)"$/, '$1');
    if (action) {
      const named = this.byAction.get(action);
      if (!named) throw SoapFault.client('NOT_FOUND', msg('soap.unknownAction', { action }));
      if (named !== target) throw SoapFault.client('VALIDATION', msg('soap.actionMismatch', { action, element: body.local }));
    }
    return target;
  }
}

function inputOf(body: XmlElement): unknown {
  const value = plainValue(body);
  if (typeof value !== 'string') return value;
  if (value.trim() !== '') throw SoapFault.client('VALIDATION', msg('soap.textBody', { element: body.local }));
  return {};
}
