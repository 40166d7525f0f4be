import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { BoardOrder } from '../../generated/prisma/client.js';
import type { Deps } from '../../lib/app-deps.js';
import { Prisma } from '../../infra/prisma.js';

/**
 * Digests of archive rows, computed by PostgreSQL so that no row crosses the wire.
 *
 * - The *line digest* checks rows against the board: PostgreSQL writes each
 *   row back as the board's `ZRANGE … WITHSCORES` reply holds it
 *   (`<seq as 16 hex digits>:<user id>` and the sort score, negated for DESC)
 *   and md5s those lines in rank order; the worker md5s the raw reply. Exact,
 *   but it formats every row as text (1.3 s of PostgreSQL CPU per 1,000,000).
 * - The *fingerprint* only says whether rows changed: the sum of
 *   `hash_record_extended` (64 bits) of every (rank, user id, score, seq).
 *   Order-free, so rows digested batch by batch add up to the digest of the
 *   whole period; 0.15–0.4 s per 1,000,000 rows. A changed, missing or added
 *   row changes it (barring a 64-bit collision), so a fingerprint taken when
 *   rows were checked against the board, and found equal later, means the
 *   rows are still those that were checked.
 */

/** Sums of fingerprints: decimal strings, as PostgreSQL sums 64-bit hashes into a numeric. */
export const ROW_FINGERPRINT = Prisma.sql`hash_record_extended((rank, user_id, score, seq), 0)`;

/** One row written as the board holds it, for the line digest. */
export function boardLineOf(order: BoardOrder): Prisma.Sql {
  const sortScore = order === 'DESC' ? Prisma.sql`-score` : Prisma.sql`score`;
  return Prisma.sql`lpad(to_hex(seq), 16, '0') || ':' || user_id || ',' || ${sortScore}`;
}

/** The line digest of a `ZRANGE … WITHSCORES` reply, as PostgreSQL computes it from rows equal to it. */
export function replyDigest(reply: readonly string[]): string {
  return createHash('md5').update(reply.join(',')).digest('hex');
}

/** What PostgreSQL reports of a set of rows: how many, their line digest in rank order, their fingerprint. */
export interface RowsDigest {
  n: number;
  digest: string;
  fingerprint: string;
}

/** The select list that yields a {@link RowsDigest} from rows with the archive's columns. */
export function rowsDigestColumns(order: BoardOrder): Prisma.Sql {
  return Prisma.sql`count(*)::int AS n,
    md5(coalesce(string_agg(${boardLineOf(order)}, ',' ORDER BY rank), '')) AS digest,
    coalesce(sum(${ROW_FINGERPRINT}), 0)::text AS fingerprint`;
}

/** Adds decimal fingerprints exactly. */
export function addFingerprints(...fingerprints: readonly string[]): string {
  return fingerprints.reduce((sum, value) => sum + BigInt(value), 0n).toString();
}

/** What a copy shard vouches for: archive ranks `fromRank`..`toRank` equal the board it read, with this fingerprint. */
export interface ShardDigest {
  fromRank: number;
  toRank: number;
  rows: number;
  fingerprint: string;
}

const shardResultSchema = z.object({
  digest: z
    .object({ fromRank: z.number().int(), toRank: z.number().int(), rows: z.number().int(), fingerprint: z.string().regex(/^-?\d+$/) })
    .nullable(),
});

/**
 * The digests of a finish job's copy shards, from their return values, ranked
 * by range; null when any shard vouched for nothing (a batch whose rows
 * differed from the board) or returned something else (a shard of an older
 * version): the finish then compares every row.
 */
export function shardDigestsOf(values: readonly unknown[]): ShardDigest[] | null {
  const digests: ShardDigest[] = [];
  for (const value of values) {
    const parsed = shardResultSchema.safeParse(value);
    if (!parsed.success || parsed.data.digest === null) return null;
    digests.push(parsed.data.digest);
  }
  return digests.sort((a, b) => a.fromRank - b.fromRank);
}

/** The period's archive rows: how many, and their fingerprint. */
export async function archiveFingerprint(db: Deps['db'], month: string, ref: string): Promise<{ n: number; fingerprint: string }> {
  const [row] = await db.$queryRaw<Array<{ n: number; fingerprint: string }>>`
    SELECT count(*)::int AS n, coalesce(sum(${ROW_FINGERPRINT}), 0)::text AS fingerprint
    FROM board_archive WHERE month = ${month} AND period_ref = ${ref}`;
  return row ?? { n: 0, fingerprint: '0' };
}
