/**
 * Bucketed boards through the product: created with `buckets` through
 * GraphQL, fed by submitScore and awards, read by every board query, rolled
 * over, rebuilt after Redis loses them and after a move dies half-way. Each
 * bucketed board is checked against an identical unbucketed board fed the
 * same writes and against PostgreSQL's brute-force order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId } from '../../src/graphql/ids.js';
import { syncPendingStandings } from '../../src/modules/leaderboards/board-sync.js';
import { bucketHomeKeys } from '../../src/modules/leaderboards/bucketed/bucket-keys.js';
import { bucketRebuildJobId, BUCKET_REBUILD_JOB } from '../../src/modules/leaderboards/bucket-rebuild.js';
import { leaderboardJobs } from '../../src/modules/leaderboards/leaderboards.jobs.js';
import { reconcileBoard } from '../../src/modules/leaderboards/reconcile.js';
import { copyShard } from '../../src/modules/leaderboards/rollover-copy.js';
import { finishRollover } from '../../src/modules/leaderboards/rollover-finish.js';
import { prepareRollover } from '../../src/modules/leaderboards/rollover-prepare.js';
import { lookupStandings } from '../../src/modules/leaderboards/standing-lookup.js';
import { recordAward } from '../../src/modules/points/points.service.js';
import type { Job } from 'bullmq';
import { createTestClock } from '../support/clock.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { keysMatching } from '../support/redis-target.js';
import { waitFor, waitHealed } from '../support/wait.js';
import { archivePlaces } from './rollover-support.js';

const DAY = '2026-11-10';
const CREATE = `mutation ($input: CreateLeaderboardInput!) { createLeaderboard(input: $input) { key buckets { bounds userShards } } }`;
const SUBMIT = `mutation ($board: String!, $userId: ID!, $score: SafeInt!, $key: String!) { submitScore(board: $board, userId: $userId, score: $score, idempotencyKey: $key) { applied } }`;
const ENTRY = 'rank score user { id }';
const PAGE = `query ($board: String!, $first: Int, $offset: Int, $after: String, $rankMode: RankMode) {
  leaderboard(board: $board, first: $first, offset: $offset, after: $after, rankMode: $rankMode) {
    stale totalParticipants entries { ${ENTRY} cursor } pageInfo { hasNextPage endCursor }
  }
}`;
const AROUND = `query ($board: String!, $userId: ID!, $rankMode: RankMode) {
  leaderboardAround(board: $board, userId: $userId, radius: 3, rankMode: $rankMode) { stale totalParticipants standing { rank score } entries { ${ENTRY} } }
}`;
const STANDINGS = `query ($board: String!, $ids: [ID!]!) { standings(board: $board, userIds: $ids) { stale standings { rank score user { id } } } }`;
const code = (result: { errors?: Array<{ extensions?: { code?: string } }> }) => result.errors?.[0]?.extensions?.code ?? 'OK';

let t: TestContext;
let admin: { token: string };
let users: number[] = [];
let writeCounter = 0;

/** A deterministic pseudo-random sequence (the same run every time). */
function lcg(seed: number) {
  let state = seed;
  return (below: number) => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state % below;
  };
}

const gid = (userId: number) => encodeId('User', userId);

/** Redis's clock in ms: what a bucketed move's start and age are measured by (bucket-write-lua.ts). */
async function redisMs(): Promise<number> {
  const [seconds, micros] = await t.deps.redis.time();
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}

let worker: Promise<unknown> | null = null;
/** Starts this file's in-process worker once (queued jobs such as leaderboard.bucket-rebuild then run by themselves). */
const startWorker = () => (worker ??= t.startServer({ api: false, worker: true }));

async function submit(board: string, userId: number, score: number) {
  writeCounter += 1;
  const result = await t.gql(SUBMIT, { board, userId: gid(userId), score, key: `w${writeCounter}` }, { token: admin.token });
  expect(result.errors).toBeUndefined();
}

