import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config.js';
import { startApp } from './app.js';
import { createDeps } from './deps.js';
import { createLogger } from './infra/logger.js';
import { startTracing } from './infra/tracing.js';
import { applyMigrations, ensureDatabase } from './infra/migrator.js';
import { stopOnSignals } from './lifecycle.js';
import { applyV8Flags } from './v8-flags.js';
import { seedDemoData } from '../prisma/seed.js';

/**
 * `main.ts` runs the API and the workers in one process by default;
 * `--api` or `--worker` runs one of them, to scale each apart.
 * `--migrate` applies pending migrations first, `--seed` seeds an empty database.
 */
async function main() {
  const { values } = parseArgs({
    options: {
      api: { type: 'boolean', default: false },
      worker: { type: 'boolean', default: false },
      migrate: { type: 'boolean', default: false },
      seed: { type: 'boolean', default: false },
    },
  });
  const roles = values.api || values.worker ? { api: values.api, worker: values.worker } : { api: true, worker: true };

  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel, { role: Object.keys(roles).filter((role) => roles[role as keyof typeof roles]).join('+') });
  // A process serving the API takes API_V8_FLAGS (also with workers beside it); a worker-only one WORKER_V8_FLAGS.
  const v8Flags = roles.api ? { flags: config.http.v8Flags, setting: 'API_V8_FLAGS' } : { flags: config.jobs.v8Flags, setting: 'WORKER_V8_FLAGS' };
  if (v8Flags.flags.length > 0) {
    applyV8Flags(v8Flags.flags);
    logger.info({ v8Flags: v8Flags.flags }, `V8 flags set (${v8Flags.setting})`);
  }

  if (values.migrate) {
    if (await ensureDatabase(config.database.url)) logger.info('created the database');
    const result = await applyMigrations(config.database.url, { log: (message) => logger.info(message) });
    logger.info({ applied: result.applied.length, alreadyApplied: result.alreadyApplied.length }, 'database migrated');
  }
  // Before anything serves requests, so every operation's spans reach the exporter.
  const tracing = startTracing(config.tracing);
  if (tracing) logger.info({ endpoint: config.tracing.otlpEndpoint }, 'tracing to OTLP');
  const deps = await createDeps(config, logger);
  if (values.seed && config.seedDemoData) await seedDemoData(deps);

  const app = await startApp(deps, roles);
  if (roles.api) logger.info(`liveboard API on ${app.url}/graphql`);
  else logger.info(`worker health on ${app.url}/healthz`);
  logger.info(`metrics on ${app.metricsUrl ?? app.url}/metrics`);
  if (roles.worker) logger.info({ workers: app.workers.length }, 'workers started');

  stopOnSignals(app, deps, logger, config.shutdownTimeoutMs, tracing ? () => tracing.shutdown() : undefined);
}

main().catch((error: unknown) => {
  process.stderr.write(`liveboard failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
