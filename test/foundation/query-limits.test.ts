import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../support/harness.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext({ MAX_QUERY_DEPTH: '6', MAX_QUERY_COMPLEXITY: '200' });
});
afterAll(() => t?.cleanup());

/** Activity → participants → participation → activity → … nested `levels` times. */
function nested(levels: number): string {
  let selection = 'id';
  for (let i = 0; i < levels; i += 1) selection = `participants(first: 1) { edges { node { activity { ${selection} } } } }`;
  return `{ activities(first: 1) { edges { node { ${selection} } } } }`;
}

describe('query limits', () => {
  it('refuses a query deeper than MAX_QUERY_DEPTH with BAD_USER_INPUT, before running it', async () => {
    const result = await t.gql(nested(3));
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toMatch(/depth is \d+, above the limit of 6/);
    expect(result.data ?? null).toBeNull();
  });

  it('refuses a query costlier than MAX_QUERY_COMPLEXITY with BAD_USER_INPUT', async () => {
    const wide = `{ ${Array.from({ length: 30 }, (_, i) => `a${i}: activities(first: 100) { edges { node { id title } } }`).join(' ')} }`;
    const result = await t.gql(wide);
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toMatch(/complexity is \d+, above the limit of 200/);
  });

  it('lets a query within the limits through', async () => {
    const result = await t.gql('{ activities(first: 5) { edges { node { id title } } } }');
    expect(result.errors).toBeUndefined();
    expect(result.data!.activities.edges).toEqual([]);
  });
});
