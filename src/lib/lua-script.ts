import { createHash } from 'node:crypto';
import { isCluster, type Redis } from '../infra/redis.js';

/** A Lua script identified by its SHA-1, so it can be sent with EVALSHA. */
export interface LuaScript {
  readonly source: string;
  readonly sha: string;
  readonly numberOfKeys: number;
}

/** One invocation of a {@link LuaScript}. */
export interface ScriptCall {
  keys: readonly string[];
  args: readonly (string | number)[];
}

/** Prepares a Lua script; nothing is sent to Redis until it runs. */
export function defineLuaScript(source: string, numberOfKeys: number): LuaScript {
  return { source, sha: createHash('sha1').update(source).digest('hex'), numberOfKeys };
}

function isNoScript(error: Error): boolean {
  return error.message.startsWith('NOSCRIPT');
}

/**
 * Runs a script once per call in a single pipeline (one round trip) and returns
 * the replies in call order. Calls Redis has no cached copy of the script for
 * (first use after a start or SCRIPT FLUSH) are re-sent with EVAL in a second
 * round trip; a NOSCRIPT reply means the script did not run, so this is safe.
 * @throws the first Redis error any call replied with.
 */
export async function runScript(redis: Redis, script: LuaScript, calls: readonly ScriptCall[]): Promise<unknown[]> {
  if (calls.length === 0) return [];
  // With auto-pipelining the client already sends the calls issued in one tick in one write, together with
  // whatever else (another request's commands) was issued then; an explicit pipeline would be a write of its own.
  if (isCluster(redis) || redis.options.enableAutoPipelining) return runEach(redis, script, calls);
  const send = async (indexes: readonly number[], mode: 'evalsha' | 'eval') => {
    const pipeline = redis.pipeline();
    for (const index of indexes) {
      const call = calls[index];
      if (!call) continue;
      const body = mode === 'evalsha' ? script.sha : script.source;
      pipeline[mode](body, script.numberOfKeys, ...call.keys, ...call.args);
    }
    const replies = await pipeline.exec();
    if (!replies || replies.length !== indexes.length) {
      throw new Error(`Redis pipeline returned ${replies?.length ?? 'no'} replies for ${indexes.length} calls`);
    }
    return replies;
  };

  const results: unknown[] = new Array(calls.length);
  const missing: number[] = [];
  const first = await send(calls.map((_call, index) => index), 'evalsha');
  first.forEach(([error, reply], index) => {
    if (error && isNoScript(error)) missing.push(index);
    else if (error) throw error;
    else results[index] = reply;
  });
  if (missing.length > 0) {
    const retried = await send(missing, 'eval');
    retried.forEach(([error, reply], position) => {
      if (error) throw error;
      results[missing[position] ?? -1] = reply;
    });
  }
  return results;
}

/**
 * Each call as a command of its own. In a cluster each goes to the node owning
 * its keys' slot (one pipeline cannot span slots); the client's
 * auto-pipelining (always on for a cluster, and on the request path's single
 * connection) still sends the calls for one node in one write.
 */
async function runEach(redis: Redis, script: LuaScript, calls: readonly ScriptCall[]): Promise<unknown[]> {
  return Promise.all(
    calls.map(async (call) => {
      try {
        return await redis.evalsha(script.sha, script.numberOfKeys, ...call.keys, ...call.args);
      } catch (error) {
        if (error instanceof Error && isNoScript(error)) return redis.eval(script.source, script.numberOfKeys, ...call.keys, ...call.args);
        throw error;
      }
    }),
  );
}
