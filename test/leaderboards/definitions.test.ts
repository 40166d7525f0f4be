import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDefinition, currentPeriodIdOf, getDefinition, markArchived, nextResetOf, updateDefinition } from '../../src/modules/leaderboards/definitions.service.js';
import { codeOf, createBoardsWorld, type BoardsWorld } from './boards-world.js';

let w: BoardsWorld;
let admin: { id: number; role: 'ADMIN' | 'USER' };
let organizer: { id: number; role: 'ADMIN' | 'USER' };
let stranger: { id: number; role: 'ADMIN' | 'USER' };

beforeAll(async () => {
  w = await createBoardsWorld({ APP_TIMEZONE: 'Asia/Shanghai' });
  admin = await w.createUser('ADMIN');
  organizer = await w.createUser();
  stranger = await w.createUser();
});
afterAll(async () => {
  await w.cleanup();
});

describe('a WEEKLY board fed by CHECK_IN points (APP_TIMEZONE=Asia/Shanghai)', () => {
  it('is stored as defined, with defaults filled in and the NULL-free type list', async () => {
    const board = await createDefinition(w.deps, admin, {
      key: 'weekly-checkins',
      title: '  Weekly check-ins ',
      period: 'WEEKLY',
      source: 'POINTS',
      pointTypes: ['CHECK_IN', 'CHECK_IN'],
    });
    expect(board).toMatchObject({
      key: 'weekly-checkins',
      title: 'Weekly check-ins',
      description: '',
      period: 'WEEKLY',
      scope: 'GLOBAL',
      category: null,
      activityId: null,
      source: 'POINTS',
      pointTypes: ['CHECK_IN'],
      operator: 'SUM',
      order: 'DESC',
      state: 'ACTIVE',
      createdBy: admin.id,
      archivedAt: null,
    });
    const [row] = await w.deps.db.$queryRaw<Array<{ point_types: string }>>`SELECT point_types::text FROM leaderboards WHERE key = 'weekly-checkins'`;
    expect(row?.point_types).toBe('{CHECK_IN}');
  });

  it('stores no point types (every type) for a board of every type', async () => {
    await createDefinition(w.deps, admin, { key: 'all-points-daily', title: 'Daily points', period: 'DAILY', source: 'POINTS' });
    const [row] = await w.deps.db.$queryRaw<Array<{ types: number }>>`SELECT cardinality(point_types) AS types FROM leaderboards WHERE key = 'all-points-daily'`;
    expect(row?.types).toBe(0);
  });

  it('turns over at Monday 00:00 local time (Sunday 16:00 UTC)', async () => {
    const board = await getDefinition(w.deps, 'weekly-checkins');
    w.clock.set('2026-12-06T15:59:59.999Z'); // Sunday 23:59:59.999 in Shanghai
    expect(currentPeriodIdOf(w.deps, board)).toBe('2026-W49');
    expect(nextResetOf(w.deps, board)?.toISOString()).toBe('2026-12-06T16:00:00.000Z');
    w.clock.set('2026-12-06T16:00:00.000Z'); // Monday 00:00 in Shanghai, still Sunday in UTC
    expect(currentPeriodIdOf(w.deps, board)).toBe('2026-W50');
    expect(nextResetOf(w.deps, board)?.toISOString()).toBe('2026-12-13T16:00:00.000Z');
  });

  it('goes from 2026-W53 to 2027-W01', async () => {
    const board = await getDefinition(w.deps, 'weekly-checkins');
    w.clock.set('2026-12-31T12:00:00.000Z');
    expect(currentPeriodIdOf(w.deps, board)).toBe('2026-W53');
    expect(nextResetOf(w.deps, board)?.toISOString()).toBe('2027-01-03T16:00:00.000Z');
    w.clock.set('2027-01-03T15:59:59.999Z');
    expect(currentPeriodIdOf(w.deps, board)).toBe('2026-W53');
    w.clock.set('2027-01-03T16:00:00.000Z');
    expect(currentPeriodIdOf(w.deps, board)).toBe('2027-W01');
    expect(nextResetOf(w.deps, board)?.toISOString()).toBe('2027-01-10T16:00:00.000Z');
    // Computed from the calendar: reading them created no period rows.
    expect(await w.deps.db.boardPeriod.count({ where: { boardId: board.id } })).toBe(0);
  });
});

