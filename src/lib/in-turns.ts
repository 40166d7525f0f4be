import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Items handled per turn of the event loop by forEachInTurns. Handing a
 * live update to 10,000 subscribers allocates a little per subscriber (their
 * stream's step, the message, the socket write); done in one go, all of it is
 * alive at once, outlives the young generation's collections and is
 * promoted, so the old space (and the RSS) grows by hundreds of MB per burst
 * of events. In turns of this size each batch's garbage dies young before the
 * next is made, and the event loop keeps serving other sockets in between.
 */
export const TURN_BATCH = 100;

/**
 * Calls `each` for every item, TURN_BATCH per turn of the event loop (the
 * first batch at once); stops early, between turns, when `stopped()` says so.
 */
export async function forEachInTurns<T>(items: readonly T[], each: (item: T) => void, stopped: () => boolean = () => false): Promise<void> {
  for (let start = 0; start < items.length; start += TURN_BATCH) {
    if (start > 0) {
      await nextTurn();
      if (stopped()) return;
    }
    for (const item of items.slice(start, start + TURN_BATCH)) each(item);
  }
}
