import type { KeySpace } from '../../infra/redis.js';

/**
 * Redis keys of one board period. All share the hash tag `{lb:<ref>}`, so in
 * Redis Cluster they live in one slot and every script may touch them
 * together; different periods and boards spread over the slots.
 */
export interface BoardKeys {
  /** The sorted set: member `<seq>:<userId>` (board-entry.ts), score the sort score. */
  board: string;
  /** Hash userId → the member that user has on the board now. */
  members: string;
  /** Hash userId → version of the standing last written (kept after removal, so late writes stay refused). */
  versions: string;
  /** Sorted set of the distinct sort scores on the board (member = score as text): dense ranks. */
  scores: string;
  /** Hash score text → members holding it: lets `scores` drop a score nobody holds. */
  scoreCounts: string;
  /** String: the largest seq written to the board: the snapshot a cursor walk starts from. */
  maxSeq: string;
  /** Set while the rollover closes the period: writes are refused (see board-freeze.ts). */
  sealed: string;
  /** Present while the board is whole (see board-store.ts). */
  ready: string;
  /** The sync marker (see board-sync.ts). */
  synced: string;
}

export function boardKeys(keys: KeySpace, ref: string): BoardKeys {
  const tag = `{lb:${ref}}`;
  const key = (name: string) => keys.key(tag, name);
  return {
    board: key('board'),
    members: key('members'),
    versions: key('versions'),
    scores: key('scores'),
    scoreCounts: key('score-counts'),
    maxSeq: key('max-seq'),
    sealed: key('sealed'),
    ready: key('ready'),
    synced: key('synced'),
  };
}
