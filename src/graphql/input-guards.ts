import {
  getNamedType,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type ExecutionArgs,
  type GraphQLSchema,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { badInput, type AppError } from '../lib/app-error.js';
import { toClientError } from './errors.js';

/** A NUL character, or half of a surrogate pair without its other half: text PostgreSQL cannot store or that is not Unicode. */
const BAD_TEXT = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Relay cursors of our connections: Pothos-Prisma's `GPC:` encoding of an integer id (`cursor: 'id'`). */
const ID_CURSOR = /^GPC:N:(\d{1,10})$/;
const MAX_INT32 = 2_147_483_647;

/** True when `cursor` is a cursor one of our connections handed out. */
export function isIdCursor(cursor: string): boolean {
  const bytes = Buffer.from(cursor, 'base64');
  // Node's decoder skips what is not base64, so the cursor must also be exactly what encoding gives back.
  const match = bytes.toString('base64') === cursor ? ID_CURSOR.exec(bytes.toString('utf8')) : null;
  return match !== null && Number(match[1]) <= MAX_INT32;
}

/**
 * Deepest nesting of arrays and objects accepted in variables. No input type
 * of the schema nests nearly this deep; the bound keeps the walk below (and
 * graphql-js's own coercion) far from the stack's limit.
 */
const MAX_VARIABLE_DEPTH = 32;
const TOO_DEEP = '\0too-deep';

/** The first string anywhere in a variables value that is not clean text, with where it is. */
function badTextIn(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return BAD_TEXT.test(value) ? path : null;
  if (value !== null && typeof value === 'object' && depth >= MAX_VARIABLE_DEPTH) return TOO_DEEP;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = badTextIn(item, `${path}[${index}]`, depth + 1);
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (BAD_TEXT.test(key)) return path;
      const found = badTextIn(item, `${path}.${key}`, depth + 1);
      if (found) return found;
    }
  }
  return null;
}

const badText = (where: string) =>
  badInput(`${where} contains a NUL character or an unpaired surrogate; send valid Unicode text without NUL.`, { field: where });

/**
 * Checks what a client sends, once, before anything runs: every string (in
 * the document's literals and anywhere in the variables, whatever the type:
 * String, ID, JSON, custom scalars) is valid Unicode without NUL, and every
 * `after`/`before` of a connection is a cursor we handed out (an id cursor,
 * unless the field's `extensions.ownCursors` says it decodes its own). The first
 * problem is reported as BAD_USER_INPUT.
 */
export function checkInput(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> | null | undefined): AppError | null {
  const inVariables = badTextIn(variables ?? {}, 'variables');
  if (inVariables === TOO_DEEP) return badInput(`Variables nest deeper than ${MAX_VARIABLE_DEPTH} levels.`);
  if (inVariables) return badText(`"${inVariables.replace(/^variables\./, '$')}"`);

  let problem: AppError | null = null;
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      StringValue(node) {
        if (!problem && BAD_TEXT.test(node.value)) problem = badText('A string in the query');
      },
      Argument(node) {
        const field = typeInfo.getFieldDef();
        if (problem || !field || (node.name.value !== 'after' && node.name.value !== 'before')) return;
        if (!getNamedType(field.type).name.endsWith('Connection')) return;
        // A connection whose cursors are not id cursors says so, and checks them itself.
        if (field.extensions.ownCursors === true) return;
        const value = node.value.kind === Kind.VARIABLE ? variables?.[node.value.name.value] : node.value.kind === Kind.STRING ? node.value.value : null;
        if (typeof value === 'string' && !isIdCursor(value)) {
          problem = badInput(`${node.name.value} is not a cursor of this list; pass an endCursor or startCursor it returned.`, {
            field: node.name.value,
          });
        }
      },
    }),
  );
  return problem;
}

/**
 * Runs {@link checkInput} on every operation — queries and mutations over
 * HTTP, subscriptions over SSE and graphql-ws alike — and answers a bad one
 * with its error instead of running it.
 */
export function useInputGuards(): Plugin {
  const guard = ({ args, setResultAndStopExecution }: { args: ExecutionArgs; setResultAndStopExecution: (result: never) => void }) => {
    const problem = checkInput(args.schema, args.document, args.variableValues);
    if (problem) setResultAndStopExecution({ errors: [toClientError(problem)] } as never);
  };
  return { onExecute: guard, onSubscribe: guard };
}
