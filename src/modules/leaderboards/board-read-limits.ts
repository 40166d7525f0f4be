/** Checks of read arguments shared by every BoardSource, so all sources refuse the same input. */

/** Most users one standings read takes. */
export const MAX_STANDINGS_USERS = 1000;

function check(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
}

/** @throws RangeError unless offset and limit are non-negative integers. */
export function checkPage(offset: number, limit: number): void {
  check('offset', offset);
  check('limit', limit);
}

/** @throws RangeError unless limit is a non-negative integer. */
export function checkCursorPage(limit: number): void {
  check('limit', limit);
}

/** @throws RangeError unless radius is a non-negative integer. */
export function checkRadius(radius: number): void {
  check('radius', radius);
}

/** @throws RangeError for more than {@link MAX_STANDINGS_USERS} users. */
export function checkUserIds(userIds: readonly number[]): void {
  if (userIds.length > MAX_STANDINGS_USERS) throw new RangeError(`At most ${MAX_STANDINGS_USERS} users per standings read, got ${userIds.length}`);
}
