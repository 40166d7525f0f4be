import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { queryDirect } from '../../src/infra/direct-sql.js';
import { createPrisma, poolOf, Prisma, type Db } from '../../src/infra/prisma.js';
import { createDatabase, dropDatabase, uniqueName } from '../support/databases.js';
import { waitFor } from '../support/wait.js';

/**
 * A statement sent straight to the pool (the award statement, see
 * points.service.ts) reads back exactly what `$queryRaw` returns for it, so
 * the code reading the row cannot tell the paths apart.
 */

let db: Db;
let dbName: string;
let url: string;

beforeAll(async () => {
  dbName = uniqueName('lb_direct');
  url = await createDatabase(dbName, inject('templateDatabase'));
  db = createPrisma({ url, poolSize: 2 });
});

afterAll(async () => {
  await db.$disconnect();
  await dropDatabase(dbName);
});

const statement = () => Prisma.sql`
  SELECT ${9_007_199_254_740_993n}::bigint AS big, ${'2026-12-31'}::date AS day, ${new Date('2026-12-31T23:30:00.123Z')}::timestamptz AS at,
         json_build_object('ref', 'points/2026-12', 'seq', 12::bigint) AS changes, ARRAY['a/1', 'b/2'] AS refs,
         ${7}::int AS points, NULL::text AS reason, 'ADMIN_ADJUST'::"PointsType" AS type, true AS ranked`;

describe('queryDirect', () => {
  it('returns the values $queryRaw returns: bigint, a DATE as midnight UTC, Dates, json, arrays, enums', async () => {
    const pool = poolOf(db);
    expect(pool).toBeDefined();
    // A process time zone far from UTC: pg's own DATE parser would answer local midnight (a day off in UTC).
    const zone = process.env.TZ;
    process.env.TZ = 'Pacific/Kiritimati';
    try {
      const direct = await queryDirect(pool!, statement());
      const viaPrisma = await db.$queryRaw(statement());
      expect(direct).toEqual(viaPrisma);
      expect(direct).toEqual([
        {
          big: 9_007_199_254_740_993n,
          day: new Date('2026-12-31T00:00:00.000Z'),
          at: new Date('2026-12-31T23:30:00.123Z'),
          changes: { ref: 'points/2026-12', seq: 12 },
          refs: ['a/1', 'b/2'],
          points: 7,
          reason: null,
          type: 'ADMIN_ADJUST',
          ranked: true,
        },
      ]);
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it('prepares a statement once per text: the values of each call are its own, and distinct texts past the limit still run', async () => {
    const pool = poolOf(db)!;
    const same = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => queryDirect<{ n: number }>(pool, Prisma.sql`SELECT ${n}::int * 2 AS n`, { prepare: true })));
    expect(same.map(([row]) => row?.n)).toEqual([2, 4, 6, 8, 10, 12]);
    // Each text its own statement (one name for two texts would fail in PostgreSQL); 40 is past the 32 kept by name.
    const distinct = await Promise.all(
      Array.from({ length: 40 }, (_, i) => queryDirect<{ n: number }>(pool, Prisma.sql`SELECT ${i}::int + ${Prisma.raw(String(i))} AS n`, { prepare: true })),
    );
    expect(distinct.map(([row]) => row?.n)).toEqual(Array.from({ length: 40 }, (_, i) => 2 * i));
  });

  it('has no pool for a transaction client: statements inside a transaction stay on its connection', async () => {
    const inside = await db.$transaction(async (tx) => ({ pool: poolOf(tx), rows: await tx.$queryRaw`SELECT 1 AS one` }));
    expect(inside).toEqual({ pool: undefined, rows: [{ one: 1 }] });
  });

  it('survives an idle connection dying before Prisma ever connected (PostgreSQL restarted): the next statement reconnects', async () => {
    // A client Prisma never used: only the pool made in createPrisma listens for its idle connections' errors.
    const fresh = createPrisma({ url, poolSize: 1 });
    try {
      const pool = poolOf(fresh)!;
      const [{ pid } = { pid: 0 }] = await queryDirect<{ pid: number }>(pool, Prisma.sql`SELECT pg_backend_pid() AS pid`);
      expect(pool.idleCount).toBe(1);
      await db.$queryRaw`SELECT pg_terminate_backend(${pid}::int)`;
      // The pool drops the dead connection on its 'error' (an emit with no listener would be an uncaught exception).
      await waitFor(() => pool.idleCount === 0, { what: 'the pool to drop its dead connection' });
      const [again] = await queryDirect<{ pid: number }>(pool, Prisma.sql`SELECT pg_backend_pid() AS pid`);
      expect(again?.pid).not.toBe(pid);
    } finally {
      await fresh.$disconnect();
    }
  });
});
