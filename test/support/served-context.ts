import { afterAll, beforeAll } from 'vitest';
import { createTestContext, type TestContext } from './harness.js';

/** A test context whose API server is listening, at `url`. */
export interface ServedTestContext extends TestContext {
  readonly url: string;
}

/**
 * The setup most HTTP-level test files share: one test context for the file,
 * its real API server started in `beforeAll`, everything cleaned up in
 * `afterAll`. The returned object stands for the context once `beforeAll`
 * has run (a proxy, since hooks run after the module body that declares it),
 * so tests write `t.gql(…)` and `t.url` as with a context of their own.
 */
export function serveTestContext(...args: Parameters<typeof createTestContext>): ServedTestContext {
  let served: ServedTestContext | undefined;
  beforeAll(async () => {
    const context = await createTestContext(...args);
    served = Object.assign(context, { url: (await context.startServer()).url });
  });
  afterAll(async () => {
    await served?.cleanup();
  });
  return new Proxy({} as ServedTestContext, {
    get(_target, key) {
      if (!served) throw new Error('The served test context is used before its beforeAll hook ran');
      return Reflect.get(served, key) as unknown;
    },
  });
}
