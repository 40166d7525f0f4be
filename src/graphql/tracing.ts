import { getCurrentOtelContext, setCurrentOtelContext, useOpenTelemetry } from '@envelop/opentelemetry';
import { context, trace, type TextMapGetter } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { Plugin } from 'graphql-yoga';

type HeaderSource = { get(name: string): string | null } | Record<string, string | string[] | undefined>;

const headerGetter: TextMapGetter<HeaderSource> = {
  keys: (carrier) => (typeof carrier.get === 'function' ? [] : Object.keys(carrier)),
  get: (carrier, key) => {
    if (typeof carrier.get === 'function') return (carrier as { get(name: string): string | null }).get(key) ?? undefined;
    return (carrier as Record<string, string | string[] | undefined>)[key];
  },
};

const propagator = new W3CTraceContextPropagator();

/** The headers an operation came with: yoga's Request over HTTP and SSE, the upgrade request over graphql-ws. */
function headersOf(contextValue: unknown): HeaderSource | undefined {
  const ctx = contextValue as { request?: { headers?: HeaderSource }; extra?: { request?: { headers?: HeaderSource } } };
  return ctx.request?.headers ?? ctx.extra?.request?.headers;
}

/**
 * Continues the caller's trace: the W3C `traceparent` (and `tracestate`) of
 * the request become the parent of the operation's spans. Runs before the
 * OpenTelemetry plugin, which takes the context recorded here.
 */
function useIncomingTraceContext(): Plugin {
  const adopt = ({ args }: { args: { contextValue: unknown } }) => {
    const headers = headersOf(args.contextValue);
    if (!headers || !args.contextValue) return;
    const incoming = propagator.extract(context.active(), headers, headerGetter);
    // Without a valid traceparent the operation starts a trace of its own.
    if (trace.getSpanContext(incoming)) setCurrentOtelContext(args.contextValue, incoming);
    else getCurrentOtelContext(args.contextValue);
  };
  return { onExecute: adopt, onSubscribe: adopt };
}

/**
 * OpenTelemetry spans for every operation (execute and subscribe), from the
 * global tracer provider (src/infra/tracing.ts in production, an in-memory
 * one in tests). Neither variables nor results nor documents go into spans:
 * they may hold user input.
 */
export function useTracing(): Plugin[] {
  return [
    useIncomingTraceContext(),
    useOpenTelemetry({ resolvers: false, variables: false, result: false, document: false }, trace.getTracerProvider(), undefined, undefined, 'liveboard') as Plugin,
  ];
}
