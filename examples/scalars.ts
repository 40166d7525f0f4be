/**
 * How liveboard's custom scalars look in TypeScript: the same map feeds
 * GraphQL Code Generator's `scalars` (codegen.ts) and is what docs/graphql-api.md
 * documents. Every one arrives as JSON; none is parsed into a class, so cached
 * values stay plain data.
 */
export const SCALARS = {
  /** RFC 3339 full-date, `YYYY-MM-DD`. */
  Date: 'string',
  /** RFC 3339 date-time at UTC, `2026-11-21T09:30:00.000Z`; `new Date(value)` reads it. */
  DateTime: 'string',
  /** An integer within ±(2^53 − 1): a JSON number every parser reads exactly. */
  SafeInt: 'number',
  /** A JSON object. */
  JSONObject: 'Record<string, unknown>',
  /** Global ids are opaque strings. */
  ID: 'string',
} as const;
