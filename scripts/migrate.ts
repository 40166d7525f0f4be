import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/infra/logger.js';
import { applyMigrations, ensureDatabase } from '../src/infra/migrator.js';

/** `npm run db:migrate`: applies pending migrations from prisma/migrations (see src/infra/migrator.ts). */
const config = loadConfig();
const logger = createLogger(config.logLevel);
if (await ensureDatabase(config.database.url)) logger.info('created the database');
const result = await applyMigrations(config.database.url, { log: (message) => logger.info(message) });
logger.info({ applied: result.applied, alreadyApplied: result.alreadyApplied.length }, 'migrations up to date');
