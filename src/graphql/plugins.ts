import { createCounter, createHistogram, usePrometheus, type FillLabelsFnParams } from '@graphql-yoga/plugin-prometheus';
import {
  getOperationAST,
  Kind,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { Counter } from 'prom-client';
import type { Metrics } from '../infra/metrics.js';
import type { Context } from './context.js';

/** Counts open subscriptions by transport; graphql-ws contexts carry connectionParams, SSE ones a request. */
export function useSubscriptionGauge(metrics: Metrics): Plugin<Context> {
  return {
    onSubscribe({ args }) {
      const transport = (args.contextValue as { connectionParams?: unknown }).connectionParams !== undefined ? 'ws' : 'sse';
      return {
        onSubscribeResult({ result }) {
          if (!(Symbol.asyncIterator in result)) return;
          metrics.openSubscriptions.inc({ transport });
          return { onEnd: () => metrics.openSubscriptions.dec({ transport }) };
        },
      };
    },
  };
}

/**
 * Releases SSE subscriptions whose client left before the response was
 * ready. A subscription with an async `subscribe` (a season or an activity
 * to look up first) may resolve after the client aborted; the adapter then
 * never sends the response, so nobody cancels its event stream, and the
 * subscription (its Redis channel, its shared stream, yoga's ping timer)
 * would stay open forever. Cancelling the unsent body returns the iterator.
 */
export function useAbandonedStreamRelease(): Plugin {
  return {
    onResponse({ request, response }) {
      if (!request.signal?.aborted || !response.body || response.bodyUsed || response.body.locked) return;
      // yoga's event stream only starts (and takes hold of the iterator) on its first read; a cancel before that fails.
      const reader = response.body.getReader();
      reader
        .read()
        .then(() => reader.cancel())
        .catch(() => undefined);
    },
  };
}

/** The labels of every GraphQL series: both come from the schema, never from a client's string, so their values are bounded. */
export type OperationLabels = { operation_type: string; root_field: string };

const OPERATION_TYPES = new Set(['query', 'mutation', 'subscription']);
const META_FIELDS = new Set(['__typename', '__schema', '__type']);

/**
 * `operation_type` is query, mutation or subscription; `root_field` the one
 * root field the operation selects (its schema name, not an alias),
 * `multiple` for several, `other` when the document did not parse or names
 * no field of the schema. Client-chosen operation names and URLs never
 * become labels: each distinct value would be a new series.
 */
export function operationLabels(schema: GraphQLSchema, params: Pick<FillLabelsFnParams, 'document' | 'operationName'>): OperationLabels {
  const document = params.document;
  const operation = document ? (getOperationAST(document, params.operationName) ?? getOperationAST(document)) : null;
  if (!document || !operation || !OPERATION_TYPES.has(operation.operation)) return { operation_type: 'other', root_field: 'other' };
  // yoga's parser cache hands out one document per query text: walk each operation once, not on every request and phase.
  const bySchema = labelCache.get(schema) ?? new WeakMap<OperationDefinitionNode, OperationLabels>();
  labelCache.set(schema, bySchema);
  let labels = bySchema.get(operation);
  if (!labels) {
    labels = computeLabels(schema, document, operation);
    bySchema.set(operation, labels);
  }
  return labels;
}

// Labels depend on the schema and the operation only, both long-lived objects; keyed weakly, so they go with them.
const labelCache = new WeakMap<GraphQLSchema, WeakMap<OperationDefinitionNode, OperationLabels>>();

function computeLabels(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): OperationLabels {
  const rootFields = schema.getRootType(operation.operation)?.getFields() ?? {};
  const names = new Set<string>();
  const seen = new Set<string>();
  const collect = (selectionSet: SelectionSetNode) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) names.add(selection.name.value);
      else if (selection.kind === Kind.INLINE_FRAGMENT) collect(selection.selectionSet);
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = document.definitions.find(
          (definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION && definition.name.value === selection.name.value,
        );
        if (fragment) collect(fragment.selectionSet);
      }
    }
  };
  collect(operation.selectionSet);
  const known = [...names].every((name) => Object.hasOwn(rootFields, name) || META_FIELDS.has(name));
  const [only] = names;
  const rootField = !known || only === undefined ? 'other' : names.size > 1 ? 'multiple' : only;
  return { operation_type: operation.operation, root_field: rootField };
}

