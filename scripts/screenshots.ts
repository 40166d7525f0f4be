import { parseArgs } from 'node:util';
import { DEMO_ADMIN, DEMO_PASSWORD } from '../prisma/seed.js';
import { launchBrowser, openWatchedPage } from '../test/support/browser.js';

/**
 * Writes docs/live-page.png and docs/graphiql.png from a running server seeded
 * with demo data (`npm start`, then `npm run simulate` for a lively board):
 * the live page signed in as grace, and GraphiQL running `myStanding` with an
 * Authorization header after an award reached it.
 *
 *   npm run screenshots -- [--url http://127.0.0.1:4000]
 */
const { values } = parseArgs({ options: { url: { type: 'string', default: 'http://127.0.0.1:4000' } } });
const url = values.url.replace(/\/$/, '');

async function gql(query: string, variables: Record<string, unknown>, token?: string): Promise<any> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const answer = (await response.json()) as { data?: any; errors?: Array<{ message: string }> };
  if (answer.errors?.length) throw new Error(answer.errors.map((error) => error.message).join('; '));
  return answer.data;
}
const logIn = (handle: string, password: string) =>
  gql('mutation ($input: LogInInput!) { logIn(input: $input) { token user { id } } }', { input: { handle, password } }).then((data) => data.logIn);

const browser = await launchBrowser();
try {
  const admin = await logIn(DEMO_ADMIN.handle, DEMO_ADMIN.password);
  const grace = await logIn('grace', DEMO_PASSWORD);
  const award = (userId: string, points: number) =>
    gql('mutation ($u: ID!, $p: Int!, $k: String!) { awardPoints(userId: $u, points: $p, reason: "screenshot", idempotencyKey: $k) { record { id } } }', { u: userId, p: points, k: `screenshot-${Date.now()}-${points}` }, admin.token);

  const live = await openWatchedPage(browser, { viewport: { width: 1200, height: 760 } });
  await live.page.goto(`${url}/`);
  await live.page.getByRole('button', { name: 'grace', exact: true }).click();
  await live.page.locator('#me-standing', { hasText: 'points' }).waitFor();
  await award(grace.user.id, 3);
  await live.page.waitForTimeout(1_500); // let the moved rows finish their animation
  await live.page.screenshot({ path: 'docs/live-page.png' });

  const graphiql = await openWatchedPage(browser, { viewport: { width: 1200, height: 760 } });
  await graphiql.page.goto(`${url}/graphql?query=${encodeURIComponent('subscription MyStanding {\n  myStanding { rank score }\n}\n')}`);
  await graphiql.page.getByRole('button', { name: 'Headers', exact: true }).click();
  await graphiql.page.locator('.graphiql-editor-tool .graphiql-editor').filter({ visible: true }).click();
  await graphiql.page.keyboard.insertText(JSON.stringify({ Authorization: `Bearer ${grace.token}` }));
  await graphiql.page.locator('.graphiql-execute-button').click();
  await graphiql.page.waitForTimeout(1_000);
  await award(grace.user.id, 2);
  await graphiql.page.locator('.result-window', { hasText: 'myStanding' }).waitFor();
  await graphiql.page.screenshot({ path: 'docs/graphiql.png' });
  const offMachine = [...live.offMachine(), ...graphiql.offMachine()];
  if (offMachine.length > 0) throw new Error(`requests that would have left the machine: ${offMachine.join(', ')}`);
  process.stdout.write('wrote docs/live-page.png and docs/graphiql.png\n');
} finally {
  await browser.close();
}
