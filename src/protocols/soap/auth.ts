import { DomainError } from '../../domain/errors.js';
import { msg, type MessageKey } from '../../domain/i18n/index.js';
import { password, type Credentials } from '../../runtime/credentials.js';
import { escapeAttr } from '../shared/xml-text.js';
import { childElements, childText, type XmlElement } from './envelope.js';
import { SoapFault } from './errors.js';
import { ACCEPTED_NAMESPACES, PASSWORD_TEXT, WSSE_NS } from './spec.js';

export { PASSWORD_TEXT, WSSE_NS };

const unauthenticated = (key: MessageKey) => new SoapFault('client', new DomainError('UNAUTHENTICATED', msg(key)));

/** The source material's header: <Authentication><username/><password/></Authentication>, unqualified or in our namespace. */
function legacyAuthentication(block: XmlElement): Credentials {
  const username = childText(block, 'username');
  const secret = childText(block, 'password');
  if (username === undefined || secret === undefined) throw unauthenticated('soap.authIncomplete');
  return password(username, secret);
}

/** WS-Security UsernameToken with a PasswordText password (OASIS WSS 1.0 UsernameToken Profile). */
function wsSecurity(block: XmlElement): Credentials {
  const token = childElements(block).find((e) => e.local === 'UsernameToken' && e.ns === WSSE_NS);
  if (!token) throw unauthenticated('soap.noUsernameToken');
  const parts = childElements(token);
  const user = parts.find((e) => e.local === 'Username');
  const pass = parts.find((e) => e.local === 'Password');
  if (!user || !pass) throw unauthenticated('soap.usernameTokenIncomplete');
  const type = pass.attrs.Type;
  if (type !== undefined && type !== PASSWORD_TEXT) throw unauthenticated('soap.passwordType');
  return password(childText(token, 'Username')!, childText(token, 'Password')!);
}

const mandatory = (block: XmlElement): boolean => {
  for (const key in block.attrs) {
    if (key === 'mustUnderstand' || key.endsWith(':mustUnderstand')) return block.attrs[key] === '1' || block.attrs[key] === 'true';
  }
  return false;
};

/**
 * Credentials from the SOAP header, if any: a username and password that
 * the runtime checks on the same path (and through the same cache) as every
 * other style's credentials. A header block marked mustUnderstand that is
 * not one of ours is a MustUnderstand fault, as both SOAP versions require;
 * more than one credentials block is a Client/Sender fault.
 */
export function headerCredentials(headers: readonly XmlElement[]): Credentials | undefined {
  let found: Credentials | undefined;
  for (const block of headers) {
    const security = block.local === 'Security' && block.ns === WSSE_NS;
    if (security || (block.local === 'Authentication' && (block.ns === '' || ACCEPTED_NAMESPACES.includes(block.ns)))) {
      // Two credential blocks are two identities for one call; which one a proxy or log believes is anyone's guess.
      if (found) throw SoapFault.client('VALIDATION', msg('soap.twoCredentials'));
      found = security ? wsSecurity(block) : legacyAuthentication(block);
    } else if (mandatory(block)) {
      const fault = SoapFault.client('VALIDATION', msg('soap.mustUnderstand', { header: `{${block.ns}}${block.local}` }));
      const notUnderstood = `<soap:NotUnderstood qname="h:${block.local}" xmlns:h="${escapeAttr(block.ns)}"/>`;
      throw new SoapFault('MustUnderstand', fault.error, { '1.2': notUnderstood });
    }
  }
  return found;
}
