import { createHash } from 'node:crypto';
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
 * Statement texts sent as named prepared statements, with their names. A
 * statement built from a few fixed shapes (the award's: capped or not,
 * reversal, adjustment) is parsed once per connection instead of on every
 * call; past this many distinct texts the rest go unnamed, so a caller
 * building unbounded texts cannot fill PostgreSQL's sessions with them.
 */
const MAX_PREPARED = 32;
const prepared = new Map<string, string>();

function preparedName(text: string): string | undefined {
  const known = prepared.get(text);
  if (known !== undefined || prepared.size >= MAX_PREPARED) return known;
  const name = `direct_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
  prepared.set(text, name);
  return name;
}

/**
 * Runs one `Prisma.sql` statement on the pool directly: the same text and
 * values Prisma would send, without its query pipeline (for the award
 * statement, measurably cheaper per call; docs/benchmarks.md). `prepare`
 * sends it as a named prepared statement (see preparedName). Errors are pg's
 * own (`code`, `constraint`), not Prisma's.
 */
export async function queryDirect<T>(pool: pg.Pool, sql: Prisma.Sql, options: { prepare?: boolean } = {}): Promise<T[]> {
  const text = sql.text;
  const name = options.prepare ? preparedName(text) : undefined;
  const result = await pool.query({ text, values: sql.values, types: TYPES, ...(name ? { name } : {}) });
  return result.rows as T[];
}
