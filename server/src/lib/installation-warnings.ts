import type { IncomingMessage } from 'node:http';
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { INSTALLATION_WARNINGS, type InstallationWarning } from '@amtsraum/shared';
import { addressGroup, clientAddress, unmapIPv4 } from './client-address.js';
import type { Logger } from './logger.js';

/**
 * Where a reverse proxy in front of the app usually sits: the same machine, or the town hall's
 * own network. A request with forwarding headers from such an address came through a proxy; one
 * from a public address more likely wrote them itself.
 */
const LOCAL_NETWORKS = (() => {
  const list = new BlockList();
  list.addSubnet('127.0.0.0', 8, 'ipv4');
  list.addSubnet('10.0.0.0', 8, 'ipv4');
  list.addSubnet('172.16.0.0', 12, 'ipv4');
  list.addSubnet('192.168.0.0', 16, 'ipv4');
  list.addSubnet('169.254.0.0', 16, 'ipv4');
  list.addSubnet('100.64.0.0', 10, 'ipv4');
  list.addAddress('::1', 'ipv6');
  list.addSubnet('fc00::', 7, 'ipv6');
  list.addSubnet('fe80::', 10, 'ipv6');
  return list;
})();

/** Whether `address` (as a socket reports it, IPv4-mapped IPv6 included) is loopback or private. */
export function isLocalNetworkAddress(address: string | undefined): boolean {
  if (!address) return false;
  const plain = unmapIPv4(address);
  if (isIPv4(plain)) return LOCAL_NETWORKS.check(plain, 'ipv4');
  return isIPv6(plain) && LOCAL_NETWORKS.check(plain, 'ipv6');
}

/** How many different client addresses must be refused at one origin before it is a warning. */
export const REFUSED_ORIGIN_WITNESSES = 3;
/** Refused origins counted at once (each with at most `REFUSED_ORIGIN_WITNESSES` addresses). */
const REFUSED_ORIGINS_KEPT = 100;

/**
 * Notices, from the requests themselves, two settings an installation gets wrong on its first day.
 * Each is logged once per process, as a warning, and stays in the health answer until a restart:
 * a client writing such headers itself can cause no more than that one line and that flag.
 *
 * - `forwarded_without_trust_proxy`: behind a reverse proxy with `TRUST_PROXY` unset, every
 *   citizen counts as the proxy's one address, so the per-address limits of the door, the knock,
 *   the booking line and the WebSockets are shared by the whole town and soon refuse everyone.
 *   Noticed on a request with `X-Forwarded-For` or `Forwarded` from a loopback or private address
 *   (the proxy's address is logged, never the forwarded one: that is a citizen's).
 * - `public_base_url_differs`: the pages are opened at another address than `PUBLIC_BASE_URL`
 *   (`www.` or not, another host, http for https), so every change a citizen makes and every live
 *   connection is refused by the Origin check. Noticed on a refused Origin whose host is the one
 *   the request was sent to (`Host`, or `X-Forwarded-Host` from a proxy): a page of this very
 *   installation, not another site's. Both headers are the client's to write, so one client could
 *   name any address it likes and have the IT staff told to move the installation there: the
 *   warning waits until `REFUSED_ORIGIN_WITNESSES` different addresses (as the per-address limits
 *   count them) were refused at that same origin, which every citizen of a wrong setting soon is.
 */
export class InstallationWarnings {
  private readonly raised = new Set<InstallationWarning>();
  /** Refused origins of this installation's host, each with the address groups it was seen from. */
  private readonly refusedOrigins = new Map<string, Set<string>>();

  constructor(
    private readonly config: { trustProxy: boolean | number; publicBaseUrl: URL },
    private readonly logger: Logger,
  ) {}

  /** What was noticed, in a fixed order. */
  list(): InstallationWarning[] {
    return INSTALLATION_WARNINGS.filter((warning) => this.raised.has(warning));
  }

  /** Looks at every request (HTTP; the WebSocket upgrade follows a page's requests). */
  seeRequest(req: IncomingMessage): void {
    if (this.raised.has('forwarded_without_trust_proxy')) return;
    if (this.config.trustProxy !== false && this.config.trustProxy !== 0) return;
    if (req.headers['x-forwarded-for'] === undefined && req.headers.forwarded === undefined) return;
    const proxy = req.socket.remoteAddress;
    if (!isLocalNetworkAddress(proxy)) return;
    this.raise(
      'forwarded_without_trust_proxy',
      { proxy },
      'requests come through a reverse proxy, but TRUST_PROXY is not set: every citizen counts as the ' +
        "proxy's address, so the per-address limits are shared by all and will refuse them. Set " +
        'TRUST_PROXY to the number of proxies in front of the app (usually 1) and restart.',
    );
  }

  /** Told of an `Origin` the app refused (a change over HTTP, or a WebSocket upgrade). */
  seeRefusedOrigin(req: IncomingMessage, origin: string): void {
    if (this.raised.has('public_base_url_differs')) return;
    let opened: URL;
    try {
      opened = new URL(origin);
    } catch {
      return;
    }
    // Browsers send an origin exactly: scheme, host and port, no path (not even a slash).
    if (opened.origin !== origin || !['http:', 'https:'].includes(opened.protocol)) return;
    const forwardedHost = req.headers['x-forwarded-host'];
    const hosts = [req.headers.host, ...(Array.isArray(forwardedHost) ? forwardedHost : [forwardedHost])]
      .flatMap((value) => (value ?? '').split(','))
      .map((value) => value.trim().toLowerCase())
      .filter((value) => value !== '');
    if (!hosts.includes(opened.host)) return;
    if (!this.witnessed(opened.origin, addressGroup(clientAddress(req, this.config.trustProxy)))) return;
    this.refusedOrigins.clear();
    this.raise(
      'public_base_url_differs',
      { opened: opened.origin, publicBaseUrl: this.config.publicBaseUrl.origin },
      `the pages are opened at ${opened.origin}, but PUBLIC_BASE_URL is ${this.config.publicBaseUrl.origin}: ` +
        'every change citizens make there and their live updates are refused. Set PUBLIC_BASE_URL to ' +
        'the exact address citizens open and restart.',
    );
  }

  /** Counts `group` as refused at `origin`; true once enough different ones were. */
  private witnessed(origin: string, group: string): boolean {
    let groups = this.refusedOrigins.get(origin);
    if (!groups) {
      // Made-up origins cost a client nothing: past this many, the oldest are forgotten.
      if (this.refusedOrigins.size >= REFUSED_ORIGINS_KEPT) {
        this.refusedOrigins.delete(this.refusedOrigins.keys().next().value!);
      }
      this.refusedOrigins.set(origin, (groups = new Set()));
    }
    groups.add(group);
    return groups.size >= REFUSED_ORIGIN_WITNESSES;
  }

  private raise(warning: InstallationWarning, fields: Record<string, unknown>, message: string) {
    this.raised.add(warning);
    this.logger.warn({ warning, ...fields }, message);
  }
}
