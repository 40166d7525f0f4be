import type { RunningApp } from './app.js';
import type { OwnedDeps } from './deps.js';
import type { Logger } from './infra/logger.js';

/**
 * Graceful shutdown on SIGINT/SIGTERM: stop accepting requests and jobs, let
 * requests in flight and running jobs finish, close subscriptions, queues and
 * connections, then exit 0. If that takes longer than `timeoutMs` the process
 * exits 1; a job it was running is not lost: its lock expires and another
 * worker takes it over (BullMQ's stalled-job check).
 */
export function stopOnSignals(app: RunningApp, deps: OwnedDeps, logger: Logger, timeoutMs: number, flush?: () => Promise<void>): void {
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('graceful shutdown timed out; exiting');
      process.exit(1);
    }, timeoutMs);
    force.unref();
    try {
      await app.stop();
      await deps.close();
      // Spans still batched in memory (tracing) go out before the process ends.
      await flush?.();
      logger.info('stopped');
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'error during shutdown');
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}
