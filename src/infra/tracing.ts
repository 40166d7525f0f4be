import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { Config } from '../config.js';

/**
 * Sends spans to OTEL_EXPORTER_OTLP_ENDPOINT over OTLP/HTTP, batched. The
 * provider becomes the process's global one (with W3C trace context and an
 * AsyncLocalStorage context manager), which the GraphQL tracing plugin uses.
 * Nothing is started when no endpoint is configured.
 */
export function startTracing(config: Config['tracing']): { shutdown(): Promise<void> } | null {
  if (!config.enabled || config.otlpEndpoint === undefined) return null;
  const endpoint = config.otlpEndpoint.replace(/\/+$/, '');
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.serviceName }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint}/v1/traces` }))],
  });
  provider.register();
  return { shutdown: () => provider.shutdown() };
}
