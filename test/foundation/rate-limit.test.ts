import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../support/harness.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext({ RATE_LIMIT_MUTATIONS_PER_MINUTE: '5' });
});
afterAll(async () => {
  await t.cleanup();
});

const UPDATE = 'mutation { updateProfile(input: { displayName: "Racer" }) { displayName } }';

describe('mutation rate limit', () => {
  it('lets a user make the allowed number of mutations, then answers RATE_LIMITED with a retry hint', async () => {
    const { token } = await t.createUser();
    const results = await Promise.all(Array.from({ length: 8 }, () => t.gql(UPDATE, {}, { token })));
    const limited = results.filter((result) => result.errors?.[0]?.extensions?.code === 'RATE_LIMITED');
    expect(results.filter((result) => result.data?.updateProfile)).toHaveLength(5);
    expect(limited).toHaveLength(3);
    expect(limited[0]!.errors![0]!.message).toMatch(/try again in \d+ s/);
    expect(limited[0]!.errors![0]!.extensions!.retryAfterSeconds).toBeGreaterThan(0);
  });

  it('counts each user separately and never limits queries', async () => {
    const { token } = await t.createUser();
    expect((await t.gql(UPDATE, {}, { token })).data?.updateProfile).toBeTruthy();
    const queries = await Promise.all(Array.from({ length: 10 }, () => t.gql('{ viewer { id } }', {}, { token })));
    expect(queries.every((result) => result.errors === undefined)).toBe(true);
  });
});
