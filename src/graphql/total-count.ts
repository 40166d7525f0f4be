/**
 * `totalCount` of a connection object shared by several Prisma connection
 * fields: Pothos's Prisma plugin leaves the count on the connection, as a
 * number or as a function that counts (only when the field is asked for).
 */
export function resolveTotalCount(connection: object): number | Promise<number> {
  const { totalCount } = connection as { totalCount?: number | (() => number | Promise<number>) };
  return typeof totalCount === 'function' ? totalCount() : (totalCount ?? 0);
}
