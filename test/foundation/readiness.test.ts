import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../support/harness.js';
import { TcpProxy } from '../support/tcp-proxy.js';

const proxy = new TcpProxy({ host: '127.0.0.1', port: 6379 });
let t: TestContext;
let url: string;

beforeAll(async () => {
  const port = await proxy.start();
  t = await createTestContext({ REDIS_URL: `redis://127.0.0.1:${port}` });
  url = (await t.startServer()).url;
});
afterAll(async () => {
  await t.cleanup();
  await proxy.stop();
});

async function readiness() {
  const response = await fetch(`${url}/readyz`);
  return { status: response.status, body: (await response.json()) as { checks: Record<string, { ok: boolean }> } };
}

async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await probe();
  while (!accept(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await probe();
  }
  return value;
}

describe('/readyz', () => {
  it('is 200 while PostgreSQL and Redis answer', async () => {
    expect((await readiness()).status).toBe(200);
  });

  it('is 503 while Redis is unreachable, naming Redis, and alive stays 200', async () => {
    await proxy.stop();
    const down = await readiness();
    expect(down.status).toBe(503);
    expect(down.body.checks).toMatchObject({ redis: { ok: false }, postgres: { ok: true } });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it('is 200 again once Redis is back', async () => {
    await proxy.start(proxy.port);
    const back = await eventually(readiness, (result) => result.status === 200);
    expect(back.status).toBe(200);
  });
});
