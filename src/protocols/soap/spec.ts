import type { ErrorKind } from '../../domain/errors.js';

/** Where SOAP is served: POST envelopes, GET ?wsdl for the contract. */
export const SOAP_PATH = '/soap';

/** Our own target namespace; SOAPActions are `${TNS}/${Operation}`. */
export const TNS = 'http://polyface.dev/user-service';
/**
 * The source material's sample posts `<GetUser xmlns="http://example.com/user-service">`.
 * Requests in that namespace are accepted too and answered in it, so the
 * sample works verbatim; the WSDL only advertises TNS.
 */
export const LEGACY_TNS = 'http://example.com/user-service';
export const ACCEPTED_NAMESPACES: readonly string[] = [TNS, LEGACY_TNS];

export const SERVICE_NAME = 'UserService';

export type SoapVersion = '1.1' | '1.2';

export const ENVELOPE_NS: Record<SoapVersion, string> = {
  '1.1': 'http://schemas.xmlsoap.org/soap/envelope/',
  '1.2': 'http://www.w3.org/2003/05/soap-envelope',
};

export const CONTENT_TYPE: Record<SoapVersion, string> = {
  '1.1': 'text/xml; charset=utf-8',
  '1.2': 'application/soap+xml; charset=utf-8',
};

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

export const WSSE_NS = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
export const PASSWORD_TEXT = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText';