/** PostgreSQL's order of a period: best score first, then who reached it first. */
async function bruteForce(ref: string, order: 'ASC' | 'DESC'): Promise<Array<[string, number]>> {
  const rows = await t.deps.db.boardStanding.findMany({ where: { periodRef: ref, ranked: true }, select: { userId: true, score: true, seq: true } });
  rows.sort((a, b) => (a.score === b.score ? Number(a.seq - b.seq) : (order === 'DESC' ? -1 : 1) * Number(a.score - b.score)));
  return rows.map((row) => [gid(row.userId), Number(row.score)]);
}

async function page(board: string, variables: Record<string, unknown> = {}) {
  const result = await t.gql(PAGE, { board, ...variables });
  expect(result.errors).toBeUndefined();
  return result.data!.leaderboard;
}

/** Every entry by cursor pages of `first`. */
async function walk(board: string, first: number) {
  const entries: unknown[] = [];
  let after: string | null = null;
  for (;;) {
    const read: { entries: Array<{ cursor: string }>; pageInfo: { hasNextPage: boolean; endCursor: string | null }; stale: boolean } = await page(board, { first, after });
    expect(read.stale).toBe(false);
    entries.push(...read.entries.map(({ cursor: _cursor, ...entry }) => entry));
    if (!read.pageInfo.hasNextPage) return entries;
    after = read.pageInfo.endCursor;
  }
}

/** Every read this file compares, without cursors (they name the board). */
async function reads(board: string, sample: readonly number[]) {
  const out: Record<string, unknown> = {};
  for (const rankMode of ['ORDINAL', 'COMPETITION', 'DENSE']) {
    const { entries, ...rest } = await page(board, { first: 100, rankMode });
    out[`top-${rankMode}`] = { ...rest, pageInfo: undefined, entries: entries.map(({ cursor: _cursor, ...entry }: { cursor: string }) => entry) };
    const middle = await page(board, { first: 7, offset: 9, rankMode });
    out[`offset-${rankMode}`] = middle.entries.map(({ cursor: _cursor, ...entry }: { cursor: string }) => entry);
    for (const userId of sample) out[`around-${rankMode}-${userId}`] = (await t.gql(AROUND, { board, userId: gid(userId), rankMode })).data;
  }
  out.walk = await walk(board, 4);
  out.standings = (await t.gql(STANDINGS, { board, ids: sample.map(gid) })).data;
  return out;
}

async function createBoard(input: Record<string, unknown>) {
  const created = await t.gql(CREATE, { input: { title: 'T', period: 'DAILY', ...input } }, { token: admin.token });
  expect(created.errors).toBeUndefined();
  return created.data!.createLeaderboard;
}

beforeAll(async () => {
  t = await createTestContext({}, { clock: createTestClock(`${DAY}T12:00:00.000Z`) });
  admin = await t.createUser({ role: 'ADMIN' });
  users = await Promise.all(Array.from({ length: 30 }, async () => (await t.createUser()).user.id));
});
afterAll(async () => {
  await t.cleanup();
});

