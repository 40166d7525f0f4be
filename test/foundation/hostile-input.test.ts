import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { encodeId } from '../../src/graphql/ids.js';
import { createTestContext, type GraphQLResponse, type TestContext } from '../support/harness.js';

let t: TestContext;
let user: { user: { id: number }; token: string };
let admin: string;
let logged: { mock: { calls: unknown[][] } };

beforeAll(async () => {
  t = await createTestContext();
  user = await t.createUser();
  admin = (await t.createUser({ role: 'ADMIN' })).token;
  // "unexpected error in a GraphQL operation" is what a masked INTERNAL_SERVER_ERROR logs.
  logged = vi.spyOn(t.deps.logger, 'error');
});
afterAll(() => t?.cleanup());

const b64 = (text: string) => Buffer.from(text).toString('base64');
const secret = () => new TextEncoder().encode(t.config.auth.jwtSecret);

/** The one coded error of a refused operation; never a masked one. */
function refusal(result: GraphQLResponse, code: string) {
  expect(result.errors, JSON.stringify(result)).toHaveLength(1);
  expect(result.errors![0]!.extensions?.code, JSON.stringify(result)).toBe(code);
  expect(result.errors![0]!.message).not.toBe('Unexpected error.');
  return result.errors![0]!;
}

const UPDATE_PROFILE = 'mutation ($name: String!) { updateProfile(input: { displayName: $name }) { displayName } }';
const ACTIVITY = 'query ($id: ID!) { activity(id: $id) { id } }';
const CREATE = `mutation ($input: CreateActivityInput!) { createActivity(input: $input) { id } }`;

