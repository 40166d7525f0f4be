import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/infra/logger.js';
import { applyMigrations } from '../src/infra/migrator.js';

/** `npm run db:migrate`: applies pending migrations from prisma/migrations (see src/infra/migrator.ts). */
const config = loadConfig();
const logger = createLogger(config.logLevel);
const result = await applyMigrations(config.database.url, { log: (message) => logger.info(message) });
logger.info({ applied: result.applied, alreadyApplied: result.alreadyApplied.length }, 'migrations up to date');
