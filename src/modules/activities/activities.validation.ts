import { z } from 'zod';
import { MAX_PAGE_SIZE } from '../../graphql/builder.js';
import { timeOrderMessage, timeOrderProblems } from './lifecycle.js';

/** Input rules of activities (docs/product.md, "Activities"), applied at the GraphQL boundary through the validation plugin. */
export const titleSchema = z
  .string()
  .trim()
  .min(1, 'A title cannot be empty.')
  .max(120, 'A title has at most 120 characters.');

export const descriptionSchema = z.string().max(5000, 'A description has at most 5000 characters.');

export const categorySchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(32, 'A category has at most 32 characters.')
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'A category is a short slug of letters, digits and single hyphens, such as "board-games".');

export const capacitySchema = z
  .number()
  .int()
  .min(1, 'capacity must be at least 1, or null for unlimited.')
  .max(100_000, 'capacity can be at most 100000, or null for unlimited.')
  .nullish();

export const cancelReasonSchema = z.string().trim().max(500, 'A cancel reason has at most 500 characters.').nullish();

export const versionSchema = z.number().int().min(1, 'version is the positive number you read from the activity.');

/** Checks whichever of the four times are present: create gives all, update may give some. */
export const timeOrderSchema = z
  .looseObject({
    signupStartsAt: z.date().nullish(),
    signupEndsAt: z.date().nullish(),
    startsAt: z.date().nullish(),
    endsAt: z.date().nullish(),
  })
  .superRefine((times, ctx) => {
    const problems = timeOrderProblems({
      signupStartsAt: times.signupStartsAt ?? undefined,
      signupEndsAt: times.signupEndsAt ?? undefined,
      startsAt: times.startsAt ?? undefined,
      endsAt: times.endsAt ?? undefined,
    });
    if (problems.length > 0) ctx.addIssue({ code: 'custom', message: timeOrderMessage(problems) });
  });

/** Cursors of these connections encode an Int id (`GPC:N:<id>`); anything else is refused before Prisma sees it. */
const idCursorSchema = (name: string) =>
  z
    .string()
    .refine((cursor) => {
      const match = /^GPC:N:(\d{1,10})$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
      return match !== null && Number(match[1]) <= 2_147_483_647;
    }, `${name} is not a cursor of this list; pass an endCursor or startCursor it returned.`)
    .nullish();

/** Relay page arguments: a page above the maximum is an error, never silently clamped; cursors must be ours. */
export const pageArgsSchema = z
  .looseObject({
    after: idCursorSchema('after'),
    before: idCursorSchema('before'),
    first: z.number().int().min(0, 'first cannot be negative.').max(MAX_PAGE_SIZE, `first can be at most ${MAX_PAGE_SIZE}.`).nullish(),
    last: z.number().int().min(0, 'last cannot be negative.').max(MAX_PAGE_SIZE, `last can be at most ${MAX_PAGE_SIZE}.`).nullish(),
  });
