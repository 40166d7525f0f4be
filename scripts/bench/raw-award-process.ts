import { Redis } from 'ioredis';
import pg from 'pg';
import { RAW_AWARD_LUA, RAW_AWARD_SQL } from './raw-award-work.js';

/**
 * The award's essential work and nothing else, in a process of its own: one
 * SQL statement through `pg` (the record, with its idempotency key) and one
 * Lua ZINCRBY to the board (raw-award-work.ts), `concurrency` at a time for `seconds`. The floor an
 * award through the API is compared with. Prints JSON: awards, per second,
 * this process's CPU per award.
 */
const { databaseUrl, redisUrl, key, userIds, seconds, concurrency, poolSize } = JSON.parse(process.argv[2] ?? '{}') as {
  databaseUrl: string;
  redisUrl: string;
  key: string;
  userIds: number[];
  seconds: number;
  concurrency: number;
  poolSize: number;
};
const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
const redis = new Redis(redisUrl);
const tag = `raw-${process.pid}-${Date.now()}`;
const deadline = Date.now() + seconds * 1000;
const cpu = process.cpuUsage();
let count = 0;
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (Date.now() < deadline) {
      count += 1;
      const userId = userIds[count % userIds.length] as number;
      await pool.query(RAW_AWARD_SQL, [userId, `${tag}-${count}`]);
      await redis.eval(RAW_AWARD_LUA, 1, key, 1, String(userId));
    }
  }),
);
const used = process.cpuUsage(cpu);
process.stdout.write(JSON.stringify({ awards: count, awardsPerSecond: count / seconds, cpuMicrosPerAward: Math.round((used.user + used.system) / count) }));
await pool.end();
redis.disconnect();