describe('choosing bucketing', () => {
  it('stores the layout given at creation and shows it; unbucketed boards show null', async () => {
    expect(await createBoard({ key: 'bk-plain', source: 'SUBMITTED', operator: 'LATEST' })).toEqual({ key: 'bk-plain', buckets: null });
    expect(await createBoard({ key: 'bk-desc', source: 'SUBMITTED', operator: 'LATEST', buckets: { bounds: [800, 600, 400, 200], userShards: 4 } })).toEqual({
      key: 'bk-desc',
      buckets: { bounds: [800, 600, 400, 200], userShards: 4 },
    });
    expect(await createBoard({ key: 'bk-asc', source: 'SUBMITTED', operator: 'LATEST', order: 'ASC', buckets: { bounds: [200, 500, 501] } })).toEqual({
      key: 'bk-asc',
      buckets: { bounds: [200, 500, 501], userShards: 16 },
    });
    expect(await createBoard({ key: 'bk-asc-plain', source: 'SUBMITTED', operator: 'LATEST', order: 'ASC' })).toMatchObject({ buckets: null });
    await createBoard({ key: 'bk-points', source: 'POINTS', buckets: { bounds: [100, 50, 10], userShards: 3 } });
  });

  it('refuses bad layouts with BAD_USER_INPUT', async () => {
    const bad = (buckets: unknown, order = 'DESC') => t.gql(CREATE, { input: { key: 'bk-bad', title: 'T', period: 'DAILY', source: 'SUBMITTED', order, buckets } }, { token: admin.token });
    expect(code(await bad({ bounds: [] }))).toBe('BAD_USER_INPUT');
    expect(code(await bad({ bounds: [1, 2] }))).toBe('BAD_USER_INPUT'); // ascending on a DESC board
    expect(code(await bad({ bounds: [2, 1] }, 'ASC'))).toBe('BAD_USER_INPUT');
    expect(code(await bad({ bounds: [5, 5] }))).toBe('BAD_USER_INPUT');
    expect(code(await bad({ bounds: Array.from({ length: 256 }, (_unused, index) => 1000 - index) }))).toBe('BAD_USER_INPUT');
    expect(code(await bad({ bounds: [2 ** 53] }))).toBe('BAD_USER_INPUT');
    expect(code(await bad({ bounds: [2, 1], userShards: 0 }))).toBe('BAD_USER_INPUT');
    expect(code(await bad({ bounds: [2, 1], userShards: 1025 }))).toBe('BAD_USER_INPUT');
    expect(await t.deps.db.leaderboard.count({ where: { key: 'bk-bad' } })).toBe(0);
  });
});

