import { DomainError, type ErrorKind } from '../../domain/errors.js';
import { publicMessage } from '../../runtime/public-error.js';
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
    /** SOAP 1.2 header blocks that go with the fault (Upgrade, NotUnderstood). */
    readonly header12 = '',
  ) {
    super(error.message);
  }

  static client(kind: ErrorKind, message: string): SoapFault {
    return new SoapFault('client', new DomainError(kind, message));
  }

  static from(error: DomainError): SoapFault {
    return new SoapFault(FAULT_SIDE[error.kind], error);
  }
}

const writeDetail = compileWriter(SERVICE_FAULT_TYPE);

/** The typed <ServiceFault> detail; INTERNAL never carries the real message. */
function detail(error: DomainError, ns: string): string {
  const message = publicMessage(error);
  const body = writeDetail({ kind: error.kind, message, fields: error.fields, retryAfter: error.retryAfter });
  return `<ServiceFault xmlns="${ns}">${body}</ServiceFault>`;
}

export function renderFault(version: SoapVersion, fault: SoapFault, ns = TNS): string {
  const code = FAULT_CODES[version][fault.code];
  const reason = escapeText(publicMessage(fault.error));
  const open = `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${ENVELOPE_NS[version]}">`;
  if (version === '1.1') {
    return (
      `${open}<soap:Body><soap:Fault><faultcode>${code}</faultcode><faultstring>${reason}</faultstring>` +
      `<detail>${detail(fault.error, ns)}</detail></soap:Fault></soap:Body></soap:Envelope>`
    );
  }
  const header = fault.header12 ? `<soap:Header>${fault.header12}</soap:Header>` : '';
  return (
    `${open}${header}<soap:Body><soap:Fault><soap:Code><soap:Value>${code}</soap:Value></soap:Code>` +
    `<soap:Reason><soap:Text xml:lang="en">${reason}</soap:Text></soap:Reason>` +
    `<soap:Detail>${detail(fault.error, ns)}</soap:Detail></soap:Fault></soap:Body></soap:Envelope>`
  );
}
