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
 * What the document alone decides, in the order the walk meets it: a cursor
 * argument passed as a variable (checked against each request's value) or a
 * problem of the document itself (a bad string literal or a literal cursor
 * we never handed out), after which nothing else counts.
 */
type Step = { variable: string; argument: string } | { problem: () => AppError };

const cursorProblem = (argument: string) =>
  badInput(`${argument} is not a cursor of this list; pass an endCursor or startCursor it returned.`, { field: argument });

function stepsOf(schema: GraphQLSchema, document: DocumentNode): Step[] {
  const steps: Step[] = [];
  let done = false;
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      StringValue(node) {
        if (done || !BAD_TEXT.test(node.value)) return;
        steps.push({ problem: () => badText('A string in the query') });
        done = true;
      },
      Argument(node) {
        const field = typeInfo.getFieldDef();
        const argument = node.name.value;
        if (done || !field || (argument !== 'after' && argument !== 'before')) return;
        if (!getNamedType(field.type).name.endsWith('Connection')) return;
        // A connection whose cursors are not id cursors says so, and checks them itself.
        if (field.extensions.ownCursors === true) return;
        if (node.value.kind === Kind.VARIABLE) steps.push({ variable: node.value.name.value, argument });
        else if (node.value.kind === Kind.STRING && !isIdCursor(node.value.value)) {
          steps.push({ problem: () => cursorProblem(argument) });
          done = true;
        }
      },
    }),
  );
  return steps;
}

/**
 * The walk's steps per document: yoga's parser cache hands out one document
 * object per query text, so a document sent again (every award, every read
 * with variables) is walked once, not on every request.
 */
const planned = new WeakMap<DocumentNode, { schema: GraphQLSchema; steps: Step[] }>();

function plannedSteps(schema: GraphQLSchema, document: DocumentNode): Step[] {
  const known = planned.get(document);
  if (known?.schema === schema) return known.steps;
  const steps = stepsOf(schema, document);
  planned.set(document, { schema, steps });
  return steps;
}

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
  for (const step of plannedSteps(schema, document)) {
    if ('problem' in step) return step.problem();
    const value = variables?.[step.variable];
    if (typeof value === 'string' && !isIdCursor(value)) return cursorProblem(step.argument);
  }
  return null;
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