describe('validation', () => {
  it('refuses malformed keys, inconsistent definitions and unknown activities with coded errors', async () => {
    const base = { title: 'T', period: 'DAILY' as const, source: 'SUBMITTED' as const };
    expect(await codeOf(createDefinition(w.deps, admin, { ...base, key: 'Bad Key' }))).toBe('BAD_USER_INPUT');
    expect(await codeOf(createDefinition(w.deps, admin, { ...base, key: 'x' }))).toBe('BAD_USER_INPUT');
    expect(await codeOf(createDefinition(w.deps, admin, { ...base, key: 'no-title', title: '   ' }))).toBe('BAD_USER_INPUT');
    expect(await codeOf(createDefinition(w.deps, admin, { ...base, key: 'long-title', title: 'x'.repeat(101) }))).toBe('BAD_USER_INPUT');
    expect(await codeOf(createDefinition(w.deps, admin, { ...base, key: 'long-desc', description: 'x'.repeat(1001) }))).toBe('BAD_USER_INPUT');
    expect(await codeOf(createDefinition(w.deps, admin, { ...base, key: 'types-on-submitted', pointTypes: ['CHECK_IN'] }))).toBe('BAD_USER_INPUT');
    expect(await codeOf(createDefinition(w.deps, admin, { ...base, key: 'no-category', scope: 'CATEGORY' }))).toBe('BAD_USER_INPUT');
    expect(await codeOf(createDefinition(w.deps, admin, { ...base, key: 'bad-category', scope: 'CATEGORY', category: 'Board Games!' }))).toBe('BAD_USER_INPUT');
    expect(await codeOf(createDefinition(w.deps, admin, { ...base, key: 'stray-category', category: 'chess' }))).toBe('BAD_USER_INPUT');
    expect(await codeOf(createDefinition(w.deps, admin, { ...base, key: 'no-activity', scope: 'ACTIVITY' }))).toBe('BAD_USER_INPUT');
    expect(await codeOf(createDefinition(w.deps, admin, { ...base, key: 'weekly-activity', scope: 'ACTIVITY', activityId: 1, period: 'WEEKLY' }))).toBe('BAD_USER_INPUT');
    expect(await codeOf(createDefinition(w.deps, admin, { ...base, key: 'points-best', source: 'POINTS', operator: 'BEST' }))).toBe('BAD_USER_INPUT');
    expect(await codeOf(createDefinition(w.deps, admin, { ...base, key: 'points-asc', source: 'POINTS', order: 'ASC' }))).toBe('BAD_USER_INPUT');
    expect(await codeOf(createDefinition(w.deps, admin, { ...base, key: 'no-period', period: null }))).toBe('BAD_USER_INPUT');
    expect(await codeOf(createDefinition(w.deps, admin, { ...base, key: 'ghost-activity', scope: 'ACTIVITY', activityId: 999_999, period: null }))).toBe('NOT_FOUND');
    expect(await w.deps.db.leaderboard.count()).toBe(3); // points + the two boards above
  });

  it('takes a category as a slug, lower-cased', async () => {
    const board = await createDefinition(w.deps, admin, { key: 'chess-monthly', title: 'Chess', period: 'MONTHLY', source: 'SUBMITTED', scope: 'CATEGORY', category: ' Chess ' });
    expect(board).toMatchObject({ scope: 'CATEGORY', category: 'chess', operator: 'BEST', order: 'DESC' });
  });

  it('answers a taken key with BAD_USER_INPUT, also when 10 creates race', async () => {
    expect(await codeOf(createDefinition(w.deps, admin, { key: 'weekly-checkins', title: 'Again', period: 'DAILY', source: 'POINTS' }))).toBe('BAD_USER_INPUT');
    const codes = await Promise.all(
      Array.from({ length: 10 }, (_, i) => codeOf(createDefinition(w.deps, admin, { key: 'race', title: `Race ${i}`, period: 'DAILY', source: 'SUBMITTED' }))),
    );
    expect(codes.filter((code) => code === 'OK')).toHaveLength(1);
    expect(codes.filter((code) => code === 'BAD_USER_INPUT')).toHaveLength(9);
    expect(await w.deps.db.leaderboard.count({ where: { key: 'race' } })).toBe(1);
  });

  it('finds a definition by key: NOT_FOUND for an unknown one, BAD_USER_INPUT for a malformed one', async () => {
    expect((await getDefinition(w.deps, 'points')).id).toBe(1);
    expect(await codeOf(getDefinition(w.deps, 'no-such-board'))).toBe('NOT_FOUND');
    expect(await codeOf(getDefinition(w.deps, 'Not/A/Key'))).toBe('BAD_USER_INPUT');
  });
});

