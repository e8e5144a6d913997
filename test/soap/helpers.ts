import { XMLParser } from 'fast-xml-parser';

export const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';
export const SOAP12 = 'http://www.w3.org/2003/05/soap-envelope';
export const TNS = 'http://polyface.dev/user-service';
export const WSSE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';

export interface SoapHttpReply {
  status: number;
  headers: Headers;
  text: string;
  /** The reply parsed with namespace prefixes removed; undefined when not XML. */
  xml: any;
}

const reader = new XMLParser({ removeNSPrefix: true, ignoreAttributes: false, parseTagValue: false, isArray: (name) => name === 'fields' || name === 'items' });

/** Wraps body (and header) content in an envelope of the given version. */
export function envelope(version: '1.1' | '1.2', body: string, header = ''): string {
  const ns = version === '1.1' ? SOAP11 : SOAP12;
  return `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${ns}">${header ? `<soap:Header>${header}</soap:Header>` : ''}<soap:Body>${body}</soap:Body></soap:Envelope>`;
}

export const authentication = (username: string, password: string) =>
  `<Authentication><username>${username}</username><password>${password}</password></Authentication>`;

export const usernameToken = (username: string, password: string, type = 'PasswordText') =>
  `<wsse:Security xmlns:wsse="${WSSE}" soap:mustUnderstand="1"><wsse:UsernameToken><wsse:Username>${username}</wsse:Username>` +
  `<wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#${type}">${password}</wsse:Password>` +
  `</wsse:UsernameToken></wsse:Security>`;

/** POSTs a raw envelope: SOAP 1.1 as text/xml with SOAPAction, SOAP 1.2 as application/soap+xml with an action parameter. */
export async function post(
  url: string,
  body: string | Uint8Array,
  opts: { version?: '1.1' | '1.2'; action?: string; token?: string; headers?: Record<string, string> } = {},
): Promise<SoapHttpReply> {
  const version = opts.version ?? '1.1';
  const headers: Record<string, string> =
    version === '1.1'
      ? { 'Content-Type': 'text/xml; charset=utf-8', ...(opts.action !== undefined ? { SOAPAction: `"${opts.action}"` } : {}) }
      : { 'Content-Type': `application/soap+xml; charset=utf-8${opts.action !== undefined ? `; action="${opts.action}"` : ''}` };
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  const res = await fetch(`${url}/soap`, { method: 'POST', headers: { ...headers, ...opts.headers }, body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, xml: text.startsWith('<') ? reader.parse(text) : undefined };
}

/** The body's single child of a reply. */
export const bodyOf = (r: SoapHttpReply) => r.xml.Envelope.Body;

/** The xml:lang of a fault's faultstring (1.1) or Reason/Text (1.2). */
export const faultLanguage = (r: SoapHttpReply): string => {
  const f = bodyOf(r).Fault;
  return (f.faultstring ?? f.Reason.Text)['@_lang'];
};

/** Code, reason and the typed ServiceFault detail of a fault reply, whatever the version. */
export function faultOf(r: SoapHttpReply): { code: string; reason: string; kind: string; message: string; fields: string[] } {
  const f = bodyOf(r).Fault;
  const detail = (f.detail ?? f.Detail).ServiceFault;
  const reason = (f.faultstring ?? f.Reason.Text)['#text'];
  return {
    code: f.faultcode ?? f.Code.Value,
    reason,
    kind: detail.kind,
    message: detail.message,
    fields: (detail.fields ?? []).map((x: { field: string }) => x.field).sort(),
  };
}
