import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations, DEFAULT_MIGRATIONS_DIR, readMigrations } from '../../src/infra/migrator.js';
import { ensurePointsPartition, ensureUpcomingPointsPartitions } from '../../src/modules/points/points-partitions.js';
import { findAward, recordAward } from '../../src/modules/points/points.service.js';
import { createDatabase, dropDatabase, uniqueName } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/harness.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  await t.cleanup();
});

/** Which table of points_records holds each record of a season, e.g. { points_records_default: 3 }. */
async function placement(seasonId: string): Promise<Record<string, number>> {
  const rows = await t.deps.db.$queryRaw<Array<{ part: string; n: bigint }>>`
    SELECT tableoid::regclass::text AS part, count(*) AS n FROM points_records WHERE season_id = ${seasonId} GROUP BY 1`;
  return Object.fromEntries(rows.map((row) => [row.part, Number(row.n)]));
}

let keyCounter = 0;
const award = (userId: number, occurredAt: Date, idempotencyKey = `part:${(keyCounter += 1)}`) =>
  recordAward(t.deps, { userId, type: 'ADMIN_ADJUST', points: 5, idempotencyKey, occurredAt });

describe('points_records partitions', () => {
  it('sends a season without a partition to DEFAULT, then moves its records when the partition is created', async () => {
    const { user } = await t.createUser();
    const march = (day: number) => new Date(Date.UTC(2027, 2, day, 12));
    const first = await award(user.id, march(1), 'part:first');
    await award(user.id, march(2));
    expect(await placement('2027-03')).toEqual({ points_records_default: 2 });

    expect(await ensurePointsPartition(t.deps.db, '2027-03')).toEqual({ created: true, moved: 2 });
    expect(await placement('2027-03')).toEqual({ points_records_2027_03: 2 });
    expect(await ensurePointsPartition(t.deps.db, '2027-03')).toEqual({ created: false, moved: 0 });

    // Keys keep working across the move: a repeat is still the first award, new awards land in the partition.
    expect(await award(user.id, march(9), 'part:first')).toMatchObject({ duplicate: true, recordId: first.recordId });
    expect(await findAward(t.deps.db, 'part:first')).toMatchObject({ recordId: first.recordId, seasonId: '2027-03' });
    await award(user.id, march(3));
    expect(await placement('2027-03')).toEqual({ points_records_2027_03: 3 });
  });

  it('lets awards racing the move wait for it, and loses none', async () => {
    const { user } = await t.createUser();
    await award(user.id, new Date(Date.UTC(2027, 4, 1)));
    const racing = Array.from({ length: 20 }, (_, index) => award(user.id, new Date(Date.UTC(2027, 4, 2, index))));
    const [result] = await Promise.all([ensurePointsPartition(t.deps.db, '2027-05'), ...racing]);
    expect(result.created).toBe(true);
    expect(await placement('2027-05')).toEqual({ points_records_2027_05: 21 });
  });

  it('creates a partition once when several workers try at once', async () => {
    const results = await Promise.all(Array.from({ length: 5 }, () => ensurePointsPartition(t.deps.db, '2027-04')));
    expect(results.filter((result) => result.created)).toHaveLength(1);
  });

  it('keeps the current season and the next three ready', async () => {
    const created = await ensureUpcomingPointsPartitions(t.deps, new Date(Date.UTC(2028, 10, 15)));
    expect(created).toEqual(['2028-11', '2028-12', '2029-01', '2029-02']);
    expect(await ensureUpcomingPointsPartitions(t.deps, new Date(Date.UTC(2028, 10, 15)))).toEqual([]);
  });

  it('counts one key once even when its two deliveries fall in different seasons (partitions)', async () => {
    const { user } = await t.createUser();
    const outcomes = await Promise.all([
      award(user.id, new Date(Date.UTC(2027, 2, 5)), 'part:split'),
      award(user.id, new Date(Date.UTC(2027, 3, 5)), 'part:split'),
    ]);
    expect(outcomes.map((outcome) => outcome.duplicate).sort()).toEqual([false, true]);
    expect(await t.deps.db.pointsRecord.count({ where: { idempotencyKey: 'part:split' } })).toBe(1);
  });
});

describe('the migration that partitions points_records', () => {
  const created: string[] = [];
  afterAll(async () => {
    await Promise.all(created.map(dropDatabase));
  });

  it('moves existing records into per-season partitions, keeps their ids and keys, and continues the id sequence', async () => {
    const name = uniqueName('lb_part');
    created.push(name);
    const url = await createDatabase(name);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'lb-migrations-'));
    for (const migration of await readMigrations()) {
      if (migration.name >= '20261121510000') break;
      await cp(path.join(DEFAULT_MIGRATIONS_DIR, migration.name), path.join(dir, migration.name), { recursive: true });
    }
    await applyMigrations(url, { dir });
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`INSERT INTO users (handle, display_name, password_hash, updated_at) VALUES ('old', 'Old', 'x', now())`);
      await client.query(`
        INSERT INTO points_records (user_id, type, requested, points, idempotency_key, season_id, day, occurred_at)
        SELECT 1, 'ADMIN_ADJUST', 1, 1, 'old:' || s || ':' || n, s, (s || '-01')::date, (s || '-01')::timestamptz
        FROM generate_series(1, 6) n, (VALUES ('2026-09'), ('2026-10')) seasons(s)`);
      await applyMigrations(url);

      const parts = await client.query(`
        SELECT tableoid::regclass::text AS part, count(*)::int AS n FROM points_records GROUP BY 1 ORDER BY 1`);
      expect(parts.rows).toEqual([{ part: 'points_records_2026_09', n: 6 }, { part: 'points_records_2026_10', n: 6 }]);
      const keys = await client.query(`
        SELECT count(*)::int AS n FROM points_idempotency_keys k JOIN points_records r ON r.id = k.record_id AND r.season_id = k.season_id
        WHERE k.idempotency_key = r.idempotency_key`);
      expect(keys.rows[0].n).toBe(12);
      const next = await client.query(`
        INSERT INTO points_records (user_id, type, requested, points, idempotency_key, season_id, day, occurred_at)
        VALUES (1, 'ADMIN_ADJUST', 1, 1, 'new', '2026-11', '2026-11-01', now()) RETURNING id, tableoid::regclass::text AS part`);
      expect(next.rows[0]).toEqual({ id: '13', part: 'points_records_default' });
    } finally {
      await client.end();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
