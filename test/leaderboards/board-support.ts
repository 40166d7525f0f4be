import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config.js';
import { createBlockingRedis, createKeySpace, type KeySpace, type Redis } from '../../src/infra/redis.js';
import { deleteKeys, redisEnv } from '../support/redis-target.js';
import type { BoardOrder } from '../../src/generated/prisma/client.js';
import type { BoardTarget } from '../../src/modules/leaderboards/board-definition.js';
import { boardKeys } from '../../src/modules/leaderboards/board-keys.js';
import type { RankedStanding, RankMode } from '../../src/modules/leaderboards/board-source.js';

export const RANK_MODES: readonly RankMode[] = ['ORDINAL', 'COMPETITION', 'DENSE'];

/** A Redis client of this run's Redis (one server or the cluster) and a key space under a random prefix, removed by close(). */
export async function openRedis(): Promise<{ redis: Redis; keys: KeySpace; close: () => Promise<void> }> {
  // Queues commands until connected (the request-path client would refuse the first ping).
  const redis = createBlockingRedis(loadConfig(redisEnv()).redis);
  await redis.ping();
  const prefix = `test:${randomBytes(6).toString('hex')}`;
  return {
    redis,
    keys: createKeySpace(prefix),
    close: async () => {
      await redis.quit();
      await deleteKeys(`*${prefix}:*`);
    },
  };
}

let refCounter = 0;
/** A fresh board period target. */
export function newTarget(order: BoardOrder, name = 'b'): BoardTarget {
  refCounter += 1;
  return { ref: `${name}-${refCounter}/2099-01`, order, archiveMonth: '2099-01', layout: null };
}

/** Marks a board period whole, as its creation or a finished rebuild does. */
export async function markReady(redis: Redis, keys: KeySpace, target: BoardTarget): Promise<void> {
  await redis.set(boardKeys(keys, target.ref).ready, '1');
}

/** A ranked standing as the test knows it. */
export interface Held {
  userId: number;
  score: number;
  seq: bigint;
}

/**
 * The board computed by brute force: sorted by the rule (best score first,
 * then lower seq), with ranks counted from the definition of each mode.
 */
export function bruteForce(order: BoardOrder, held: readonly Held[], mode: RankMode): RankedStanding[] {
  const better = (a: number, b: number) => (order === 'DESC' ? a > b : a < b);
  const sorted = [...held].sort((a, b) => (a.score !== b.score ? (better(a.score, b.score) ? -1 : 1) : a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));
  return sorted.map((entry, index) => {
    const betterScores = sorted.filter((other) => better(other.score, entry.score));
    const rank = mode === 'ORDINAL' ? index + 1 : mode === 'COMPETITION' ? betterScores.length + 1 : new Set(betterScores.map((other) => other.score)).size + 1;
    return { userId: entry.userId, rank, position: index + 1, score: entry.score, seq: entry.seq.toString() };
  });
}