describe('a bucketed board in use', () => {
  it('answers every read as an identical unbucketed board and PostgreSQL do, with members crossing bounds under concurrent writes', async () => {
    const random = lcg(15);
    for (let round = 0; round < 4; round += 1) {
      // Multiples of 50 make ties; each round moves most users to another bucket, all at once, while a reader reads.
      const scores = users.map((userId) => [userId, 50 * random(21)] as const);
      const [during] = await Promise.all([
        page('bk-desc', { first: 100 }),
        ...scores.flatMap(([userId, score]) => ['bk-desc', 'bk-asc', 'bk-plain', 'bk-asc-plain'].map((board) => submit(board, userId, score))),
      ]);
      // Whatever it overlapped, a read never shows a user twice or loses one: it is consistent, or stale from PostgreSQL.
      const ids = during.entries.map((entry: { user: { id: string } }) => entry.user.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toHaveLength(during.totalParticipants);
    }
    // Last, one write per user in the same order on every board (odd multiples of 25: every score changes),
    // so ties break alike (by seq) on a board and its unbucketed twin.
    for (const userId of users) {
      const score = 25 + 50 * random(20);
      for (const board of ['bk-desc', 'bk-asc', 'bk-plain', 'bk-asc-plain']) await submit(board, userId, score);
    }
    // The bucketed boards really are split: bucket keys exist, the one-set board does not.
    expect((await keysMatching(t.deps.redis, `*lb:bk-desc/${DAY}:b*`)).length).toBeGreaterThan(4);
    expect(await keysMatching(t.deps.redis, `*{lb:bk-desc/${DAY}}:board`)).toEqual([]);

    const sample = [users[0]!, users[7]!, users[29]!];
    for (const [bucketed, plain, order] of [['bk-desc', 'bk-plain', 'DESC'], ['bk-asc', 'bk-asc-plain', 'ASC']] as const) {
      const expected = await reads(plain, sample);
      expect(await reads(bucketed, sample)).toEqual(expected);
      const brute = await bruteForce(`${bucketed}/${DAY}`, order);
      expect((expected.walk as Array<{ user: { id: string }; score: number }>).map((entry) => [entry.user.id, entry.score])).toEqual(brute);
      expect((expected['top-ORDINAL'] as { stale: boolean }).stale).toBe(false);
    }
    const live = await lookupStandings(t.deps, `bk-desc/${DAY}`, users);
    expect(live).toEqual(await lookupStandings(t.deps, `bk-plain/${DAY}`, users));
  });

  it('takes awards on a bucketed POINTS board, and drops a user whose total goes back to 0', async () => {
    const give = (userId: number, points: number) => {
      writeCounter += 1;
      return recordAward(t.deps, { userId, type: 'ADMIN_ADJUST', points, idempotencyKey: `award:${writeCounter}`, occurredAt: new Date(`${DAY}T12:00:00.000Z`) });
    };
    const random = lcg(7);
    for (const userId of users.slice(0, 12)) await give(userId, 5 + random(150));
    await Promise.all(users.slice(0, 12).map((userId) => give(userId, 40)));
    const total = await t.deps.db.boardStanding.findUniqueOrThrow({ where: { periodRef_userId: { periodRef: `bk-points/${DAY}`, userId: users[3]! } } });
    await give(users[3]!, -Number(total.score));
    const read = await page('bk-points', { first: 100 });
    expect(read.stale).toBe(false);
    expect(read.entries.map((entry: { user: { id: string }; score: number }) => [entry.user.id, entry.score])).toEqual(await bruteForce(`bk-points/${DAY}`, 'DESC'));
    expect(read.totalParticipants).toBe(11);
    expect(read.entries.map((entry: { user: { id: string } }) => entry.user.id)).not.toContain(gid(users[3]!));
    // Reconcile finds nothing to repair on a board the live writes kept right.
    const report = await reconcileBoard(t.deps, { ref: `bk-points/${DAY}` });
    expect(report.drift).toEqual({ missing: 0, score: 0, extra: 0 });
  });
});

describe('when a bucketed board breaks', () => {
  it('answers stale from PostgreSQL after Redis lost it, and correct again once leaderboard.sync rebuilt it', async () => {
    const ref = `bk-desc/${DAY}`;
    await syncPendingStandings(t.deps);
    const before = await page('bk-desc', { first: 100 });
    for (const key of await keysMatching(t.deps.redis, `*lb:${ref}*`)) await t.deps.redis.del(key);
    const lost = await page('bk-desc', { first: 100 });
    expect(lost).toEqual({ ...before, stale: true });
    const { rebuilt } = await syncPendingStandings(t.deps);
    expect(rebuilt).toContain(ref);
    expect(await page('bk-desc', { first: 100 })).toEqual(before);
  });

  it.each([
    ['its home slot (counts, markers), its buckets and shards kept', (key: string) => key.includes(`{lb:bk-desc/${DAY}}`)],
    ['its home slot and half its buckets, its shards kept', (key: string) => key.includes(`{lb:bk-desc/${DAY}}`) || /:b[0-9]*[02468]\}/.test(key)],
  ])('is whole again after leaderboard.sync when Redis lost only part of it: %s', async (_what, lostKey) => {
    // What one node of a cluster losing its data does: the other slots of the period survive,
    // their user shards claiming versions the lost buckets held.
    const ref = `bk-desc/${DAY}`;
    await syncPendingStandings(t.deps);
    const before = await page('bk-desc', { first: 100 });
    const lost = (await keysMatching(t.deps.redis, `*lb:${ref}*`)).filter(lostKey);
    expect(lost.length).toBeGreaterThan(0);
    for (const key of lost) await t.deps.redis.del(key);
    expect(await page('bk-desc', { first: 100 })).toEqual({ ...before, stale: true });
    const { rebuilt } = await syncPendingStandings(t.deps);
    expect(rebuilt).toContain(ref);
    expect(await page('bk-desc', { first: 100 })).toEqual(before);
  });

  it('answers stale while a move is stuck, queues one rebuild however often it is read, and the rebuild heals it', async () => {
    const ref = `bk-desc/${DAY}`;
    const before = await page('bk-desc', { first: 100 });
    // What a writer that died after registering its move leaves (bucket-write.ts step 1), 11 s ago.
    const home = bucketHomeKeys(t.deps.keys, ref);
    await t.deps.redis.hset(home.moves, `${users[0]}:999:a`, String((await redisMs()) - 11_000));
    await t.deps.redis.incr(home.started);
    expect(await page('bk-desc', { first: 100 })).toEqual({ ...before, stale: true });
    expect(await page('bk-desc', { first: 100 })).toEqual({ ...before, stale: true });
    const job = await t.deps.queues.leaderboards.getJob(bucketRebuildJobId(ref));
    expect(job?.data).toEqual({ ref });
    expect(await t.deps.queues.leaderboards.getJobCounts('waiting', 'delayed', 'prioritized')).toMatchObject({ waiting: 1 });
    const handler = leaderboardJobs.find((candidate) => candidate.name === BUCKET_REBUILD_JOB)!;
    expect(await handler.process(job as Job, t.deps)).toEqual({ members: users.length });
    expect(await t.deps.redis.hlen(home.moves)).toBe(0);
    expect(await page('bk-desc', { first: 100 })).toEqual(before);
  });

  it('reconcile rebuilds a bucketed board that drifted from its truth', async () => {
    const ref = `bk-desc/${DAY}`;
    const before = await page('bk-desc', { first: 100 });
    // A member removed behind the store's back (its bucket no longer matches the counts).
    const keys = await keysMatching(t.deps.redis, `*lb:${ref}:b*}:board`);
    const holder = (await Promise.all(keys.map(async (key) => [key, await t.deps.redis.zrange(key, 0, 0)] as const))).find(([, members]) => members.length > 0)!;
    await t.deps.redis.zrem(holder[0], holder[1][0]!);
    const report = await reconcileBoard(t.deps, { ref });
    expect(report.drift.missing).toBe(1);
    expect(await page('bk-desc', { first: 100 })).toEqual(before);
  });
});

