import type { IncomingMessage } from 'node:http';
import { isIPv4, isIPv6 } from 'node:net';

/**
 * The client's address for requests that bypass Express (the WebSocket upgrade), by the same
 * rule as Express's `req.ip` under `TRUST_PROXY`: false takes the socket's peer; a number n skips
 * n trusted proxies from the right of `X-Forwarded-For`; true takes its leftmost entry.
 */
export function clientAddress(req: IncomingMessage, trustProxy: boolean | number): string {
  const peer = req.socket.remoteAddress ?? 'unknown';
  if (trustProxy === false || trustProxy === 0) return peer;
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .reverse();
  const chain = [peer, ...forwarded];
  const hops = trustProxy === true ? chain.length - 1 : trustProxy;
  return chain[Math.min(hops, chain.length - 1)]!;
}

/** An IPv4 address as an IPv6 socket reports it (`::ffff:10.0.0.1`), written as IPv4; others as they are. */
export function unmapIPv4(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1]! : address;
}

/**
 * What counts as one client for per-address limits: an IPv4 address, or an IPv6 /64 (one
 * household's or one device's prefix: a single IPv6 host can use any address in it).
 */
export function addressGroup(address: string): string {
  const plain = unmapIPv4(address);
  if (plain !== address) return plain;
  if (isIPv4(address) || !isIPv6(address)) return address;
  const [head = '', tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((group) => Number.parseInt(group || '0', 16).toString(16))
    .join(':')}::/64`;
}

/**
 * What an HTTP route's per-address limits count: the address group of the client Express names
 * (`req.ip`, by the same TRUST_PROXY rule). Counted by the bare address, a host with an IPv6 /64
 * had some 2^64 addresses to rotate through, and so no limit at all.
 */
export function requestAddressGroup(req: { ip?: string | undefined }): string {
  return addressGroup(req.ip ?? 'unknown');
}
