import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startTracing } from '../../src/infra/tracing.js';

/** A stand-in OpenTelemetry collector: records what arrives at its OTLP/HTTP endpoint. */
const received: Array<{ path?: string; contentType?: string; body: string }> = [];
const collector = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    received.push({ path: req.url, contentType: req.headers['content-type'], body: Buffer.concat(chunks).toString('utf8') });
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});
let endpoint: string;
beforeAll(async () => {
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', () => resolve()));
  endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
});
afterAll(() => {
  collector.close();
});

describe('OTLP export', () => {
  it('starts nothing without an endpoint', () => {
    expect(startTracing(loadConfig({}).tracing)).toBeNull();
    expect(startTracing(loadConfig({ TRACING: 'true' }).tracing)).toBeNull();
  });

  it('sends spans to OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces with the service name, flushed on shutdown', async () => {
    const tracing = startTracing(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: `${endpoint}/`, OTEL_SERVICE_NAME: 'liveboard-test' }).tracing);
    expect(tracing).not.toBeNull();
    trace.getTracer('check').startSpan('exported-span').end();
    await tracing!.shutdown();
    expect(received).toHaveLength(1);
    expect(received[0]!.path).toBe('/v1/traces');
    expect(received[0]!.body).toContain('exported-span');
    expect(received[0]!.body).toContain('liveboard-test');
  });
});
