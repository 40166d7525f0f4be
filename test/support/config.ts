import { ConfigError, loadConfig } from '../../src/config.js';

/** The problems loadConfig reports for `env`; fails the test if the configuration is accepted. */
export function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be rejected');
}
