import type { Deps } from '../lib/app-deps.js';

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref()),
  ]);
}

export interface Readiness {
  ready: boolean;
  checks: Record<'postgres' | 'redis', { ok: boolean; error?: string }>;
}

/** Ready means both stores answer now; a load balancer stops routing here while either does not. */
export async function checkReadiness(deps: Pick<Deps, 'db' | 'redis'>, timeoutMs = 1_000): Promise<Readiness> {
  const probe = async (check: () => Promise<unknown>) => {
    try {
      await withTimeout(check(), timeoutMs);
      return { ok: true };
    } catch (error) {
      return { ok: false, error: (error as Error).message };
    }
  };
  const [postgres, redis] = await Promise.all([
    probe(() => deps.db.$queryRaw`SELECT 1`),
    probe(() => deps.redis.ping()),
  ]);
  return { ready: postgres.ok && redis.ok, checks: { postgres, redis } };
}
