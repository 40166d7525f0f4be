import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { problemsOf } from '../support/config.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Every `JWT_SECRET: value` / `JWT_SECRET=value` written out in the repository's compose file and docs (not `${JWT_SECRET…}` or `$(…)`). */
function publishedSecrets(): string[] {
  const files = ['docker-compose.yml', 'README.md', ...readdirSync(path.join(ROOT, 'docs')).map((file) => `docs/${file}`)];
  return files.flatMap((file) =>
    [...readFileSync(path.join(ROOT, file), 'utf8').matchAll(/(?<!\$\{)JWT_SECRET\s*[:=]\s*["']?([^\s"'`$][^\s"'`]*)/g)].map((match) => match[1]!),
  );
}

describe('configuration', () => {
  it('has safe development defaults', () => {
    const config = loadConfig({});
    expect(config.http.port).toBe(4000);
    expect(config.database.url).toBe('postgresql://postgres@127.0.0.1:5432/liveboard');
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.timeZone).toBe('UTC');
    expect(config.graphiql).toBe(true);
    expect(config.auth.jwtSecret?.length).toBeGreaterThanOrEqual(32);
  });

  it('uses one Redis by default and a cluster when REDIS_CLUSTER_NODES lists its seed nodes', () => {
    expect(loadConfig({}).redis.clusterNodes).toBeNull();
    expect(loadConfig({ REDIS_CLUSTER_NODES: '10.0.0.1:7000,redis-b.internal:7001' }).redis.clusterNodes).toEqual([
      { host: '10.0.0.1', port: 7000 },
      { host: 'redis-b.internal', port: 7001 },
    ]);
    for (const bad of ['10.0.0.1', 'redis://10.0.0.1:7000', '10.0.0.1:7000,', 'a b:7000', '10.0.0.1:70000']) {
      expect(problemsOf({ REDIS_CLUSTER_NODES: bad })).toEqual([expect.stringContaining('REDIS_CLUSTER_NODES')]);
    }
  });

  it('reads and converts every variable', () => {
    const config = loadConfig({
      PORT: '8080',
      APP_TIMEZONE: 'Asia/Shanghai',
      LOG_LEVEL: 'debug',
      GRAPHIQL: 'false',
      JWT_SECRET: 'x'.repeat(40),
      REDIS_PREFIX: 'prod:eu',
    });
    expect(config).toMatchObject({
      http: { port: 8080 },
      timeZone: 'Asia/Shanghai',
      logLevel: 'debug',
      graphiql: false,
      auth: { jwtSecret: 'x'.repeat(40) },
      redis: { prefix: 'prod:eu' },
    });
  });

  it('names each bad variable with a clear reason', () => {
    const problems = problemsOf({
      PORT: 'abc',
      DATABASE_URL: 'mysql://localhost/db',
      REDIS_URL: 'localhost:6379',
      APP_TIMEZONE: 'Mars/Olympus',
      LOG_LEVEL: 'loud',
      JWT_SECRET: 'short',
      GRAPHIQL: 'maybe',
    });
    expect(problems).toHaveLength(7);
    expect(problems.find((p) => p.startsWith('PORT'))).toMatch(/must be a number.*"abc"/);
    expect(problems.find((p) => p.startsWith('DATABASE_URL'))).toMatch(/postgresql:\/\//);
    expect(problems.find((p) => p.startsWith('REDIS_URL'))).toMatch(/redis:\/\//);
    expect(problems.find((p) => p.startsWith('APP_TIMEZONE'))).toMatch(/IANA time zone.*"Mars\/Olympus"/);
    expect(problems.find((p) => p.startsWith('LOG_LEVEL'))).toMatch(/"loud"/);
    expect(problems.find((p) => p.startsWith('JWT_SECRET'))).toMatch(/at least 32 characters/);
    expect(problems.find((p) => p.startsWith('JWT_SECRET'))).not.toMatch(/short/);
    expect(problems.find((p) => p.startsWith('GRAPHIQL'))).toMatch(/true or false/);
  });

  it('checks the persisted-operation and tracing variables', () => {
    const defaults = loadConfig({});
    expect(defaults.persistedQueries).toEqual({ apqCacheBytes: 8_388_608, trustedDocumentsFile: undefined });
    expect(defaults.tracing).toEqual({ enabled: false, otlpEndpoint: undefined, serviceName: 'liveboard' });
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).tracing.enabled).toBe(true);
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', TRACING: 'false' }).tracing.enabled).toBe(false);
    expect(loadConfig({ TRUSTED_DOCUMENTS_FILE: path.join(ROOT, 'package.json') }).persistedQueries.trustedDocumentsFile).toBe(path.join(ROOT, 'package.json'));
    const problems = problemsOf({
      TRUSTED_DOCUMENTS_FILE: path.join(ROOT, 'no-such-manifest.json'),
      OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
      APQ_CACHE_BYTES: '-1',
      TRACING: 'sometimes',
    });
    expect(problems).toHaveLength(4);
    expect(problems.find((p) => p.startsWith('TRUSTED_DOCUMENTS_FILE'))).toMatch(/readable file/);
    expect(problems.find((p) => p.startsWith('OTEL_EXPORTER_OTLP_ENDPOINT'))).toMatch(/URL/);
    expect(problems.find((p) => p.startsWith('OTEL_EXPORTER_OTLP_ENDPOINT'))).not.toMatch(/collector/);
  });

  it('rejects a port out of range', () => {
    expect(problemsOf({ PORT: '70000' })).toEqual(['PORT must be 0 (any free port) to 65535 (got "70000")']);
  });

  it('requires a real secret in production', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual([
      'JWT_SECRET is required in production (or set JWT_JWKS_URL)',
    ]);
    const secret = randomBytes(32).toString('base64');
    const config = loadConfig({ NODE_ENV: 'production', JWT_SECRET: secret });
    expect(config.graphiql).toBe(false);
    expect(config.auth.jwtSecret).toBe(secret);
  });

  it('refuses the development default and every example secret in production', () => {
    const examples = [
      'liveboard-development-secret-change-me-0123456789',
      'change-me-to-a-long-random-secret-of-32+chars',
      'change-me-to-at-least-32-characters-long',
      ...publishedSecrets(),
    ];
    for (const secret of examples) {
      const problems = problemsOf({ NODE_ENV: 'production', JWT_SECRET: secret });
      expect(problems, secret).toHaveLength(1);
      expect(problems[0]).toMatch(/^JWT_SECRET .*random string of 32\+ characters/);
      expect(problems[0]).not.toContain(secret);
    }
    // Outside production they still work, so local setups copied from the docs run.
    expect(loadConfig({ JWT_SECRET: examples[1]! }).auth.jwtSecret).toBe(examples[1]);
  });

  it('refuses obviously weak secrets in production, but not random ones', () => {
    for (const secret of ['s'.repeat(32), 'abcabcabcabcabcabcabcabcabcabcabc', 'CHANGE_ME_NOW_PLEASE_0123456789abcdef', 'my-password-is-long-enough-0123456789']) {
      expect(problemsOf({ NODE_ENV: 'production', JWT_SECRET: secret })[0], secret).toMatch(/^JWT_SECRET (uses only|looks like a placeholder)/);
    }
    for (let i = 0; i < 50; i++) {
      const secret = randomBytes(16).toString('hex');
      expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: secret }).auth.jwtSecret).toBe(secret);
    }
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '' }).http.port).toBe(4000);
  });
});
