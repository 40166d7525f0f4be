import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openWatchedPage } from '../support/browser.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { openSubscriptions, waitUntil } from '../support/live-clients.js';
import { AWARD_POINTS, player } from '../live/live-support.js';

let t: TestContext;
let url: string;
let browser: Browser;
beforeAll(async () => {
  t = await createTestContext();
  url = (await t.startServer()).url;
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await t?.cleanup();
});

describe('GraphiQL', () => {
  it('runs myStanding with the Authorization header of its Headers tab and shows the event an award sends', async () => {
    const me = await player(t);
    const admin = await t.createUser({ role: 'ADMIN' });
    const watched = await openWatchedPage(browser);
    const { page } = watched;
    const query = 'subscription { myStanding { rank score } }';
    await page.goto(`${url}/graphql?query=${encodeURIComponent(query)}`);
    await page.locator('.graphiql-execute-button').waitFor();

    // The Headers tab, typed as a user would (inserted whole, so the editor adds no closing brackets).
    await page.getByRole('button', { name: 'Headers', exact: true }).click();
    await page.locator('.graphiql-editor-tool .graphiql-editor').filter({ visible: true }).click();
    await page.keyboard.insertText(JSON.stringify({ Authorization: `Bearer ${me.token}` }));

    const { ws: before } = await openSubscriptions(t.deps.metrics);
    await page.locator('.graphiql-execute-button').click();
    await waitUntil(async () => (await openSubscriptions(t.deps.metrics)).ws === before + 1, 10_000, () => 'GraphiQL to subscribe');
    const award = await t.gql(AWARD_POINTS, { userId: me.gid, points: 12, key: 'graphiql-browser-1' }, { token: admin.token });
    expect(award.errors).toBeUndefined();

    const response = page.locator('.result-window');
    await response.getByText('"score": 12').waitFor({ timeout: 10_000 });
    // The editor shows the JSON with non-breaking spaces.
    const shown = ((await response.textContent()) ?? '').replace(/\s+/g, ' ');
    expect(JSON.parse(shown)).toEqual({ data: { myStanding: { rank: 1, score: 12 } } });
    expect(watched.offMachine()).toEqual([]);
    await watched.context.close();
  });
});
