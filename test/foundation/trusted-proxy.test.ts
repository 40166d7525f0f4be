import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { addressLimitKey, createClientAddressResolver, normalizeAddress } from '../../src/lib/client-address.js';
import { problemsOf } from '../support/config.js';
import { gqlFrom, webSocketFrom, wsClientFrom, wsExecute, type From } from '../support/from-address.js';
import { type GraphQLResponse } from '../support/harness.js';
import { serveTestContext } from '../support/served-context.js';

describe('client address resolution', () => {
  it('takes the peer and ignores X-Forwarded-For unless a proxy is trusted', () => {
    const resolve = createClientAddressResolver({ hops: 0, proxies: [] });
    expect(resolve('::ffff:10.0.0.5', '203.0.113.9')).toBe('10.0.0.5');
    expect(resolve(undefined, '203.0.113.9')).toBeNull();
  });

  it('with TRUST_PROXY_HOPS, takes the address the last trusted hop saw; what the client wrote further left is never reached', () => {
    const one = createClientAddressResolver({ hops: 1, proxies: [] });
    expect(one('10.0.0.5', '203.0.113.9')).toBe('203.0.113.9');
    expect(one('10.0.0.5', '1.1.1.1, 2.2.2.2, 203.0.113.9')).toBe('203.0.113.9');
    expect(one('10.0.0.5', undefined)).toBe('10.0.0.5');
    expect(one('10.0.0.5', 'not-an-address')).toBe('10.0.0.5');
    const two = createClientAddressResolver({ hops: 2, proxies: [] });
    expect(two('10.0.0.5', '1.1.1.1, 203.0.113.9, 10.0.0.7')).toBe('203.0.113.9');
  });

  it('with TRUSTED_PROXIES, skips hops inside the ranges, and only those', () => {
    const resolve = createClientAddressResolver({ hops: 0, proxies: ['10.0.0.0/8', 'fd00::/8'] });
    expect(resolve('10.1.2.3', '1.1.1.1, 203.0.113.9, 10.9.9.9')).toBe('203.0.113.9');
    expect(resolve('fd00::1', '2001:db8::7')).toBe('2001:db8::7');
    // A peer outside the ranges is the client, whatever it claims.
    expect(resolve('198.51.100.1', '203.0.113.9')).toBe('198.51.100.1');
  });

  it('normalizes addresses and counts IPv6 per /64', () => {
    expect(normalizeAddress('[2001:DB8::1]:443')).toBe('2001:db8::1');
    expect(normalizeAddress('203.0.113.9:5678')).toBe('203.0.113.9');
    expect(normalizeAddress('unknown')).toBeNull();
    expect(addressLimitKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(addressLimitKey('2001:db8:1:2::9')).toBe(addressLimitKey('2001:db8:1:2:ffff::1'));
    expect(addressLimitKey('::1')).toBe('0:0:0:0::/64');
    expect(addressLimitKey('203.0.113.9')).toBe('203.0.113.9');
  });

  it('validates TRUST_PROXY_HOPS and TRUSTED_PROXIES', () => {
    expect(loadConfig({ TRUSTED_PROXIES: '10.0.0.0/8, 192.168.1.1,fd00::/8' }).rateLimit.proxyTrust).toEqual({
      hops: 0,
      proxies: ['10.0.0.0/8', '192.168.1.1', 'fd00::/8'],
    });
    expect(problemsOf({ TRUSTED_PROXIES: '10.0.0.0/33' }).join()).toMatch(/TRUSTED_PROXIES must be IP addresses or CIDR ranges/);
    expect(problemsOf({ TRUST_PROXY_HOPS: '-1' }).join()).toMatch(/TRUST_PROXY_HOPS/);
  });
});

describe('behind a trusted proxy (TRUST_PROXY_HOPS=1)', () => {
  const t = serveTestContext({ TRUST_PROXY_HOPS: '1', RATE_LIMIT_MUTATIONS_PER_MINUTE: '3', MAX_CONNECTIONS_PER_CLIENT: '1' });

  const ANONYMOUS = 'mutation { updateProfile(input: { displayName: "Anyone" }) { id } }';
  const codeOf = (result: GraphQLResponse) => result.errors?.[0]?.extensions?.code;
  /** Every request comes from the "proxy" 127.0.0.1, which reports the client in X-Forwarded-For. */
  const proxied = (forwardedFor: string, clientId?: string): From => ({
    localAddress: '127.0.0.1',
    headers: { 'x-forwarded-for': forwardedFor, ...(clientId ? { 'x-client-id': clientId } : {}) },
  });

  it('counts anonymous callers by the forwarded address: rotating x-client-id or prepending addresses does not help, another client is not limited', async () => {
    const codes = [];
    for (let i = 0; i < 5; i += 1) codes.push(codeOf(await gqlFrom(t.url, proxied(`192.0.2.${i}, 203.0.113.9`, `rotating-client-${i}`), ANONYMOUS)));
    expect(codes).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED', 'RATE_LIMITED', 'RATE_LIMITED']);
    expect(codeOf(await gqlFrom(t.url, proxied('203.0.113.10'), ANONYMOUS))).toBe('UNAUTHENTICATED');
  });

  it('keys graphql-ws connections by the forwarded address of their upgrade request', async () => {
    const client = wsClientFrom(t.url, proxied('203.0.113.20'));
    try {
      for (let i = 0; i < 3; i += 1) expect(codeOf(await wsExecute(client, ANONYMOUS))).toBe('UNAUTHENTICATED');
      expect(codeOf(await gqlFrom(t.url, proxied('203.0.113.20'), ANONYMOUS))).toBe('RATE_LIMITED');
      expect(codeOf(await gqlFrom(t.url, proxied('203.0.113.21'), ANONYMOUS))).toBe('UNAUTHENTICATED');

      // MAX_CONNECTIONS_PER_CLIENT=1 counts the forwarded address too, not the proxy's.
      const status = (forwardedFor: string) =>
        new Promise<number>((resolve, reject) => {
          const socket = new (webSocketFrom(proxied(forwardedFor)))(`${t.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
          socket.once('open', () => {
            socket.close();
            resolve(101);
          });
          socket.once('unexpected-response', (request, response) => {
            request.destroy();
            resolve(response.statusCode ?? 0);
          });
          socket.once('error', reject);
        });
      expect(await status('203.0.113.20')).toBe(429);
      expect(await status('203.0.113.22')).toBe(101);
    } finally {
      await client.dispose();
    }
  });
});