describe('ties around a user', () => {
  it('leaderboardAround answers the same from Redis and from PostgreSQL in every rank mode, bucketed or not', async () => {
    const boards = ['bk-ties', 'bk-ties-plain', 'bk-ties-asc', 'bk-ties-asc-plain'];
    const input = { period: 'ALL_TIME', source: 'SUBMITTED', operator: 'LATEST' };
    await createBoard({ ...input, key: 'bk-ties', buckets: { bounds: [30, 15], userShards: 3 } });
    await createBoard({ ...input, key: 'bk-ties-plain' });
    await createBoard({ ...input, key: 'bk-ties-asc', order: 'ASC', buckets: { bounds: [15, 30], userShards: 3 } });
    await createBoard({ ...input, key: 'bk-ties-asc-plain', order: 'ASC' });
    // Long runs of equal scores (5 distinct scores for 30 users), crossing the bucket bounds.
    for (const [index, userId] of users.entries()) {
      for (const board of boards) await submit(board, userId, 10 * ((index * 7) % 5));
    }
    for (const board of boards) {
      const around = async () => {
        const out: Record<string, unknown> = {};
        for (const rankMode of ['ORDINAL', 'COMPETITION', 'DENSE']) {
          for (const userId of users) out[`${rankMode}-${userId}`] = (await t.gql(AROUND, { board, userId: gid(userId), rankMode })).data!.leaderboardAround;
        }
        return out;
      };
      const fromRedis = await around();
      expect(Object.values(fromRedis).every((read) => (read as { stale: boolean }).stale === false)).toBe(true);
      for (const key of await keysMatching(t.deps.redis, `*lb:${board}/all*`)) await t.deps.redis.del(key);
      const fromPostgres = await around();
      expect(Object.values(fromPostgres).every((read) => (read as { stale: boolean }).stale === true)).toBe(true);
      const fresh = (reads: Record<string, unknown>) => Object.fromEntries(Object.entries(reads).map(([key, read]) => [key, { ...(read as object), stale: undefined }]));
      expect(fresh(fromPostgres)).toEqual(fresh(fromRedis));
      await syncPendingStandings(t.deps);
    }
  });
});

