import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, seedDemoData } from '../../prisma/seed.js';
import { encodeId } from '../../src/graphql/ids.js';
import { launchBrowser, openWatchedPage, type WatchedPage } from '../support/browser.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { openSubscriptions, waitUntil } from '../support/live-clients.js';

let t: TestContext;
let url: string;
let browser: Browser;
let adminToken: string;
const users = new Map<string, { id: number; gid: string }>();
let awards = 0;

beforeAll(async () => {
  t = await createTestContext();
  // The page's demo sign-in needs the seed's users, as on `npm start`.
  expect(await seedDemoData(t.deps)).toBe(true);
  for (const user of await t.deps.db.user.findMany()) users.set(user.handle, { id: user.id, gid: encodeId('User', user.id) });
  adminToken = await t.deps.tokens.issue(users.get('admin')?.id ?? 0);
  url = (await t.startServer()).url;
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await t?.cleanup();
});

/** An award made over HTTP, as an admin would: the way points reach the board. */
async function award(handle: string, points: number): Promise<void> {
  awards += 1;
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
    body: JSON.stringify({
      query: 'mutation ($u: ID!, $p: Int!, $k: String!) { awardPoints(userId: $u, points: $p, reason: "browser test", idempotencyKey: $k) { record { id } } }',
      variables: { u: users.get(handle)?.gid, p: points, k: `browser-${awards}` },
    }),
  });
  const body = (await response.json()) as { errors?: unknown };
  expect(body.errors).toBeUndefined();
}

/** The top 20 of the points board as the API answers it, as the page should show it. */
async function apiBoard(): Promise<Array<{ row: string; handle: string; rank: number; score: number }>> {
  const answer = await t.gql('{ leaderboard(first: 20) { entries { rank score user { handle displayName } } } }');
  return answer.data?.leaderboard.entries.map((entry: any) => ({ row: `#${entry.rank} ${entry.user.displayName} ${entry.score}`, handle: entry.user.handle, rank: entry.rank, score: entry.score }));
}

/** The board as the page shows it: "#rank name score" per row. */
const boardRows = (watched: WatchedPage) =>
  watched.page.$$eval('#board li', (rows) => rows.map((row) => [...row.querySelectorAll('.rank, .name, .score')].map((part) => part.textContent).join(' ')));

/** Opens the page and waits until its board and hot list are subscribed (no other page is open). */
async function openLivePage(): Promise<WatchedPage> {
  const { ws: before } = await openSubscriptions(t.deps.metrics);
  expect(before).toBe(0);
  const watched = await openWatchedPage(browser);
  const response = await watched.page.goto(`${url}/`);
  expect(response?.status()).toBe(200);
  await watched.page.locator('#connection.connected').waitFor();
  await waitUntil(async () => (await openSubscriptions(t.deps.metrics)).ws === before + 2, 10_000, () => 'the page to subscribe');
  return watched;
}

/** Closes the page and waits until the server has ended its subscriptions. */
async function closePage(watched: WatchedPage): Promise<void> {
  await watched.context.close();
  await waitUntil(async () => (await openSubscriptions(t.deps.metrics)).ws === 0, 10_000, () => 'the page\'s subscriptions to end');
}

