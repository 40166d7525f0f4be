import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { DEMO_ADMIN, DEMO_PASSWORD } from '../../prisma/seed.js';

/** Bounds, so a mistyped flag cannot leave a flood running. */
export const trafficOptionsSchema = z.object({
  url: z.url(),
  rounds: z.coerce.number().int().min(1).max(1000).default(100),
  intervalMs: z.coerce.number().int().min(0).max(10_000).default(400),
  durationS: z.coerce.number().int().min(1).max(600).default(60),
});
export type TrafficOptions = z.infer<typeof trafficOptionsSchema>;

/** What one run did: each action by outcome (`award: 40`, `join refused: 3`, …). */
export type TrafficReport = Record<string, number>;

const DEMO_HANDLES = ['ada', 'grace', 'linus', 'margaret', 'alan', 'barbara'];

interface Session {
  handle: string;
  id: string;
  token: string;
}

/**
 * Demo traffic through the public GraphQL API, as the seed's users would
 * make it: an admin awarding points, users joining and favoriting open
 * activities, checking in to ongoing ones and signing in for the day. It
 * needs a database seeded with `--seed` (the demo accounts). It stops after
 * `rounds` actions or `durationS` seconds, whichever comes first.
 */
export async function runDemoTraffic(options: TrafficOptions, random: () => number = Math.random): Promise<TrafficReport> {
  // The whole run counts, logging in included.
  const deadline = performance.now() + options.durationS * 1000;
  const endpoint = `${options.url.replace(/\/$/, '')}/graphql`;
  const report: TrafficReport = {};
  const count = (what: string) => (report[what] = (report[what] ?? 0) + 1);
  const gql = async (query: string, variables: Record<string, unknown>, token?: string) => {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as { data?: any; errors?: Array<{ message: string; extensions?: { code?: string } }> };
  };
  const logIn = async (handle: string, password: string): Promise<Session> => {
    const answer = await gql('mutation ($input: LogInInput!) { logIn(input: $input) { token user { id } } }', { input: { handle, password } });
    if (!answer.data?.logIn) throw new Error(`cannot log in as the demo user "${handle}" (is the database seeded? npm start seeds it): ${answer.errors?.[0]?.message}`);
    return { handle, id: answer.data.logIn.user.id, token: answer.data.logIn.token };
  };

  const admin = await logIn(DEMO_ADMIN.handle, DEMO_ADMIN.password);
  const users = await Promise.all(DEMO_HANDLES.map((handle) => logIn(handle, DEMO_PASSWORD)));
  const activities = async (status: string): Promise<string[]> => {
    const answer = await gql('query ($status: ActivityStatus) { activities(first: 50, filter: { status: $status }) { edges { node { id } } } }', { status });
    return (answer.data?.activities.edges ?? []).map((edge: { node: { id: string } }) => edge.node.id);
  };
  const [open, ongoing] = await Promise.all([activities('SIGNUP_OPEN'), activities('ONGOING')]);
  const pick = <T>(items: readonly T[]): T | undefined => items[Math.floor(random() * items.length)];

  /** One action; a refusal (a full activity, a second sign-in today) is counted, not fatal. */
  const act = async (): Promise<void> => {
    const user = pick(users);
    if (!user) return;
    const roll = random();
    let kind: string;
    let answer;
    if (roll < 0.55) {
      kind = 'award';
      const points = 1 + Math.floor(random() * 25);
      answer = await gql(
        'mutation ($u: ID!, $p: Int!, $k: String!) { awardPoints(userId: $u, points: $p, reason: "demo traffic", idempotencyKey: $k) { record { id } } }',
        { u: user.id, p: points, k: `simulate-${randomBytes(8).toString('hex')}` },
        admin.token,
      );
    } else if (roll < 0.75 && open.length > 0) {
      kind = 'join';
      answer = await gql('mutation ($id: ID!) { joinActivity(id: $id, waitlist: true) { id } }', { id: pick(open) }, user.token);
    } else if (roll < 0.85 && open.length + ongoing.length > 0) {
      kind = 'favorite';
      answer = await gql('mutation ($id: ID!) { favoriteActivity(id: $id) { id } }', { id: pick([...open, ...ongoing]) }, user.token);
    } else if (roll < 0.95 && ongoing.length > 0) {
      kind = 'check-in';
      answer = await gql('mutation ($id: ID!) { checkIn(activityId: $id) { id } }', { id: pick(ongoing) }, user.token);
    } else {
      kind = 'daily sign-in';
      answer = await gql('mutation { dailySignIn { points } }', {}, user.token);
    }
    count(answer.errors?.length ? `${kind} refused (${answer.errors[0]?.extensions?.code ?? 'error'})` : kind);
  };

  for (let round = 0; round < options.rounds && performance.now() < deadline; round += 1) {
    await act();
    if (options.intervalMs > 0) await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
  }
  return report;
}
