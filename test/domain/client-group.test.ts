import { describe, expect, it } from 'vitest';
import { clientGroup } from '../../src/domain/client-group.js';

describe('clientGroup: what limits count as one client', () => {
  it('keeps IPv4 addresses, and takes IPv4-mapped IPv6 addresses as their IPv4 address', () => {
    expect(clientGroup('203.0.113.7')).toBe('203.0.113.7');
    expect(clientGroup('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(clientGroup('::FFFF:203.0.113.7')).toBe('203.0.113.7');
  });

  it('groups IPv6 addresses by their /64, however they are written', () => {
    const group = '2001:db8:1:2::/64';
    for (const a of ['2001:db8:1:2::1', '2001:db8:1:2:aaaa:bbbb:cccc:dddd', '2001:0DB8:0001:0002:0:0:0:9', '2001:db8:1:2::', '2001:db8:1:2::1%eth0']) {
      expect(clientGroup(a), a).toBe(group);
    }
    expect(clientGroup('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(clientGroup('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientGroup('::1')).toBe('0:0:0:0::/64');
    expect(clientGroup('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(clientGroup('64:ff9b::192.0.2.1')).toBe('64:ff9b:0:0::/64');
  });

  it('returns anything else as it is', () => {
    for (const a of [undefined, '', 'unknown', 'user:1', '1::2::3', 'zzzz::1', '1:2:3']) expect(clientGroup(a)).toBe(a);
  });
});
