import { builder } from '../../graphql/builder.js';
import { decodeId } from '../../graphql/ids.js';
import { submitScore } from './submit-score.service.js';
import type { SubmissionOutcome } from './submit-score.js';

const SubmitScorePayloadRef = builder.objectRef<SubmissionOutcome>('SubmitScorePayload').implement({
  description: 'What a submitted score did; for a repeated idempotency key, what the first submission did.',
  fields: (t) => ({
    board: t.exposeString('boardKey', { description: 'The board key.' }),
    periodId: t.exposeString('periodId', { description: 'The period the score went to, e.g. `2026-W49` or `all`.' }),
    submitted: t.expose('submitted', { type: 'SafeInt', description: 'The score sent.' }),
    score: t.expose('score', {
      type: 'SafeInt',
      nullable: true,
      description: "The user's score in that period after this submission (for a duplicate: now). Rank: read `leaderboard(board:)`.",
    }),
    applied: t.exposeBoolean('applied', {
      description: 'True when it changed the standing: a first score, a better BEST, a different LATEST, a non-zero SUM.',
    }),
    duplicate: t.exposeBoolean('duplicate', { description: 'True when the idempotency key had been used: nothing changed.' }),
  }),
});

builder.mutationField('submitScore', (t) =>
  t.withAuth({ admin: true }).field({
    type: SubmitScorePayloadRef,
    description:
      '(admin) Records a score on a SUBMITTED leaderboard, in its current period, combined by its operator. Meant for trusted ' +
      'services: a service account with the ADMIN role. Counts once per (board, idempotencyKey), however often it is sent; ' +
      'the same key for another user or score is BAD_USER_INPUT. BAD_USER_INPUT: not a SUBMITTED board, a score or SUM total ' +
      'outside ±(2^53 − 1), a user without a seat in an ACTIVITY board\'s activity. NOT_FOUND: unknown board or user. ' +
      'INVALID_STATE: the board is archived, or its activity ended or was cancelled.',
    args: {
      board: t.arg.string({ required: true, description: 'The board key.' }),
      userId: t.arg.id({ required: true, description: 'The user the score is for.' }),
      score: t.arg({ type: 'SafeInt', required: true, description: 'An integer within ±(2^53 − 1).' }),
      idempotencyKey: t.arg.string({ required: true, description: '1–200 characters, unique per board: a retry sends the same key.' }),
    },
    resolve: (_root, args, ctx) =>
      submitScore(ctx.deps, {
        boardKey: args.board,
        userId: decodeId('User', String(args.userId)),
        score: args.score,
        idempotencyKey: args.idempotencyKey,
        submittedBy: ctx.viewer.id,
      }),
  }),
);
