/**
 * What limits count as one client: an IPv4 address, or the /64 network of an IPv6 one (an IPv4-mapped IPv6
 * address, as a dual-stack socket reports IPv4 peers, is its IPv4 address). A /64 is what one IPv6 subscriber is
 * routinely given (RFC 6177 §2), and a host may use any number of its addresses (RFC 7934 §8, RFC 8981 temporary
 * addresses), so counting single addresses would let one client step past every per-address limit — login
 * throttling, call limits, WebSockets per address — by changing its interface identifier.
 *
 * Written by hand rather than with node:net, which parses but does not mask: the domain imports no adapter, and
 * anything that is not an IPv6 address in text form (a test's made-up peer, 'unknown') is returned as it is.
 */
export function clientGroup(address: string | undefined): string | undefined {
  if (!address || !address.includes(':')) return address;
  const text = address.replace(/%.*$/, '').toLowerCase(); // a zone index (fe80::1%eth0) is not part of the address
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (mapped) return mapped[1];
  const halves = text.split('::');
  if (halves.length > 2) return address;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  // A dotted IPv4 tail (::ffff:0:1.2.3.4, 64:ff9b::1.2.3.4) takes the place of two groups.
  const tailGroups = tail.length + (tail.at(-1)?.includes('.') ? 1 : 0);
  const missing = halves.length === 2 ? 8 - head.length - tailGroups : 0;
  if (missing < 0 || (halves.length === 1 && head.length !== 8 && !(head.length === 7 && head[6]!.includes('.')))) return address;
  const groups = [...head, ...Array<string>(missing).fill('0'), ...tail];
  const network = groups.slice(0, 4);
  if (network.length < 4 || !network.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return address;
  return `${network.map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
