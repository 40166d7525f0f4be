import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../support/harness.js';

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

let t: TestContext;
let untraced: TestContext;
let url: string;
beforeAll(async () => {
  // What src/infra/tracing.ts does with an OTLP exporter, here with one that keeps spans in memory.
  provider.register();
  t = await createTestContext({ TRACING: 'true' });
  url = (await t.startServer()).url;
});
afterAll(async () => {
  await t?.cleanup();
  await untraced?.cleanup();
  await provider.shutdown();
});

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_SPAN_ID = '00f067aa0ba902b7';

const query = (headers: Record<string, string>, operation = 'query Traced { hotSettings { algorithm } }') =>
  fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query: operation }) });

describe('OpenTelemetry tracing', () => {
  it("continues the caller's trace: a request with a traceparent produces spans in that trace, under the caller's span", async () => {
    exporter.reset();
    const response = await query({ traceparent: `00-${TRACE_ID}-${PARENT_SPAN_ID}-01` });
    expect(((await response.json()) as { errors?: unknown }).errors).toBeUndefined();
    await provider.forceFlush();
    const spans = exporter.getFinishedSpans();
    const operation = spans.find((span) => span.name === 'query.Traced');
    expect(operation, spans.map((span) => span.name).join(', ')).toBeDefined();
    expect(operation!.spanContext().traceId).toBe(TRACE_ID);
    expect(operation!.parentSpanContext?.spanId).toBe(PARENT_SPAN_ID);
    expect(operation!.attributes['graphql.execute.operationName']).toBe('Traced');
    // Documents and variables may hold user input: they are not recorded.
    expect(operation!.attributes['graphql.execute.document']).toBeUndefined();
    expect(operation!.attributes['graphql.execute.variables']).toBeUndefined();
  });

  it('starts a trace of its own without a traceparent, or with a malformed one', async () => {
    exporter.reset();
    await (await query({})).text();
    await (await query({ traceparent: 'garbage' })).text();
    await provider.forceFlush();
    const spans = exporter.getFinishedSpans().filter((span) => span.name === 'query.Traced');
    expect(spans).toHaveLength(2);
    for (const span of spans) {
      expect(span.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(span.spanContext().traceId).not.toBe(TRACE_ID);
      expect(span.parentSpanContext).toBeUndefined();
    }
    expect(spans[0]!.spanContext().traceId).not.toBe(spans[1]!.spanContext().traceId);
  });

  it('is off by default: without TRACING or an OTLP endpoint no span is made', async () => {
    untraced = await createTestContext();
    expect(untraced.config.tracing.enabled).toBe(false);
    exporter.reset();
    const result = await untraced.gql('query Traced { hotSettings { algorithm } }', undefined, { headers: { traceparent: `00-${TRACE_ID}-${PARENT_SPAN_ID}-01` } });
    expect(result.errors).toBeUndefined();
    await provider.forceFlush();
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});
