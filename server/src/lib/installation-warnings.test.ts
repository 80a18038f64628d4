import { describe, expect, it } from 'vitest';
import { isLocalNetworkAddress } from './installation-warnings.js';

describe('where a reverse proxy sits', () => {
  it('counts loopback and private networks, IPv4-mapped ones too, and nothing public', () => {
    for (const address of [
      '127.0.0.1',
      '::1',
      '::ffff:127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.254',
      '192.168.178.20',
      '::ffff:192.168.0.5',
      '100.64.0.1',
      'fd12:3456::1',
      'fe80::1',
    ]) {
      expect(isLocalNetworkAddress(address), address).toBe(true);
    }
    for (const address of [
      undefined,
      '',
      'unknown',
      '203.0.113.7',
      '172.32.0.1',
      '::ffff:8.8.8.8',
      '2001:db8::1',
      '11.0.0.1',
    ]) {
      expect(isLocalNetworkAddress(address), String(address)).toBe(false);
    }
  });
});
