import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAward } from '../../src/modules/points/points.service.js';
import { createTestContext, type TestContext } from '../support/harness.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(() => t?.cleanup());

const BOARD = '{ leaderboard(first: 5) { entries { user { displayName } } } }';
const names = async () => ((await t.gql(BOARD)).data!.leaderboard.entries as Array<{ user: { displayName: string } }>).map((e) => e.user.displayName);

describe('user names on boards', () => {
  it('come from the process cache, and a profile change shows at once on this instance', async () => {
    const { user, token } = await t.createUser({ displayName: 'Before' });
    await recordAward(t.deps, { userId: user.id, type: 'ADMIN_ADJUST', points: 5, idempotencyKey: 'cache:1', occurredAt: new Date() });
    expect(await names()).toEqual(['Before']);
    const renamed = await t.gql('mutation { updateProfile(input: { displayName: "After" }) { displayName } }', {}, { token });
    expect(renamed.errors).toBeUndefined();
    expect(await names()).toEqual(['After']);
  });
});
