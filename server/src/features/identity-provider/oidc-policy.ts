import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import type { Config } from '../../config.js';

/**
 * The installation's policy on OpenID providers (decision 026): a municipality admin enters the
 * issuer, the server fetches from it and from the endpoints its discovery document names. Unless
 * the installation allows internal providers, only https and public addresses; with a list of
 * allowed issuers, only hosts on it.
 */

/** Every address a host name resolves to (IPv4 and IPv6); fails when it does not resolve. */
export type Resolver = (host: string) => Promise<string[]>;

/**
 * The policy the config builds. For tests only: `resolve` replaces the system's resolver (one
 * that answers differently each time, as a rebinding DNS server would), and `isPublic` which
 * addresses count as public (so that a test can play the public internet on a loopback address
 * without sending anything off the machine).
 */
export type OidcPolicy = Config['oidcPolicy'] & { resolve?: Resolver; isPublic?: (address: string) => boolean };

/** Why a URL may not be fetched: `https` (plain http), `listed` (not on the list), `address` (not public). */
export type PolicyProblem = 'https' | 'listed' | 'address';

export class PolicyRefused extends Error {
  constructor(
    readonly problem: PolicyProblem,
    message: string,
  ) {
    super(message);
    this.name = 'PolicyRefused';
  }
}

/**
 * Addresses that are not on the public internet (RFC 6890 and its successors). Two lists: a
 * BlockList also matches IPv4 addresses against IPv4-mapped IPv6 rules.
 */
const NON_PUBLIC_V4 = new BlockList();
const NON_PUBLIC_V6 = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata services)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  NON_PUBLIC_V4.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['::', 96], // IPv4-compatible (deprecated)
  ['::ffff:0:0', 96], // IPv4-mapped: would reach any IPv4 address, private ones too
  ['64:ff9b::', 96], // NAT64, likewise
  ['64:ff9b:1::', 48], // local NAT64
  ['100::', 64], // discard
  ['2001::', 23], // protocol assignments (Teredo among them)
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4: embeds an IPv4 address
  ['fc00::', 7], // unique-local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) {
  NON_PUBLIC_V6.addSubnet(network, prefix, 'ipv6');
}

/** Whether an IP address is on the public internet (IPv6 only within 2000::/3, the global unicast). */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !NON_PUBLIC_V4.check(address, 'ipv4');
  if (family === 6) {
    const first = parseInt(address.split(':')[0] || '0', 16);
    if (address.startsWith('::') || first < 0x2000 || first > 0x3fff) return false;
    return !NON_PUBLIC_V6.check(address, 'ipv6');
  }
  return false;
}

/** A URL's host without IPv6 brackets, lower case. */
const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();

function listed(policy: OidcPolicy, url: URL): boolean {
  if (policy.allowedIssuers.length === 0) return true;
  const host = hostOf(url);
  return policy.allowedIssuers.some((entry) =>
    'origin' in entry
      ? entry.origin === url.origin
      : 'host' in entry
        ? entry.host === host
        : host.endsWith(entry.suffix),
  );
}

/** What can be told without asking the DNS: scheme, the list, a literal IP address. */
export function checkUrlShape(policy: OidcPolicy, url: URL): void {
  if (url.protocol !== 'https:' && !(policy.allowInternal && url.protocol === 'http:')) {
    throw new PolicyRefused('https', `${url.protocol} is not allowed, only https:`);
  }
  if (url.username || url.password) throw new PolicyRefused('listed', 'the address carries credentials');
  if (!listed(policy, url)) throw new PolicyRefused('listed', `${url.host} is not in OIDC_ALLOWED_ISSUERS`);
  const host = hostOf(url);
  if (isIP(host) && !policy.allowInternal && !(policy.isPublic ?? isPublicAddress)(host)) {
    throw new PolicyRefused('address', `${host} is not a public address`);
  }
}

const LOOKUP_TIMEOUT_MS = 5_000;

/** Every address the host resolves to; fails when it does not resolve (in time). */
const systemResolve: Resolver = async (host) => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${host} did not resolve in time`)), LOOKUP_TIMEOUT_MS);
  });
  try {
    const found = await Promise.race([lookup(host, { all: true, verbatim: true }), timeout]);
    return found.map((entry) => entry.address);
  } finally {
    clearTimeout(timer);
  }
};

/**
 * The whole check of a URL: the shape, then every address the host resolves to must be public
 * (unless internal providers are allowed). A host that does not resolve is refused too.
 */
export async function checkUrl(policy: OidcPolicy, url: URL): Promise<void> {
  checkUrlShape(policy, url);
  const host = hostOf(url);
  if (policy.allowInternal || isIP(host)) return;
  refuseInner(policy, host, await (policy.resolve ?? systemResolve)(host));
}

function refuseInner(policy: OidcPolicy, host: string, addresses: string[]): void {
  const inner = addresses.find((address) => !(policy.isPublic ?? isPublicAddress)(address));
  if (inner !== undefined) throw new PolicyRefused('address', `${host} resolves to ${inner}, not a public address`);
}

/**
 * The check right before a connection: like `checkUrl`, and returns the checked address the
 * connection must use, so that the name is not resolved a second time (a rebinding DNS server
 * could answer an inner address then).
 */
export async function checkedAddress(policy: OidcPolicy, url: URL): Promise<{ address: string; family: 4 | 6 }> {
  checkUrlShape(policy, url);
  const host = hostOf(url);
  const literal = isIP(host);
  if (literal === 4 || literal === 6) return { address: host, family: literal };
  const addresses = await (policy.resolve ?? systemResolve)(host);
  if (!policy.allowInternal) refuseInner(policy, host, addresses);
  const address = addresses.find((one) => isIP(one) !== 0);
  if (address === undefined) throw new Error(`${host} resolves to no address`);
  return { address, family: isIP(address) === 6 ? 6 : 4 };
}

/**
 * The check when an admin saves the issuer: like `checkUrl`, but a host that does not resolve
 * (yet, or not from here) is accepted; the sign-in checks again before every fetch.
 */
export async function checkIssuerAtSave(policy: OidcPolicy, issuer: string): Promise<void> {
  const url = new URL(issuer);
  checkUrlShape(policy, url);
  const host = hostOf(url);
  if (policy.allowInternal || isIP(host)) return;
  refuseInner(policy, host, await (policy.resolve ?? systemResolve)(host).catch(() => []));
}