describe('the live page at /', () => {
  it('renders the current board, the hot activities and the boards to choose from, loading nothing from another machine', async () => {
    await award('ada', 30);
    await award('grace', 20);
    const expected = (await apiBoard()).map((entry) => entry.row);
    // The seed's activities gave points too; Ada's award puts her first.
    expect(expected[0]).toMatch(/^#1 Ada Lovelace \d+$/);
    const watched = await openLivePage();
    await watched.page.locator('#board li').nth(expected.length - 1).waitFor();
    expect(await boardRows(watched)).toEqual(expected);
    // The seed's boards, the built-in one first.
    const boards = await watched.page.$$eval('#board-select option', (options) => options.map((option) => (option as HTMLOptionElement).value));
    expect(boards).toEqual(['points', 'weekly-checkins', 'all-time', '5k-run']);
    await watched.page.locator('#hot li').first().waitFor();
    expect(watched.requests.length).toBeGreaterThan(2);
    expect(watched.offMachine()).toEqual([]);
    expect(watched.errors).toEqual([]);
    await closePage(watched);
  });

  it('shows an award made through the API within 1 s, with the row moved and marked', async () => {
    const watched = await openLivePage();
    await watched.page.locator('#board li').nth(1).waitFor();
    const board = await apiBoard();
    expect(board[0]?.handle).toBe('ada');
    const linus = board.find((entry) => entry.handle === 'linus')?.score ?? 0;
    const lead = (board[0]?.score ?? 0) + 50 - linus;
    const started = performance.now();
    await award('linus', lead);
    await watched.page.waitForFunction(() => document.querySelector('#board li .name')?.textContent === 'Linus Torvalds', undefined, { timeout: 5_000, polling: 'raf' });
    const elapsed = performance.now() - started;
    expect((await boardRows(watched))[0]).toBe(`#1 Linus Torvalds ${linus + lead}`);
    expect(elapsed).toBeLessThan(1_000);
    // Ada was passed: her row says she moved down one place.
    expect(await watched.page.locator('#board li', { hasText: 'Ada Lovelace' }).locator('.move.down').textContent()).toBe('▼1');
    expect(watched.offMachine()).toEqual([]);
    expect(watched.errors).toEqual([]);
    await closePage(watched);
  });

  it('signs a demo user in, shows their standing, and tells them when someone overtakes them', async () => {
    const watched = await openLivePage();
    const { ws: before } = await openSubscriptions(t.deps.metrics);
    await watched.page.getByRole('button', { name: 'grace', exact: true }).click();
    await watched.page.locator('#me-who', { hasText: 'Signed in as Grace Hopper' }).waitFor();
    await waitUntil(async () => (await openSubscriptions(t.deps.metrics)).ws === before + 1, 10_000, () => 'myStanding to be subscribed');
    await award('grace', 1); // a changed score sends the standing
    const grace = (await apiBoard()).find((entry) => entry.handle === 'grace');
    if (!grace) throw new Error('grace is not on the board');
    await watched.page.locator('#me-standing', { hasText: `#${grace.rank} with ${grace.score} points` }).waitFor({ timeout: 5_000 });
    expect(await watched.page.locator('#board li.me .name').textContent()).toBe('Grace Hopper');
    expect(await watched.page.locator('#notice').textContent()).toBe('');

    const margaret = (await apiBoard()).find((entry) => entry.handle === 'margaret');
    expect(margaret?.rank ?? Infinity).toBeGreaterThan(grace.rank);
    await award('margaret', grace.score - (margaret?.score ?? 0) + 5); // passes Grace
    await watched.page.locator('#notice', { hasText: `Overtaken! You are #${grace.rank + 1} now (were #${grace.rank}).` }).waitFor({ timeout: 5_000 });
    expect(await watched.page.locator('#me-standing').textContent()).toBe(`#${grace.rank + 1} with ${grace.score} points`);
    expect(watched.offMachine()).toEqual([]);
    expect(watched.errors).toEqual([]);
    await closePage(watched);
  });

  it('answers a wrong password with the server\'s error and stays signed out', async () => {
    const watched = await openLivePage();
    await watched.page.fill('#sign-in input[name=handle]', 'ada');
    await watched.page.fill('#sign-in input[name=password]', `${DEMO_PASSWORD}-wrong`);
    await watched.page.click('#sign-in button[type=submit]');
    await watched.page.locator('#error', { hasText: 'UNAUTHENTICATED' }).waitFor({ timeout: 5_000 });
    expect(await watched.page.locator('#signed-in').isHidden()).toBe(true);
    await closePage(watched);
  });
});
