import { describe, expect, it } from 'vitest';
import { addressGroup, unmapIPv4 } from './client-address.js';

describe('what counts as one client', () => {
  it('writes an IPv4-mapped address as IPv4, and leaves every other as it is', () => {
    expect(unmapIPv4('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(unmapIPv4('::FFFF:127.0.0.1')).toBe('127.0.0.1');
    expect(unmapIPv4('10.1.2.3')).toBe('10.1.2.3');
    expect(unmapIPv4('2001:db8::1')).toBe('2001:db8::1');
    expect(unmapIPv4('::ffff:2001:db8')).toBe('::ffff:2001:db8');
  });

  it('groups IPv4 by address (mapped or not) and IPv6 by its /64', () => {
    expect(addressGroup('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(addressGroup('10.1.2.3')).toBe('10.1.2.3');
    expect(addressGroup('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressGroup('2001:db8:1:2:bbbb::9')).toBe('2001:db8:1:2::/64');
    expect(addressGroup('unknown')).toBe('unknown');
  });
});