describe('permissions', () => {
  it('lets only admins create GLOBAL and CATEGORY boards', async () => {
    expect(await codeOf(createDefinition(w.deps, stranger, { key: 'mine', title: 'Mine', period: 'DAILY', source: 'SUBMITTED' }))).toBe('FORBIDDEN');
    expect(await codeOf(createDefinition(w.deps, organizer, { key: 'cat', title: 'Cat', period: 'DAILY', source: 'SUBMITTED', scope: 'CATEGORY', category: 'chess' }))).toBe('FORBIDDEN');
  });

  it('lets an organizer create and edit ACTIVITY boards of their own activities only', async () => {
    const own = await w.createActivity(organizer.id);
    const others = await w.createActivity(stranger.id);
    const othersDraft = await w.createActivity(stranger.id, 'DRAFT');
    const board = await createDefinition(w.deps, organizer, { key: 'own-cup', title: 'Own cup', source: 'SUBMITTED', scope: 'ACTIVITY', activityId: own.id, order: 'ASC' });
    expect(board).toMatchObject({ scope: 'ACTIVITY', activityId: own.id, period: 'ALL_TIME', order: 'ASC', createdBy: organizer.id });
    expect(await codeOf(createDefinition(w.deps, organizer, { key: 'their-cup', title: 'No', source: 'SUBMITTED', scope: 'ACTIVITY', activityId: others.id }))).toBe('FORBIDDEN');
    expect(await codeOf(createDefinition(w.deps, organizer, { key: 'their-draft', title: 'No', source: 'SUBMITTED', scope: 'ACTIVITY', activityId: othersDraft.id }))).toBe('NOT_FOUND');

    const renamed = await updateDefinition(w.deps, organizer, { key: 'own-cup', title: 'Own cup, final', description: 'Fastest laps' });
    expect(renamed).toMatchObject({ title: 'Own cup, final', description: 'Fastest laps' });
    expect((await getDefinition(w.deps, 'own-cup')).title).toBe('Own cup, final'); // the cache was forgotten
    expect(await codeOf(updateDefinition(w.deps, stranger, { key: 'own-cup', title: 'Hijack' }))).toBe('FORBIDDEN');
    expect(await codeOf(updateDefinition(w.deps, organizer, { key: 'weekly-checkins', title: 'Hijack' }))).toBe('FORBIDDEN');
    expect(await codeOf(updateDefinition(w.deps, admin, { key: 'own-cup', title: '' }))).toBe('BAD_USER_INPUT');
    expect(await codeOf(updateDefinition(w.deps, admin, { key: 'nope-nope', title: 'x' }))).toBe('NOT_FOUND');
  });

  it('refuses boards for an activity that is over', async () => {
    const ended = await w.createActivity(organizer.id, 'ENDED');
    expect(await codeOf(createDefinition(w.deps, admin, { key: 'late-cup', title: 'Late', source: 'SUBMITTED', scope: 'ACTIVITY', activityId: ended.id }))).toBe('INVALID_STATE');
  });
});

describe('archiving (the PostgreSQL half)', () => {
  it('freezes a board once, keeps it in the period it froze in, and never archives points', async () => {
    w.clock.set('2026-12-02T04:00:00.000Z');
    expect(await codeOf(markArchived(w.deps, admin, 'points'))).toBe('BAD_USER_INPUT');
    expect(await codeOf(markArchived(w.deps, stranger, 'weekly-checkins'))).toBe('FORBIDDEN');
    const first = await markArchived(w.deps, admin, 'weekly-checkins');
    expect(first).toMatchObject({ changed: true, ref: 'weekly-checkins/2026-W49' });
    expect(first.board).toMatchObject({ state: 'ARCHIVED', archivedAt: new Date('2026-12-02T04:00:00.000Z') });

    w.clock.set('2026-12-20T04:00:00.000Z');
    const again = await markArchived(w.deps, admin, 'weekly-checkins');
    expect(again).toMatchObject({ changed: false, ref: 'weekly-checkins/2026-W49' });
    expect(again.board.archivedAt).toEqual(new Date('2026-12-02T04:00:00.000Z'));
    expect(currentPeriodIdOf(w.deps, again.board)).toBe('2026-W49');
    expect(nextResetOf(w.deps, again.board)).toBeNull();
  });
});
