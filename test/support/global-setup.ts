import { execFileSync } from 'node:child_process';
import type { TestProject } from 'vitest/node';
import { applyMigrations } from '../../src/infra/migrator.js';
import { createDatabase, dropDatabase, uniqueName } from './databases.js';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabase: string;
  }
}

/**
 * Builds the live page and migrates one template database per test run; each test file then clones it
 * (CREATE DATABASE … TEMPLATE), which takes milliseconds instead of a migration run.
 */
export default async function setup(project: TestProject) {
  // The live page the servers under test serve at `/`, bundled from web/ as `npm start` does (well under a second).
  execFileSync(process.execPath, ['scripts/build-web.mjs'], { stdio: 'inherit' });
  const template = uniqueName('lb_tpl');
  const url = await createDatabase(template);
  await applyMigrations(url);
  project.provide('templateDatabase', template);
  return async () => {
    await dropDatabase(template);
  };
}
