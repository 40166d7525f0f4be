import type { Redis } from '../infra/redis.js';

/** Runs a pipeline and returns its replies in order, throwing the first error (e.g. Redis unreachable). */
export async function execPipeline(pipeline: ReturnType<Redis['pipeline']>): Promise<unknown[]> {
  const replies = await pipeline.exec();
  if (!replies) throw new Error('Redis pipeline was discarded');
  return replies.map(([error, reply]) => {
    if (error) throw error;
    return reply;
  });
}