describe('rollover of a bucketed period', () => {
  it('archives exactly the board and deletes every key of it but the seal', async () => {
    const ref = `bk-desc/${DAY}`;
    const expected = await bruteForce(ref, 'DESC');
    t.clock!.set('2026-11-11T00:00:01.000Z');
    const plan = await prepareRollover(t.deps, { ref, runKey: 'bucketed' });
    expect(plan).toMatchObject({ archived: false, members: users.length });
    await copyShard(t.deps, { ref, month: '2026-11', order: 'DESC', fromRank: 1, toRank: 13, batchSize: 5 });
    await copyShard(t.deps, { ref, month: '2026-11', order: 'DESC', fromRank: 14, toRank: users.length, batchSize: 5 });
    await finishRollover(t.deps, { ref });
    const archived = await archivePlaces(t, ref);
    expect(archived.map((place) => [gid(place.userId), place.score])).toEqual(expected);
    expect(archived.map((place) => place.rank)).toEqual(expected.map((_entry, index) => index + 1));
    expect((await keysMatching(t.deps.redis, `*lb:${ref}*`)).map((key) => key.slice(key.indexOf('{')))).toEqual([`{lb:${ref}}:sealed`]);
    const read = await t.gql(`{ leaderboard(board: "bk-desc", period: "${DAY}", first: 100) { stale entries { user { id } score } } }`);
    expect(read.data!.leaderboard.entries.map((entry: { user: { id: string }; score: number }) => [entry.user.id, entry.score])).toEqual(expected);
  });
});

describe('with a worker running', () => {
  it('a stuck move heals by itself: the read that finds it queues the rebuild, the worker runs it, reads are fresh again', async () => {
    await createBoard({ key: 'bk-heal', period: 'ALL_TIME', source: 'SUBMITTED', operator: 'LATEST', buckets: { bounds: [50], userShards: 2 } });
    for (const [index, userId] of users.slice(0, 6).entries()) await submit('bk-heal', userId, 20 * index);
    const before = await page('bk-heal', { first: 100 });
    expect(before).toMatchObject({ stale: false, totalParticipants: 6 });
    const home = bucketHomeKeys(t.deps.keys, 'bk-heal/all');
    await t.deps.redis.hset(home.moves, `${users[0]}:999:a`, String((await redisMs()) - 11_000));
    expect(await page('bk-heal', { first: 100 })).toEqual({ ...before, stale: true });
    await startWorker();
    await waitFor(async () => (await page('bk-heal', { first: 100 })).stale === false, { what: 'the bucketed board to be rebuilt' });
    expect(await page('bk-heal', { first: 100 })).toEqual(before);
  });

  it('a move that fails half-way heals by itself: its writer marks it stuck, the next read queues the rebuild, the worker runs it', async () => {
    await createBoard({ key: 'bk-fail', period: 'ALL_TIME', source: 'SUBMITTED', operator: 'LATEST', buckets: { bounds: [50], userShards: 2 } });
    for (const [index, userId] of users.slice(0, 5).entries()) await submit('bk-fail', userId, 10 * index);
    // The worker's first self-heal rebuilds every board once: let it finish, so it is not what heals this one.
    await startWorker();
    await waitHealed(t.deps);
    await waitFor(async () => (await page('bk-fail', { first: 100 })).stale === false, { what: 'the self-heal to end' });
    expect(await page('bk-fail', { first: 100 })).toMatchObject({ stale: false, totalParticipants: 5 });
    // Bucket 0 (scores ≥ 50) is empty; its owners key is made a string, so the move of a user into it fails with
    // WRONGTYPE after it was registered, claimed and counted (what any Redis error half-way leaves).
    await t.deps.redis.set(t.deps.keys.key(`{lb:bk-fail/all:b0}`, 'owners'), 'not a hash');
    // The test clock stands still: the move must not need STUCK_MOVE_MS of app time to be found stuck.
    await submit('bk-fail', users[0]!, 90);
    await waitFor(async () => (await page('bk-fail', { first: 100 })).stale === false, { what: 'the bucketed board to be rebuilt' });
    const healed = await page('bk-fail', { first: 100 });
    expect(healed.entries.map((entry: { user: { id: string }; score: number }) => [entry.user.id, entry.score])).toEqual(await bruteForce('bk-fail/all', 'DESC'));
    expect(healed.entries[0]).toMatchObject({ score: 90, user: { id: gid(users[0]!) } });
  });
});
