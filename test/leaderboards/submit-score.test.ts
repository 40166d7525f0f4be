import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDefinition, markArchived } from '../../src/modules/leaderboards/definitions.service.js';
import { applySubmission, type ScoreInput } from '../../src/modules/leaderboards/submit-score.js';
import { codeOf, createBoardsWorld, type BoardsWorld } from './boards-world.js';

let w: BoardsWorld;
let admin: { id: number; role: 'ADMIN' | 'USER' };
let keyCounter = 0;

beforeAll(async () => {
  w = await createBoardsWorld();
  admin = await w.createUser('ADMIN');
  await createDefinition(w.deps, admin, { key: 'lap-times', title: 'Lap times', period: 'ALL_TIME', source: 'SUBMITTED', operator: 'BEST', order: 'ASC' });
  await createDefinition(w.deps, admin, { key: 'totals', title: 'Totals', period: 'WEEKLY', source: 'SUBMITTED', operator: 'SUM' });
  await createDefinition(w.deps, admin, { key: 'latest', title: 'Latest', period: 'DAILY', source: 'SUBMITTED', operator: 'LATEST' });
});
afterAll(async () => {
  await w.cleanup();
});

function submit(board: string, userId: number, score: number, idempotencyKey = `k-${++keyCounter}`) {
  const input: ScoreInput = { boardKey: board, userId, score, idempotencyKey, submittedBy: admin.id };
  return applySubmission(w.deps, input);
}

async function standing(ref: string, userId: number) {
  const [row] = await w.deps.db.$queryRaw<Array<{ score: bigint; seq: bigint; version: number; ranked: boolean }>>`
    SELECT score, seq, version, ranked FROM board_standings WHERE period_ref = ${ref} AND user_id = ${userId}`;
  return row;
}

describe('an ASC BEST board', () => {
  it('keeps the best (lowest) score: 300, 280, 290 → 280, the 290 changing nothing', async () => {
    const user = await w.createUser();
    const a = await submit('lap-times', user.id, 300);
    expect(a).toMatchObject({ applied: true, duplicate: false, score: 300, periodId: 'all', submitted: 300 });
    expect(a.standing).toMatchObject({ ref: 'lap-times/all', order: 'ASC', score: 300, ranked: true, version: 1 });
    const b = await submit('lap-times', user.id, 280);
    expect(b).toMatchObject({ applied: true, score: 280 });
    expect(b.standing).toMatchObject({ score: 280, version: 2 });
    expect(BigInt(b.standing?.seq ?? 0)).toBeGreaterThan(BigInt(a.standing?.seq ?? 0));
    const c = await submit('lap-times', user.id, 290);
    expect(c).toMatchObject({ applied: false, score: 280, standing: null });

    const row = await standing('lap-times/all', user.id);
    expect(row).toMatchObject({ score: 280n, version: 2, ranked: true });
    expect(row?.seq.toString()).toBe(b.standing?.seq); // the unimproved 290 kept the seq of the 280
    const subs = await w.deps.db.scoreSubmission.findMany({ where: { userId: user.id }, orderBy: { id: 'asc' } });
    expect(subs.map((s) => [Number(s.score), s.applied])).toEqual([[300, true], [280, true], [290, false]]);
  });

  it('ranks equal best scores in the order they were reached', async () => {
    const early = await w.createUser();
    const late = await w.createUser();
    await submit('lap-times', late.id, 300);
    await submit('lap-times', early.id, 250); // early reaches 250 first
    await submit('lap-times', late.id, 250); // late reaches it second
    await submit('lap-times', early.id, 260); // no improvement: early keeps its place
    const e = await standing('lap-times/all', early.id);
    const l = await standing('lap-times/all', late.id);
    expect(e?.score).toBe(250n);
    expect(l?.score).toBe(250n);
    expect(e?.seq).toBeLessThan(l?.seq ?? 0n);
  });

  it('stores one submission and one change for a key sent 50 times at once', async () => {
    const user = await w.createUser();
    const outcomes = await Promise.all(Array.from({ length: 50 }, () => submit('lap-times', user.id, 199, 'same-key')));
    expect(outcomes.filter((o) => !o.duplicate)).toHaveLength(1);
    expect(outcomes.filter((o) => o.standing !== null)).toHaveLength(1);
    for (const o of outcomes) expect(o).toMatchObject({ applied: true, score: 199, submitted: 199, submissionId: outcomes[0]?.submissionId });
    expect(await w.deps.db.scoreSubmission.count({ where: { idempotencyKey: 'same-key' } })).toBe(1);
    expect(await standing('lap-times/all', user.id)).toMatchObject({ score: 199n, version: 1 });
  });

  it('refuses a key reused for another user or score', async () => {
    const user = await w.createUser();
    const other = await w.createUser();
    await submit('lap-times', user.id, 500, 'reused');
    expect(await codeOf(submit('lap-times', user.id, 501, 'reused'))).toBe('BAD_USER_INPUT');
    expect(await codeOf(submit('lap-times', other.id, 500, 'reused'))).toBe('BAD_USER_INPUT');
    expect(await submit('lap-times', user.id, 500, 'reused')).toMatchObject({ duplicate: true, applied: true, score: 500 });
  });
});