const ERRORS_TOTAL = 'liveboard_graphql_errors_total';

/** Adds `result`'s errors to liveboard_graphql_errors_total under `phase`. */
function countErrors(metrics: Metrics, schema: GraphQLSchema, args: Pick<ExecutionArgs, 'document' | 'operationName'>, result: ExecutionResult, phase: string) {
  if (!result.errors?.length) return;
  const counter = metrics.registry.getSingleMetric(ERRORS_TOTAL) as Counter | undefined;
  counter?.inc({ ...operationLabels(schema, { document: args.document, operationName: args.operationName ?? undefined }), phase }, result.errors.length);
}

/**
 * Errors in a subscription's event results, counted once per execution
 * (shared-subscriptions.ts calls it), not once per subscriber the result
 * goes to: 10,000 subscribers of one failing execution are one error.
 */
export function countStreamErrors(metrics: Metrics, schema: GraphQLSchema, args: ExecutionArgs, result: ExecutionResult): void {
  countErrors(metrics, schema, args, result, 'execute');
}

/**
 * Subscriptions refused when opened (an error result instead of a stream, or
 * a thrown error). Only the opening is looked at: a hook on every streamed
 * result would wrap each subscriber's stream in one more async iterator, a
 * cost paid per subscriber per event (see countStreamErrors for those).
 */
function useSubscribeErrorCount(metrics: Metrics, schema: GraphQLSchema): Plugin {
  return {
    onSubscribe({ args }) {
      return {
        onSubscribeResult({ result }) {
          if (!isAsyncIterable(result)) countErrors(metrics, schema, args, result, 'subscribe');
        },
        onSubscribeError({ error }) {
          const errors = Array.isArray(error) ? error : [error];
          countErrors(metrics, schema, args, { errors }, 'subscribe');
        },
      };
    },
  };
}

/**
 * GraphQL operation latency and errors, into the process registry served at
 * /metrics, under Prometheus names (snake_case labels, `_seconds`, `_total`).
 * The plugin's metrics not listed here are off: their labels are unbounded.
 * Subscription errors are counted apart (useSubscribeErrorCount, countStreamErrors).
 */
export function useOperationMetrics(metrics: Metrics, schema: GraphQLSchema): Plugin {
  return {
    onPluginInit({ addPlugin }) {
      addPlugin(usePrometheusMetrics(metrics, schema));
      addPlugin(useSubscribeErrorCount(metrics, schema));
    },
  };
}

function usePrometheusMetrics(metrics: Metrics, schema: GraphQLSchema): Plugin {
  const registry = metrics.registry;
  const labelNames = ['operation_type', 'root_field'] as const;
  const labels = (params: FillLabelsFnParams) => operationLabels(schema, params);
  return usePrometheus({
    registry,
    endpoint: false,
    metrics: {
      graphql_envelop_request_duration: createHistogram({
        registry,
        histogram: {
          name: 'liveboard_graphql_request_duration_seconds',
          help: 'GraphQL operations from parse to the end of execution (or to the start of a subscription), in seconds',
          labelNames,
        },
        fillLabelsFn: labels,
      }),
      graphql_envelop_phase_execute: createHistogram({
        registry,
        histogram: { name: 'liveboard_graphql_execute_duration_seconds', help: 'Execution phase of GraphQL queries and mutations, in seconds', labelNames },
        fillLabelsFn: labels,
      }),
      graphql_envelop_error_result: createCounter({
        registry,
        counter: {
          name: ERRORS_TOTAL,
          help: 'GraphQL errors by phase (parse, validate, context, execute, subscribe)',
          labelNames: [...labelNames, 'phase'] as const,
        },
        // Not 'subscribe': that hooks every result of every subscriber's stream (see useSubscribeErrorCount).
        phases: ['parse', 'validate', 'context', 'execute'],
        fillLabelsFn: (params) => ({ ...labels(params), phase: params.errorPhase ?? 'other' }),
      }),
      graphql_envelop_deprecated_field: false,
      graphql_envelop_request: false,
      graphql_envelop_request_time_summary: false,
      graphql_envelop_phase_parse: false,
      graphql_envelop_phase_validate: false,
      graphql_envelop_phase_context: false,
      graphql_envelop_phase_subscribe: false,
      graphql_envelop_execute_resolver: false,
      graphql_envelop_schema_change: false,
      graphql_yoga_http_duration: false,
    },
  });
}
