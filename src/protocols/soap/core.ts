import { msg, type Language } from '../../domain/i18n/index.js';
import { createContext, type CallContext, type ContextInit } from '../../runtime/context.js';
import { fromAuthorization } from '../../runtime/credentials.js';
import type { Runtime } from '../../runtime/invoker.js';
import { negotiateLanguage } from '../../runtime/language.js';
import { coerceText } from '../shared/coerce.js';
import { parseContentType } from '../shared/http.js';
import { EntityError } from '../shared/xml-text.js';
import { headerCredentials } from './auth.js';
import type { SoapContract, SoapOperation } from './contract.js';
import { EnvelopeReader, malformed, plainValue, type ReaderLimits, type XmlElement } from './envelope.js';
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
  /** The reply around the result, per version and namespace, built once: `${before}${write(value)}${after}`. */
  readonly frames: Map<string, readonly [before: string, after: string]>;
}

const MEDIA_VERSION: Record<string, SoapVersion | undefined> = { 'text/xml': '1.1', 'application/soap+xml': '1.2' };

/**
 * The framework-free SOAP core: a request record in, a reply record out.
 * Everything derived from the contract (dispatch tables, reply writers and
 * the envelopes around them) is built here once; a request costs one parse,
 * one runtime call and one templated reply.
 */
export class SoapCore {
  private readonly reader: EnvelopeReader;
  private readonly byElement = new Map<string, Compiled>();
  private readonly byAction = new Map<string, Compiled>();

  constructor(
    private readonly runtime: Runtime,
    contract: SoapContract,
    limits: ReaderLimits,
  ) {
    this.reader = new EnvelopeReader(limits);
    const memo = new Map<XmlType, Writer>();
    for (const op of contract.operations) {
      const frames = new Map<string, readonly [string, string]>();
      for (const version of ['1.1', '1.2'] as const) {
        for (const ns of ACCEPTED_NAMESPACES) {
          frames.set(`${version} ${ns}`, [
            `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${ENVELOPE_NS[version]}"><soap:Body>` +
              `<${op.name}Response xmlns="${ns}"><${op.resultElement}>`,
            `</${op.resultElement}></${op.name}Response></soap:Body></soap:Envelope>`,
          ]);
        }
      }
      const compiled = { op, write: compileWriter(op.result, memo), frames };
      this.byElement.set(op.name, compiled);
      // The WSDL's action, the same in the source material's namespace, or the bare operation name.
      for (const action of [op.action, `${LEGACY_TNS}/${op.name}`, op.name]) this.byAction.set(action, compiled);
    }
  }

  async handle(req: SoapRequest, init: SoapCallInit): Promise<SoapReply> {
    const { type: media, parameters } = parseContentType(req.contentType);
    const announced = MEDIA_VERSION[media];
    let version: SoapVersion = announced ?? '1.1';
    const language = negotiateLanguage(req.acceptLanguage);
    if (!MEDIA_TYPES.has(media)) {
      const fault = SoapFault.client('VALIDATION', msg('soap.contentType'));
      return this.fault(version, fault, 415, TNS, language);
    }
    let ns = TNS;
    let ctx: CallContext | undefined;
    try {
      const envelope = this.reader.read(req.body, announced);
      version = envelope.version;
      // SOAP 1.2 carries the action as a media-type parameter (RFC 3902), SOAP 1.1 in its own header.
      const action = version === '1.2' ? parameters.action : req.soapAction;
      const target = this.dispatch(envelope.body, action);
      ns = envelope.body.ns;
      // Header credentials (WS-Security UsernameToken or the source material's <Authentication>) win over Authorization.
      const credentials = headerCredentials(envelope.headers) ?? fromAuthorization(req.authorization);
      ctx = createContext({ ...init, style: 'soap', language, credentials });
      const input = coerceText(target.op.input, inputOf(envelope.body));
      const outcome = await this.runtime.attempt(target.op.op.name, ctx, input);
      if (!outcome.ok) throw SoapFault.from(outcome.error);
      const value = target.op.op.typed ? target.op.op.typed.from(outcome.value) : outcome.value;
      const [before, after] = target.frames.get(`${version} ${ns}`)!;
      return { status: 200, contentType: CONTENT_TYPE[version], body: before + target.write(value) + after };
    } catch (err) {
      const fault =
        err instanceof SoapFault
          ? err
          : err instanceof EntityError
            ? malformed(err.text)
            : SoapFault.from(this.runtime.normalise(err, ctx ?? createContext({ ...init, style: 'soap', language })));
      return this.fault(fault.replyVersion ?? version, fault, 500, ns, language);
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
