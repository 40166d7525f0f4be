import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, TEST_PASSWORD, type TestContext } from '../support/harness.js';

let t: TestContext;
let base: string;
let browser: Browser;
let adminHandle: string;

beforeAll(async () => {
  t = await createTestContext();
  adminHandle = (await t.createUser({ role: 'ADMIN' })).user.handle;
  base = (await t.startServer()).url;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});
afterAll(async () => {
  await browser?.close();
  await t?.cleanup();
});

describe('Bull Board in a real browser', () => {
  it('signs an admin in through the form and shows the board, asking no other host for anything', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));

    await page.goto(`${base}/admin/queues`);
    await page.fill('input[name=handle]', adminHandle);
    await page.fill('input[name=password]', TEST_PASSWORD);
    await Promise.all([page.waitForURL(`${base}/admin/queues`), page.click('button[type=submit]')]);
    // The board's own UI renders its queue list from its API.
    await page.getByText('hot', { exact: false }).first().waitFor({ timeout: 20_000 });
    await page.waitForLoadState('networkidle');

    const cookies = await context.cookies(`${base}/admin/queues/`);
    const session = cookies.find((cookie) => cookie.name === 'lb_admin_token');
    expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/admin/queues' });

    const origin = new URL(base).origin;
    expect(requested.length).toBeGreaterThan(3);
    expect(requested.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith('data:'))).toEqual([]);
    await context.close();
  });
});
