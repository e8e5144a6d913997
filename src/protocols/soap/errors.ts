import { DomainError, type ErrorKind } from '../../domain/errors.js';
import type { Language, Text } from '../../domain/i18n/index.js';
import { publicError } from '../../runtime/public-error.js';
import { escapeText } from '../shared/xml-text.js';
import { SERVICE_FAULT_TYPE } from './contract.js';
import { compileWriter } from './serialize.js';
import { ENVELOPE_NS, FAULT_CODES, FAULT_SIDE, TNS, type FaultCode, type SoapVersion } from './spec.js';

export { FAULT_CODES, FAULT_SIDE };

/** A fault raised by the SOAP layer itself (envelope, dispatch, headers) or carried from the domain. */
export class SoapFault extends Error {
  constructor(
    readonly code: FaultCode,
    readonly error: DomainError,
    /** Header blocks that go with the fault, per reply version (Upgrade, NotUnderstood). */
    readonly headers: Partial<Record<SoapVersion, string>> = {},
    /** The version the fault is answered in whatever the request said (VersionMismatch: SOAP 1.2 Part 1 Appendix A). */
    readonly replyVersion?: SoapVersion,
  ) {
    super(error.message);
  }

  static client(kind: ErrorKind, message: Text): SoapFault {
    return new SoapFault('client', new DomainError(kind, message));
  }

  static from(error: DomainError): SoapFault {
    return new SoapFault(FAULT_SIDE[error.kind], error);
  }
}

const writeDetail = compileWriter(SERVICE_FAULT_TYPE);

/**
 * A fault in the reader's language: faultstring (SOAP 1.1, whose envelope
 * schema allows `xml:lang` on it) or Reason/Text (SOAP 1.2 Part 1 §5.4.2,
 * where `xml:lang` is required), and the typed <ServiceFault> detail's
 * message and field messages. INTERNAL never carries the real message.
 */
export function renderFault(version: SoapVersion, fault: SoapFault, ns = TNS, lang: Language = 'en'): string {
  const code = FAULT_CODES[version][fault.code];
  const { error } = fault;
  const { message, fields } = publicError(error, lang);
  const reason = escapeText(message);
  const detail = `<ServiceFault xmlns="${ns}">${writeDetail({ kind: error.kind, message, fields, retryAfter: error.retryAfter })}</ServiceFault>`;
  const open = `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${ENVELOPE_NS[version]}">`;
  const header = fault.headers[version] ? `<soap:Header>${fault.headers[version]}</soap:Header>` : '';
  if (version === '1.1') {
    return (
      `${open}${header}<soap:Body><soap:Fault><faultcode>${code}</faultcode><faultstring xml:lang="${lang}">${reason}</faultstring>` +
      `<detail>${detail}</detail></soap:Fault></soap:Body></soap:Envelope>`
    );
  }
  return (
    `${open}${header}<soap:Body><soap:Fault><soap:Code><soap:Value>${code}</soap:Value></soap:Code>` +
    `<soap:Reason><soap:Text xml:lang="${lang}">${reason}</soap:Text></soap:Reason>` +
    `<soap:Detail>${detail}</soap:Detail></soap:Fault></soap:Body></soap:Envelope>`
  );
}
