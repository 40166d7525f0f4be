import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createLivePageRoutes } from '../../src/http/live-page.js';
import { createLogger } from '../../src/infra/logger.js';
import { serveTestContext } from '../support/served-context.js';

const t = serveTestContext();

/** Node's fetch decodes bodies; these requests read headers and sizes. */
const get = (pathname: string, headers: Record<string, string> = {}, method = 'GET') => fetch(`${t.url}${pathname}`, { method, headers });

async function assetPaths(): Promise<string[]> {
  const html = await (await get('/')).text();
  return [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1] ?? '');
}

describe('the live page over HTTP', () => {
  it('serves / with a strict CSP, an ETag, no-cache, and a 304 for the same ETag', async () => {
    const page = await get('/', { 'accept-encoding': 'br, gzip' });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-encoding')).toBe('br');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const again = await get('/', { 'if-none-match': page.headers.get('etag') ?? '' });
    expect(again.status).toBe(304);
  });

  it('references one script and one stylesheet by hashed name, cached for a year, compressed', async () => {
    const assets = await assetPaths();
    expect(assets).toHaveLength(2);
    for (const asset of assets) {
      expect(asset).toMatch(/^\/assets\/live-page-[A-Z0-9]{8}\.(js|css)$/);
      const response = await get(asset, { 'accept-encoding': 'gzip' });
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(response.headers.get('content-encoding')).toBe('gzip');
      expect((await response.text()).length).toBeGreaterThan(Number(response.headers.get('content-length')));
    }
  });

  it('answers an unknown asset with 404 and a POST with 405', async () => {
    expect((await get('/assets/live-page-XXXXXXXX.js')).status).toBe(404);
    expect((await get('/', {}, 'POST')).status).toBe(405);
  });

  it('bundles graphql-ws\'s client into the script, and sends the same bytes in every encoding', async () => {
    const script = (await assetPaths()).find((asset) => asset.endsWith('.js')) ?? '';
    const raw = (encoding: string) => new Promise<Buffer>((resolve, reject) => {
      // node:http, which does not decode: the bytes as sent.
      http.get(`${t.url}${script}`, { headers: { 'accept-encoding': encoding } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk)).on('end', () => resolve(Buffer.concat(chunks))).on('error', reject);
      });
    });
    const plain = await raw('identity');
    expect(plain.toString()).toContain('graphql-transport-ws');
    expect(zlib.brotliDecompressSync(await raw('br')).equals(plain)).toBe(true);
    expect(zlib.gunzipSync(await raw('gzip')).equals(plain)).toBe(true);
  });

  it('answers / with 503 and how to build it when the page was not built', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'live-page-'));
    try {
      const routes = await createLivePageRoutes(createLogger('silent'), empty);
      let status = 0;
      let body = '';
      const res = { writeHead: (code: number) => ((status = code), res), end: (text: string) => void (body = text) };
      await routes['/']?.({} as never, res as never);
      expect(status).toBe(503);
      expect(body).toContain('build-web');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