describe('scores beyond 32 bits', () => {
  it('accepts ±(2^53 − 1), refuses 2^53 and fractions, and stores 3,000,000,000 exactly', async () => {
    const user = await w.createUser();
    const big = await w.createUser();
    expect(await submit('latest', user.id, Number.MAX_SAFE_INTEGER)).toMatchObject({ applied: true, score: Number.MAX_SAFE_INTEGER });
    expect(await submit('latest', user.id, -Number.MAX_SAFE_INTEGER)).toMatchObject({ applied: true, score: -Number.MAX_SAFE_INTEGER });
    expect(await codeOf(submit('latest', user.id, 2 ** 53))).toBe('BAD_USER_INPUT');
    expect(await codeOf(submit('latest', user.id, 1.5))).toBe('BAD_USER_INPUT');
    await submit('latest', big.id, 3_000_000_000);
    const [row] = await w.deps.db.$queryRaw<Array<{ score: string }>>`
      SELECT score::text FROM board_standings WHERE period_ref LIKE 'latest/%' AND user_id = ${big.id}`;
    expect(row?.score).toBe('3000000000');
  });

  it('refuses a SUM that would leave the range, changing nothing', async () => {
    const user = await w.createUser();
    const first = await submit('totals', user.id, Number.MAX_SAFE_INTEGER - 1);
    expect(await codeOf(submit('totals', user.id, 2, 'overflow'))).toBe('BAD_USER_INPUT');
    expect(await w.deps.db.scoreSubmission.count({ where: { idempotencyKey: 'overflow' } })).toBe(0);
    expect(await standing(first.standing?.ref ?? '', user.id)).toMatchObject({ score: BigInt(Number.MAX_SAFE_INTEGER - 1), version: 1 });
    expect(await submit('totals', user.id, 1)).toMatchObject({ applied: true, score: Number.MAX_SAFE_INTEGER });
    expect(await submit('totals', user.id, 0)).toMatchObject({ applied: false, score: Number.MAX_SAFE_INTEGER });
  });

  it('LATEST replaces, and the same score again keeps the seq', async () => {
    const user = await w.createUser();
    const a = await submit('latest', user.id, 10);
    const b = await submit('latest', user.id, 5);
    expect(b).toMatchObject({ applied: true, score: 5 });
    const c = await submit('latest', user.id, 5);
    expect(c).toMatchObject({ applied: false, score: 5 });
    expect((await standing(a.standing?.ref ?? '', user.id))?.seq.toString()).toBe(b.standing?.seq);
  });
});

describe('board checks', () => {
  it('answers unknown boards, users and points boards with coded errors', async () => {
    const user = await w.createUser();
    expect(await codeOf(submit('no-such-board', user.id, 1))).toBe('NOT_FOUND');
    expect(await codeOf(submit('Bad Key', user.id, 1))).toBe('BAD_USER_INPUT');
    expect(await codeOf(submit('points', user.id, 1))).toBe('BAD_USER_INPUT');
    expect(await codeOf(submit('lap-times', 2_000_000_000, 1))).toBe('NOT_FOUND');
    expect(await codeOf(submit('lap-times', user.id, 1, ''))).toBe('BAD_USER_INPUT');
    expect(await codeOf(submit('lap-times', user.id, 1, 'x'.repeat(201)))).toBe('BAD_USER_INPUT');
  });

  it('takes scores on an ACTIVITY board from participants only, and none once the activity is over or the board archived', async () => {
    const organizer = await w.createUser();
    const player = await w.createUser();
    const outsider = await w.createUser();
    const activity = await w.createActivity(organizer.id, 'ONGOING');
    await w.deps.db.participation.create({ data: { activityId: activity.id, userId: player.id } });
    await createDefinition(w.deps, organizer, { key: 'cup', title: 'Cup', source: 'SUBMITTED', scope: 'ACTIVITY', activityId: activity.id });
    expect(await submit('cup', player.id, 42)).toMatchObject({ applied: true, score: 42, periodId: 'all' });
    expect(await codeOf(submit('cup', outsider.id, 42))).toBe('BAD_USER_INPUT');

    await w.deps.db.activity.update({ where: { id: activity.id }, data: { status: 'ENDED' } });
    expect(await codeOf(submit('cup', player.id, 50))).toBe('INVALID_STATE');

    await markArchived(w.deps, null, 'cup');
    await w.deps.db.activity.update({ where: { id: activity.id }, data: { status: 'ONGOING' } });
    expect(await codeOf(submit('cup', player.id, 50))).toBe('INVALID_STATE');
    expect(await w.deps.db.scoreSubmission.count({ where: { userId: player.id } })).toBe(1);
  });

  it('refuses scores on a board archived by another process this one has cached as active', async () => {
    const user = await w.createUser();
    await createDefinition(w.deps, admin, { key: 'stale-cache', title: 'Stale', period: 'DAILY', source: 'SUBMITTED' });
    await submit('stale-cache', user.id, 1); // caches the definition as ACTIVE
    await w.deps.db.leaderboard.update({ where: { key: 'stale-cache' }, data: { state: 'ARCHIVED', archivedAt: w.deps.now() } });
    expect(await codeOf(submit('stale-cache', user.id, 2))).toBe('INVALID_STATE');
  });
});
