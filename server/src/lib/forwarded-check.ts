import type { IncomingMessage } from 'node:http';
import { BlockList, isIPv4, isIPv6 } from 'node:net';
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
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const plain = mapped ? mapped[1]! : address;
  if (isIPv4(plain)) return LOCAL_NETWORKS.check(plain, 'ipv4');
  return isIPv6(plain) && LOCAL_NETWORKS.check(plain, 'ipv6');
}

/** The warning `/api/health` lists once requests came through a proxy the app was not told of. */
export const FORWARDED_WITHOUT_TRUST_PROXY = 'forwarded_without_trust_proxy';

/**
 * Notices an installation behind a reverse proxy whose `TRUST_PROXY` was left unset. Every citizen
 * then counts as the proxy's one address: the per-address limits of the door, the knock, the
 * booking line and the WebSockets are shared by the whole town and soon refuse everyone.
 *
 * The first request that carries `X-Forwarded-For` or `Forwarded` from a loopback or private
 * address while no proxy is trusted logs one warning (with the proxy's address, never the
 * forwarded one: that is a citizen's) and sets the flag the health answer shows. Once per process:
 * a client writing such headers itself can cause no more than that one line.
 */
export class ForwardedCheck {
  private seen = false;

  constructor(
    private readonly trustProxy: boolean | number,
    private readonly logger: Logger,
  ) {}

  /** Whether requests came forwarded by a proxy that `TRUST_PROXY` does not name. */
  get untrustedProxy(): boolean {
    return this.seen;
  }

  see(req: IncomingMessage): void {
    if (this.seen || (this.trustProxy !== false && this.trustProxy !== 0)) return;
    if (req.headers['x-forwarded-for'] === undefined && req.headers.forwarded === undefined) return;
    const proxy = req.socket.remoteAddress;
    if (!isLocalNetworkAddress(proxy)) return;
    this.seen = true;
    this.logger.warn(
      { proxy },
      'requests come through a reverse proxy, but TRUST_PROXY is not set: every citizen counts as the ' +
        "proxy's address, so the per-address limits are shared by all and will refuse them. Set " +
        'TRUST_PROXY to the number of proxies in front of the app (usually 1) and restart.',
    );
  }
}
