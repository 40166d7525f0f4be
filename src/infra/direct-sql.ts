import pg from 'pg';
import type { Prisma } from './prisma.js';

/** pg's type ids of the columns whose default parsing differs from what `$queryRaw` returns. */
const INT8 = 20;
const DATE = 1082;

/**
 * Values as Prisma's `$queryRaw` returns them, so a caller reads the same row
 * either way: BIGINT as bigint (pg: a string), DATE as midnight UTC of that day
 * (pg: midnight in the process's time zone). The rest keeps pg's parsers
 * (timestamptz → Date, json → object, arrays → arrays, int → number), which
 * agree with Prisma's; NUMERIC stays a string here (Prisma: a Decimal).
 */
const parseInt8 = (value: string): bigint => BigInt(value);
const parseDate = (value: string): Date => new Date(`${value}T00:00:00Z`);
const TYPES: pg.CustomTypesConfig = {
  getTypeParser: (oid: number, format?: 'text' | 'binary'): ((value: string) => unknown) => {
    if (format !== 'binary' && oid === INT8) return parseInt8;
    if (format !== 'binary' && oid === DATE) return parseDate;
    return pg.types.getTypeParser(oid, format ?? 'text') as (value: string) => unknown;
  },
};

/**
 * Runs one `Prisma.sql` statement on the pool directly: the same text and
 * values Prisma would send, without its query pipeline (for the award
 * statement, measurably cheaper per call; docs/benchmarks.md). Errors are pg's
 * own (`code`, `constraint`), not Prisma's.
 */
export async function queryDirect<T>(pool: pg.Pool, sql: Prisma.Sql): Promise<T[]> {
  const result = await pool.query({ text: sql.text, values: sql.values, types: TYPES });
  return result.rows as T[];
}
