import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'prisma/config';

const root = path.dirname(fileURLToPath(import.meta.url));

/**
 * The Prisma CLI insists on a native schema engine even for `generate`, which
 * never runs it. Where none was installed (npm 11 skips Prisma's download
 * script, and Prisma's binary server may be unreachable), point the CLI at a
 * stub that explains how to migrate instead. A real engine, when present or
 * given explicitly, is always used unchanged.
 */
function engineInstalled(): boolean {
  const enginesDir = path.join(root, 'node_modules', '@prisma', 'engines');
  return existsSync(enginesDir) && readdirSync(enginesDir).some((file) => file.startsWith('schema-engine'));
}

if (!process.env.PRISMA_SCHEMA_ENGINE_BINARY && !engineInstalled()) {
  process.env.PRISMA_SCHEMA_ENGINE_BINARY = path.join(root, 'scripts', 'no-schema-engine.sh');
}

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: {
    path: 'prisma/migrations',
    seed: 'tsx prisma/seed.ts',
  },
  datasource: {
    url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/liveboard',
  },
});
