import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createTestContext } from '../support/harness.js';
import { serveTestContext } from '../support/served-context.js';

const t = serveTestContext();

/** The page over the real server. Node's fetch decodes the body; Content-Length tells what was sent. */
async function get(headers: Record<string, string>, method = 'GET') {
  const response = await fetch(`${t.url}/graphql`, { method, headers: { accept: 'text/html', ...headers } });
  return { response, bytes: Buffer.from(await response.arrayBuffer()) };
}

describe('the GraphiQL page', () => {
  it('is sent with brotli to a browser that accepts it (gzip listed first, as Chromium does), much smaller than the page', async () => {
    const { response } = await get({ 'accept-encoding': 'gzip, deflate, br, zstd' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-encoding')).toBe('br');
    expect(response.headers.get('vary')).toBe('Accept-Encoding');
    const sent = Number(response.headers.get('content-length'));
    const plain = await get({ 'accept-encoding': 'identity' });
    expect(plain.response.headers.get('content-encoding')).toBeNull();
    expect(plain.bytes.toString()).toContain('<title>liveboard</title>');
    expect(Number(plain.response.headers.get('content-length'))).toBe(plain.bytes.length);
    expect(sent).toBeLessThan(plain.bytes.length / 3);
  });

  it('decompresses to the same page in gzip and brotli', async () => {
    const plain = (await t.yoga.fetch('http://localhost/graphql', { headers: { accept: 'text/html', 'accept-encoding': 'identity' } })).arrayBuffer();
    const gz = await t.yoga.fetch('http://localhost/graphql', { headers: { accept: 'text/html', 'accept-encoding': 'gzip' } });
    const br = await t.yoga.fetch('http://localhost/graphql', { headers: { accept: 'text/html', 'accept-encoding': 'br;q=1, gzip;q=0.5' } });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(br.headers.get('content-encoding')).toBe('br');
    const expected = Buffer.from(await plain);
    expect(zlib.gunzipSync(Buffer.from(await gz.arrayBuffer())).equals(expected)).toBe(true);
    expect(zlib.brotliDecompressSync(Buffer.from(await br.arrayBuffer())).equals(expected)).toBe(true);
  });

  it('is revalidated: an ETag, Cache-Control no-cache, then 304 with no body for the same ETag', async () => {
    const first = await get({ 'accept-encoding': 'gzip' });
    const etag = first.response.headers.get('etag');
    expect(etag).toMatch(/^W\/".+"$/);
    expect(first.response.headers.get('cache-control')).toBe('no-cache');
    const again = await get({ 'accept-encoding': 'gzip', 'if-none-match': etag ?? '' });
    expect(again.response.status).toBe(304);
    expect(again.bytes.length).toBe(0);
    const stale = await get({ 'accept-encoding': 'gzip', 'if-none-match': 'W/"something-else"' });
    expect(stale.response.status).toBe(200);
  });

  it('answers HEAD with the headers only', async () => {
    const head = await get({ 'accept-encoding': 'br' }, 'HEAD');
    expect(head.response.status).toBe(200);
    expect(Number(head.response.headers.get('content-length'))).toBeGreaterThan(100_000);
    expect(head.bytes.length).toBe(0);
  });

  it('is not served where GraphiQL is turned off', async () => {
    const off = await createTestContext({ GRAPHIQL: 'false' });
    try {
      const response = await off.yoga.fetch('http://localhost/graphql', { headers: { accept: 'text/html' } });
      expect(await response.text()).not.toContain('<title>liveboard</title>');
    } finally {
      await off.cleanup();
    }
  });
});