describe('hostile input', () => {
  it.each([
    ['NUL in a String variable', UPDATE_PROFILE, { name: 'bad\u0000name' }],
    ['a lone high surrogate in a String variable', UPDATE_PROFILE, { name: 'bad\uD800name' }],
    ['a lone low surrogate in a String variable', UPDATE_PROFILE, { name: '\uDC00' }],
    ['NUL in an ID variable', ACTIVITY, { id: `${encodeId('Activity', 1)}\u0000` }],
    ['NUL in a String literal', 'mutation { updateProfile(input: { displayName: "a\\u0000b" }) { displayName } }', {}],
    ['NUL in an ID literal', 'query { activity(id: "\\u0000") { id } }', {}],
    ['NUL deep in an input object', CREATE, { input: { title: 'ok', category: 'run\u0000', signupStartsAt: '2030-01-01T00:00:00Z', signupEndsAt: '2030-01-02T00:00:00Z', startsAt: '2030-01-03T00:00:00Z', endsAt: '2030-01-04T00:00:00Z' } }],
  ])('refuses %s with BAD_USER_INPUT before running anything', async (_name, query, variables) => {
    const before = { user: await t.deps.db.user.findUniqueOrThrow({ where: { id: user.user.id } }), activities: await t.deps.db.activity.count() };
    const error = refusal(await t.gql(query, variables, { token: user.token }), 'BAD_USER_INPUT');
    expect(error.message).toMatch(/NUL character or an unpaired surrogate/);
    // Nothing ran: the profile and the activities are as they were.
    expect((await t.deps.db.user.findUniqueOrThrow({ where: { id: user.user.id } })).displayName).toBe(before.user.displayName);
    expect(await t.deps.db.activity.count()).toBe(before.activities);
  });

  /** Posts an operation as a client would and returns the HTTP status with the body. */
  async function post(body: string) {
    const response = await t.yoga.fetch('http://localhost/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    return { status: response.status, result: (await response.json()) as GraphQLResponse };
  }

  it('refuses variables nested deeper than any input type with BAD_USER_INPUT, not a stack overflow', async () => {
    const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    const { status, result } = await post(`{"query":"{ __typename }","variables":{"a":${deep}}}`);
    expect(status).not.toBe(500);
    expect(refusal(result, 'BAD_USER_INPUT').message).toMatch(/nest deeper/);
  });

  it.each([
    ['an impossible Date literal', '{ hotActivities(date: "2026-02-30") { stale } }'],
    ['a Date literal in year 0', '{ hotActivities(date: "0000-01-01") { stale } }'],
    ['a number as a DateTime literal', '{ activities(filter: { startsAfter: 5 }) { edges { cursor } } }'],
  ])('answers %s with BAD_USER_INPUT, never HTTP 500', async (_name, query) => {
    const { status, result } = await post(JSON.stringify({ query }));
    expect(status).not.toBe(500);
    expect(result.errors?.[0]?.extensions?.code, JSON.stringify(result)).toBe('BAD_USER_INPUT');
  });

  it('keeps well-formed text, surrogate pairs (emoji) included', async () => {
    const result = await t.gql(UPDATE_PROFILE, { name: 'Runner 🏃 Zoë' }, { token: user.token });
    expect(result.errors).toBeUndefined();
    expect(result.data!.updateProfile.displayName).toBe('Runner 🏃 Zoë');
  });

  it('refuses NUL inside JSON job data', async () => {
    const result = await t.gql('mutation ($data: JSONObject) { runJob(name: "season.rollover", data: $data) { jobId } }', { data: { seasonId: '2026-01\u0000' } }, { token: admin });
    refusal(result, 'BAD_USER_INPUT');
  });

  it.each([
    ['year 0', '0000-06-01T00:00:00Z'],
    ['year 1969', '1969-12-31T23:59:59Z'],
    ['year 10000', '+010000-01-01T00:00:00Z'],
    ['garbage', 'next tuesday'],
  ])('refuses a DateTime of %s with BAD_USER_INPUT', async (_name, instant) => {
    const input = { title: 'Run', category: 'running', signupStartsAt: instant, signupEndsAt: '2030-01-02T00:00:00Z', startsAt: '2030-01-03T00:00:00Z', endsAt: '2030-01-04T00:00:00Z' };
    refusal(await t.gql(CREATE, { input }, { token: user.token }), 'BAD_USER_INPUT');
    const literal = `mutation { createActivity(input: { title: "Run", category: "running", signupStartsAt: "${instant}", signupEndsAt: "2030-01-02T00:00:00Z", startsAt: "2030-01-03T00:00:00Z", endsAt: "2030-01-04T00:00:00Z" }) { id } }`;
    refusal(await t.gql(literal, {}, { token: user.token }), 'BAD_USER_INPUT');
  });

  it.each(['0000-01-01', '1969-12-31', '2026-02-30'])('refuses the Date %s with BAD_USER_INPUT', async (day) => {
    refusal(await t.gql('query ($date: Date) { hotActivities(date: $date) { date } }', { date: day }), 'BAD_USER_INPUT');
    refusal(await t.gql(`query { hotActivities(date: "${day}") { date } }`), 'BAD_USER_INPUT');
  });

  it.each([
    ['garbage', 'not a cursor'],
    ['an offset cursor of another API', b64('arrayconnection:5')],
    ['a global id', encodeId('Activity', 1)],
    ['a string-valued Pothos cursor', b64('GPC:S:abc')],
    ['a cursor beyond int32', b64('GPC:N:99999999999')],
    ['a float cursor', b64('GPC:N:1e30')],
    ['a date cursor', b64('GPC:D:0')],
    ['base64 with junk appended', `${b64('GPC:N:1')}!!`],
  ])('refuses %s as a cursor with BAD_USER_INPUT', async (_name, cursor) => {
    refusal(await t.gql('query ($after: String) { activities(first: 2, after: $after) { edges { node { id } } } }', { after: cursor }), 'BAD_USER_INPUT');
    refusal(await t.gql('query ($before: String) { users(last: 2, before: $before) { edges { node { id } } } }', { before: cursor }, { token: admin }), 'BAD_USER_INPUT');
    refusal(await t.gql(`query { activities(first: 1) { edges { node { participants(first: 1, after: ${JSON.stringify(cursor)}) { totalCount } } } } }`), 'BAD_USER_INPUT');
  });

  it('accepts the cursors it hands out', async () => {
    const first = await t.gql<{ users: { edges: Array<{ cursor: string }> } }>('{ users(first: 1) { edges { cursor } } }', {}, { token: admin });
    const cursor = first.data!.users.edges[0]!.cursor;
    const next = await t.gql('query ($after: String) { users(first: 1, after: $after) { edges { node { id } } } }', { after: cursor }, { token: admin });
    expect(next.errors).toBeUndefined();
  });

  it('refuses contradictory connection arguments with BAD_USER_INPUT', async () => {
    const cursor = b64('GPC:N:1');
    refusal(await t.gql(`{ activities(after: "${cursor}", before: "${cursor}") { edges { node { id } } } }`), 'BAD_USER_INPUT');
  });

  it.each([
    ['season 0000-01', { seasonId: '0000-01' }],
    ['month 13', { seasonId: '2026-13' }],
    ['month 00', { seasonId: '2026-00' }],
    ['an unknown key', { season: '0000-01' }],
    ['a shard size out of range', { shardSize: -1 }],
  ])('refuses a rollover of %s with BAD_USER_INPUT, queueing nothing', async (_name, data) => {
    const result = await t.gql('mutation ($data: JSONObject) { runJob(name: "season.rollover", data: $data) { jobId } }', { data }, { token: admin });
    expect(refusal(result, 'BAD_USER_INPUT').extensions).toMatchObject({ field: 'data' });
    expect(await t.deps.queues.leaderboards.count()).toBe(0);
  });

  it.each([
    ['above int32 (2^40)', String(2 ** 40)],
    ['zero', '0'],
    ['negative', '-5'],
    ['in exponent form', '1e3'],
    ['padded with zeros', '0001'],
    ['not a number', 'alice'],
  ])('refuses a token whose sub is %s with UNAUTHENTICATED', async (_name, sub) => {
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setExpirationTime('1h').sign(secret());
    const error = refusal(await t.gql('{ viewer { id } }', {}, { token }), 'UNAUTHENTICATED');
    expect(error.message).toBe('Your token does not name a user.');
  });

  it('refuses a token without exp with UNAUTHENTICATED', async () => {
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(String(user.user.id)).setIssuedAt().sign(secret());
    const error = refusal(await t.gql('{ viewer { id } }', {}, { token }), 'UNAUTHENTICATED');
    expect(error.message).toMatch(/no expiry/);
  });

  it('logged no unexpected error for any of it', () => {
    const unexpected = logged.mock.calls.filter((call) => String(call[1] ?? call[0]).includes('unexpected'));
    expect(unexpected).toEqual([]);
  });
});
