import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLoaders } from '../../src/graphql/context-factory.js';
import { createTestContext, type TestContext } from '../support/harness.js';

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => {
  await ctx?.cleanup();
});

describe('request loaders (made on first use)', () => {
  it('gives one loader per request, so loads in one tick share a batch, and a fresh one per request', async () => {
    const loaders = createLoaders(ctx.deps, null);
    // A getter that made a new DataLoader on every read would defeat batching and caching.
    expect(loaders.users).toBe(loaders.users);
    expect(loaders.viewerFlags).toBe(loaders.viewerFlags);
    expect(loaders.hotActivities).toBe(loaders.hotActivities);
    expect(createLoaders(ctx.deps, null).users).not.toBe(loaders.users);

    const [a, b] = await Promise.all([ctx.createUser(), ctx.createUser()]);
    const users = await Promise.all([loaders.users.load(a.user.id), loaders.users.load(b.user.id), loaders.users.load(-1)]);
    expect(users.map((user) => user?.id ?? null)).toEqual([a.user.id, b.user.id, null]);
  });
});
