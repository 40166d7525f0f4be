import { BlockList, isIP } from 'node:net';

/** Which hops in front of the server may report the client's address in `X-Forwarded-For`. */
export interface ProxyTrust {
  /** The last this many hops (the peer being the first) are proxies of ours, whatever their address. */
  hops: number;
  /** Addresses or CIDR ranges (`10.0.0.0/8`, `fd00::/8`) of proxies of ours. */
  proxies: readonly string[];
}

/** The client's address from the socket's peer and the request's `X-Forwarded-For`, or null without a peer. */
export type ClientAddressResolver = (peer: string | null | undefined, forwardedFor: string | null | undefined) => string | null;

/** `::ffff:1.2.3.4` → `1.2.3.4`; `1.2.3.4:5678` and `[::1]:5678` lose the port; anything else not an IP → null. */
export function normalizeAddress(raw: string | null | undefined): string | null {
  if (!raw) return null;
  let address = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed?.[1]) address = bracketed[1];
  else if (/^[\d.]+:\d+$/.test(address)) address = address.slice(0, address.lastIndexOf(':'));
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) address = mapped[1];
  return isIP(address) === 0 ? null : address.toLowerCase();
}

/** Parses `10.0.0.0/8`, `fd00::/8` or a single address; null when malformed. */
export function parseCidr(value: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | null {
  const [raw, prefixText, extra] = value.trim().split('/');
  const address = normalizeAddress(raw);
  if (!address || extra !== undefined) return null;
  const family = isIP(address) === 4 ? 'ipv4' : 'ipv6';
  const max = family === 'ipv4' ? 32 : 128;
  const prefix = prefixText === undefined ? max : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  return prefix >= 0 && prefix <= max ? { address, prefix, family } : null;
}

/**
 * Without trust (the default) the client is the socket's peer, and
 * `X-Forwarded-For` is ignored: anyone can write it. With trust, the chain
 * is `X-Forwarded-For` followed by the peer, read from the right: each
 * trusted hop (one of the last `hops`, or an address in `proxies`) is
 * skipped, and the first untrusted address is the client. Addresses a
 * client wrote itself sit left of it and are never reached.
 */
export function createClientAddressResolver(trust: ProxyTrust): ClientAddressResolver {
  const proxies = new BlockList();
  for (const entry of trust.proxies) {
    const cidr = parseCidr(entry);
    if (cidr) proxies.addSubnet(cidr.address, cidr.prefix, cidr.family);
  }
  const isProxy = (address: string) => proxies.check(address, isIP(address) === 4 ? 'ipv4' : 'ipv6');
  const trusting = trust.hops > 0 || trust.proxies.length > 0;

  return (peer, forwardedFor) => {
    const peerAddress = normalizeAddress(peer);
    if (!trusting || !peerAddress || !forwardedFor) return peerAddress;
    const chain = [...forwardedFor.split(',').map(normalizeAddress), peerAddress];
    let at = chain.length - 1;
    let client: string = peerAddress;
    for (let hop = 0; at > 0 && (hop < trust.hops || isProxy(client)); hop += 1) {
      const previous = chain[at - 1];
      // A malformed entry is not evidence of anything: the last good hop is the client then.
      if (!previous) break;
      at -= 1;
      client = previous;
    }
    return client;
  };
}

/**
 * The key limits count an address under. An IPv6 client usually holds a
 * whole /64 and can pick a new address in it at will, so IPv6 addresses
 * count per /64; IPv4 addresses count one by one.
 */
export function addressLimitKey(address: string): string {
  if (isIP(address) !== 6) return address;
  const [head = '', tail] = (address.split('%')[0] ?? '').split('::');
  const groups = (part: string) => (part ? part.split(':').flatMap((group) => (group.includes('.') ? ['0', '0'] : [group])) : []);
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const full = [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${full.slice(0, 4).map((group) => parseInt(group, 16).toString(16)).join(':')}::/64`;
}
