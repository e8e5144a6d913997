import { DomainError, type ErrorKind } from '../../domain/errors.js';
import { SERVICE_FAULT_TYPE, TNS } from './contract.js';
import { compileWriter } from './serialize.js';
import { escapeText } from '../shared/xml-text.js';

export type SoapVersion = '1.1' | '1.2';

/** Which side is to blame, per kind: Client/Sender faults are worth fixing and resending, Server/Receiver ones are not. */
export const FAULT_SIDE: Record<ErrorKind, 'client' | 'server'> = {
  NOT_FOUND: 'client',
  CONFLICT: 'client',
  VALIDATION: 'client',
  UNAUTHENTICATED: 'client',
  FORBIDDEN: 'client',
  PRECONDITION_FAILED: 'client',
  RATE_LIMITED: 'server',
  INTERNAL: 'server',
};

export type FaultCode = 'client' | 'server' | 'VersionMismatch' | 'MustUnderstand';

export const FAULT_CODES: Record<SoapVersion, Record<FaultCode, string>> = {
  '1.1': { client: 'soap:Client', server: 'soap:Server', VersionMismatch: 'soap:VersionMismatch', MustUnderstand: 'soap:MustUnderstand' },
  '1.2': { client: 'soap:Sender', server: 'soap:Receiver', VersionMismatch: 'soap:VersionMismatch', MustUnderstand: 'soap:MustUnderstand' },
};

export const ENVELOPE_NS: Record<SoapVersion, string> = {
  '1.1': 'http://schemas.xmlsoap.org/soap/envelope/',
  '1.2': 'http://www.w3.org/2003/05/soap-envelope',
};

export const CONTENT_TYPE: Record<SoapVersion, string> = {
  '1.1': 'text/xml; charset=utf-8',
  '1.2': 'application/soap+xml; charset=utf-8',
};

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
const SAFE_INTERNAL = 'Internal server error';

/** The typed <ServiceFault> detail; INTERNAL never carries the real message. */
function detail(error: DomainError, ns: string): string {
  const message = error.kind === 'INTERNAL' ? SAFE_INTERNAL : error.message;
  const body = writeDetail({ kind: error.kind, message, fields: error.fields, retryAfter: error.retryAfter });
  return `<ServiceFault xmlns="${ns}">${body}</ServiceFault>`;
}

export function renderFault(version: SoapVersion, fault: SoapFault, ns = TNS): string {
  const code = FAULT_CODES[version][fault.code];
  const reason = escapeText(fault.error.kind === 'INTERNAL' ? SAFE_INTERNAL : fault.error.message);
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
