import { decodeGlobalID, encodeGlobalID } from '@pothos/plugin-relay';
import { badInput } from '../lib/app-error.js';

/** The node types whose ids clients see as opaque Relay global ids. */
export type NodeType = 'User' | 'Activity' | 'Participation' | 'Notification';

export function encodeId(type: NodeType, id: number | string): string {
  return encodeGlobalID(type, String(id));
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

function truncate(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}
