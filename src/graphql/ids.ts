import { decodeGlobalID, encodeGlobalID } from '@pothos/plugin-relay';
import { badInput } from '../lib/app-error.js';

/** The node types whose database ids clients see as opaque Relay global ids. */
export type NodeType = 'User' | 'Activity' | 'Participation' | 'Notification' | 'JobRun' | 'PointsRecord';

/**
 * Every type that implements `Node`: `node(id:)` answers BAD_USER_INPUT for
 * an id of any other type name (an id of another API, or a forged one).
 */
export const NODE_TYPES = [
  'User',
  'Activity',
  'Participation',
  'Notification',
  'JobRun',
  'PointsRecord',
  'Job',
  'Season',
  'Leaderboard',
  'LeaderboardEntry',
  'Standing',
] as const;
export type AnyNodeType = (typeof NODE_TYPES)[number];

export function encodeId(type: AnyNodeType, id: number | string | bigint): string {
  return encodeGlobalID(type, String(id));
}

/**
 * A global id split into its type and raw id, or BAD_USER_INPUT: garbage
 * (not base64 of `Type:id`) and ids of types that are no Node of this API
 * are the client's mistake, never a crash.
 */
export function parseGlobalId(globalId: string): { typename: AnyNodeType; id: string } {
  let decoded: { typename: string; id: string };
  try {
    decoded = decodeGlobalID(globalId);
  } catch {
    throw badInput(`"${truncate(globalId)}" is not an id of this API.`);
  }
  if (!(NODE_TYPES as readonly string[]).includes(decoded.typename) || decoded.id === '') {
    throw badInput(`"${truncate(globalId)}" is not an id of this API.`);
  }
  return decoded as { typename: AnyNodeType; id: string };
}

/**
 * Decodes a global id of the expected type into the database id. Anything
 * else — garbage, another type's id, a number out of range — is bad input,
 * never a crash.
 */
export function decodeId(type: NodeType, globalId: string): number {
  let decoded: { typename: string; id: string };
  try {
    decoded = decodeGlobalID(globalId);
  } catch {
    throw badInput(`"${truncate(globalId)}" is not a valid ${type} id.`);
  }
  const id = Number(decoded.id);
  if (decoded.typename !== type || !/^\d+$/.test(decoded.id) || !Number.isSafeInteger(id) || id > 2_147_483_647) {
    throw badInput(`"${truncate(globalId)}" is not a valid ${type} id.`);
  }
  return id;
}

/**
 * The raw id of a global id of `type` when `value` is one, else null: for
 * arguments that take both a global id and the plain value an older field
 * returned (e.g. `season: "2026-11"` or a Season's global id).
 */
export function rawIdOf(type: AnyNodeType, value: string): string | null {
  try {
    const decoded = decodeGlobalID(value);
    return decoded.typename === type ? decoded.id : null;
  } catch {
    return null;
  }
}

export function truncate(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}
