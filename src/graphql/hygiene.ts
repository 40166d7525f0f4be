import { blockFieldSuggestionsPlugin } from '@escape.tech/graphql-armor-block-field-suggestions';
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import { GraphQLError, Kind, type FragmentDefinitionNode, type SelectionSetNode, type ValidationContext, type ValidationRule } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import type { Config } from '../config.js';
import { ErrorCode } from '../lib/app-error.js';

/** A request refused for its size or shape: BAD_USER_INPUT, HTTP 400, like the other query limits. */
function tooBig(message: string): GraphQLError {
  return createGraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT, http: { status: 400 } } });
}

/**
 * Counts every field selection of each operation — `__typename`, aliases and
 * introspection fields included, each fragment counted where it is spread —
 * and refuses more than `max`. Pothos's breadth limit only runs inside root
 * resolvers, so a document of root `__typename` aliases never met it. The
 * count depends on the document alone (not on variables), so yoga's cache of
 * validation results stays right.
 */
export function maxFieldsRule(max: number): ValidationRule {
  return (context: ValidationContext) => {
    const fragmentCounts = new Map<string, number>();
    const countFragment = (name: string, active: Set<string>): number => {
      const known = fragmentCounts.get(name);
      if (known !== undefined) return known;
      const fragment: FragmentDefinitionNode | null | undefined = context.getFragment(name);
      // Unknown or cyclic fragments are reported by graphql-js's own rules.
      if (!fragment || active.has(name)) return 0;
      active.add(name);
      const count = countSelections(fragment.selectionSet, active);
      active.delete(name);
      fragmentCounts.set(name, count);
      return count;
    };
    const countSelections = (selectionSet: SelectionSetNode, active: Set<string>): number => {
      let count = 0;
      for (const selection of selectionSet.selections) {
        if (selection.kind === Kind.FIELD) count += 1 + (selection.selectionSet ? countSelections(selection.selectionSet, active) : 0);
        else if (selection.kind === Kind.INLINE_FRAGMENT) count += countSelections(selection.selectionSet, active);
        else count += countFragment(selection.name.value, active);
        // Past the limit the exact number does not matter; stop walking a huge document.
        if (count > max) return count;
      }
      return count;
    };
    return {
      OperationDefinition(node) {
        const count = countSelections(node.selectionSet, new Set());
        if (count > max) {
          context.reportError(
            new GraphQLError(`This query selects more than ${max} fields (__typename and aliases count). Ask for fewer fields.`, {
              nodes: [node],
              extensions: { code: ErrorCode.BAD_USER_INPUT },
            }),
          );
        }
      },
    };
  };
}

/**
 * Limits on the document itself, checked before anything runs: tokens (the
 * parser stops at the first one over), aliases, and field selections. All
 * refusals are BAD_USER_INPUT.
 */
export function useDocumentLimits(limits: Config['hygiene']): Plugin[] {
  return [
    maxTokensPlugin({
      n: limits.maxTokens,
      propagateOnRejection: false,
      onReject: [
        () => {
          throw tooBig(`This document has more than ${limits.maxTokens} tokens. Send a smaller query.`);
        },
      ],
    }),
    maxAliasesPlugin({
      n: limits.maxAliases,
      propagateOnRejection: false,
      onReject: [(context, error) => context?.reportError(tooBig(error.message.replace(/^Syntax Error: /, '')))],
    }),
    {
      onValidate({ addValidationRule }) {
        addValidationRule(maxFieldsRule(limits.maxFields));
      },
    },
  ];
}

/**
 * What the schema tells strangers: introspection (GraphiQL needs it) and
 * graphql-js's "Did you mean …?" hints, each behind its switch, both off in
 * production unless turned on.
 */
export function useSchemaDisclosure(limits: Config['hygiene']): Plugin[] {
  const plugins: Plugin[] = [];
  if (!limits.introspection) plugins.push(useDisableIntrospection());
  if (!limits.suggestions) plugins.push(blockFieldSuggestionsPlugin());
  return plugins;
}

const JSON_CONTENT_TYPE = /^application\/json\s*(;|$)/i;

/**
 * CSRF protection: a POST must carry `Content-Type: application/json`, which
 * a browser only sends cross-site after a CORS preflight that CORS_ORIGINS
 * decides. Form-encoded, multipart and text/plain bodies (what an HTML form
 * can post) are refused with 415 before they are parsed. GET stays open for
 * queries only: yoga refuses mutations over GET (405), and a cross-site GET
 * cannot read the answer.
 */
export function useJsonPostsOnly(): Plugin {
  return {
    onRequestParse({ request }) {
      if (request.method !== 'POST') return;
      if (JSON_CONTENT_TYPE.test(request.headers.get('content-type') ?? '')) return;
      throw createGraphQLError('POST requests must be sent as Content-Type: application/json.', {
        extensions: { code: ErrorCode.BAD_USER_INPUT, http: { status: 415 } },
      });
    },
  };
}
