import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId } from '../../src/graphql/ids.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { FIXTURE_TABLE_SQL, TEST_JOBS, testJobs } from '../support/test-jobs.js';
import { waitFor } from '../support/wait.js';

let ctx: TestContext;
let base: string;
let admin: { id: number; token: string };

const scrape = async () => (await fetch(`${base}/metrics`)).text();
/** The value of one series, exactly as Prometheus would read it (undefined when the series is not exported). */
function value(metrics: string, series: string): number | undefined {
  const line = metrics.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}
async function gql(query: string, operationName?: string) {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}` },
    body: JSON.stringify({ query, operationName }),
  });
  return (await response.json()) as { data?: any; errors?: unknown[] };
}

beforeAll(async () => {
  ctx = await createTestContext({}, { jobHandlers: testJobs() });
  await ctx.deps.db.$executeRawUnsafe(FIXTURE_TABLE_SQL);
  const created = await ctx.createUser({ role: 'ADMIN' });
  admin = { id: created.user.id, token: created.token };
  base = (await ctx.startServer({ api: true, worker: true })).url;
});
afterAll(async () => {
  await ctx?.cleanup();
});

describe('/metrics', () => {
  it('exports the job, subscription and cache series before their first event', async () => {
    const metrics = await scrape();
    for (const outcome of ['completed', 'failed', 'stalled']) {
      expect(value(metrics, `liveboard_job_runs_total{queue="hot",job="${TEST_JOBS.yearly}",outcome="${outcome}"}`), outcome).toBe(0);
    }
    expect(value(metrics, `liveboard_job_duration_seconds_count{queue="hot",job="${TEST_JOBS.yearly}",outcome="failed"}`)).toBe(0);
    expect(value(metrics, 'liveboard_open_subscriptions{transport="ws"}')).toBe(0);
    expect(value(metrics, 'liveboard_open_subscriptions{transport="sse"}')).toBe(0);
    for (const cache of ['hot', 'leaderboard']) {
      for (const result of ['hit', 'miss', 'stale']) {
        expect(value(metrics, `liveboard_cache_lookups_total{cache="${cache}",result="${result}"}`)).toBe(0);
      }
    }
    expect(value(metrics, 'liveboard_queue_jobs{queue="hot",state="waiting"}')).toBeGreaterThanOrEqual(0);
  });

  it('counts job runs, durations and failures', async () => {
    await gql(`mutation { runJob(name: "${TEST_JOBS.yearly}") { jobId } }`);
    await gql(`mutation { runJob(name: "${TEST_JOBS.fail}") { jobId } }`);
    const metrics = await waitFor(async () => {
      const text = await scrape();
      const failures = value(text, `liveboard_job_runs_total{queue="hot",job="${TEST_JOBS.fail}",outcome="failed"}`);
      return failures === 3 && value(text, 'liveboard_queue_jobs{queue="hot",state="failed"}') === 1 ? text : undefined;
    }, { what: 'three failed attempts and the job failed in its queue' });
    expect(value(metrics, `liveboard_job_runs_total{queue="hot",job="${TEST_JOBS.yearly}",outcome="completed"}`)).toBe(1);
    expect(value(metrics, `liveboard_job_duration_seconds_count{queue="hot",job="${TEST_JOBS.yearly}",outcome="completed"}`)).toBe(1);
    expect(value(metrics, `liveboard_job_duration_seconds_count{queue="hot",job="${TEST_JOBS.fail}",outcome="failed"}`)).toBe(3);
    expect(value(metrics, `liveboard_job_runs_total{queue="hot",job="${TEST_JOBS.fail}",outcome="completed"}`)).toBe(0);
  });

  it('tracks open subscriptions', async () => {
    const abort = new AbortController();
    const stream = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: `subscription { userChanged(id: "${encodeId('User', admin.id)}") { handle } }` }),
      signal: abort.signal,
    });
    expect(stream.status).toBe(200);
    await waitFor(async () => value(await scrape(), 'liveboard_open_subscriptions{transport="sse"}') === 1, { what: 'the gauge to count the stream' });
    abort.abort();
    await waitFor(async () => value(await scrape(), 'liveboard_open_subscriptions{transport="sse"}') === 0, { what: 'the gauge to drop' });
  });

  it('counts a subscription refused when opened once, under phase subscribe', async () => {
    const series = 'liveboard_graphql_errors_total{operation_type="subscription",root_field="myStanding",phase="subscribe"}';
    const before = value(await scrape(), series) ?? 0;
    // No token: myStanding needs a signed-in user, so the subscription is refused with an error instead of a stream.
    const response = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: 'subscription { myStanding { rank } }' }),
    });
    expect(await response.text()).toContain('UNAUTHENTICATED');
    expect(value(await scrape(), series)).toBe(before + 1);
  });

  it('measures HTTP requests and GraphQL operations', async () => {
    await gql('query JobNames { jobs { name } }', 'JobNames');
    const metrics = await scrape();
    expect(value(metrics, 'liveboard_http_request_duration_seconds_count{route="/graphql",method="POST",status="200"}')).toBeGreaterThanOrEqual(1);
    // Labelled by operation type and root field, never by the client's operation name.
    expect(value(metrics, 'liveboard_graphql_request_duration_seconds_count{operation_type="query",root_field="jobs"}')).toBe(1);
    expect(value(metrics, 'liveboard_graphql_execute_duration_seconds_count{operation_type="query",root_field="jobs"}')).toBe(1);
    expect(metrics).not.toContain('JobNames');
  });
});
