import type http from 'node:http';
import { addressLimitKey, createClientAddressResolver, type ProxyTrust } from '../lib/client-address.js';

/** The client address of a request (or of a WebSocket upgrade), by the socket's peer and trusted proxies. */
export function requestAddressResolver(trust: ProxyTrust): (req: http.IncomingMessage) => string | null {
  const resolve = createClientAddressResolver(trust);
  return (req) => {
    const forwardedFor = req.headers['x-forwarded-for'];
    return resolve(req.socket.remoteAddress, Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor);
  };
}

/**
 * Slots for long-lived things one client may hold open on this instance
 * (WebSocket connections, SSE streams), per address (IPv6 per /64). Each
 * instance counts its own: what they protect is its memory.
 */
export interface ClientSlots {
  /** Takes a slot, or returns null when the address holds `max` already. The release is idempotent. */
  acquire(address: string | null): (() => void) | null;
}

export function createClientSlots(max: number): ClientSlots {
  const held = new Map<string, number>();
  return {
    acquire(address) {
      const key = address ? addressLimitKey(address) : 'unknown';
      const count = held.get(key) ?? 0;
      if (count >= max) return null;
      held.set(key, count + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const left = (held.get(key) ?? 1) - 1;
        if (left === 0) held.delete(key);
        else held.set(key, left);
      };
    },
  };
}
