import type { Job } from 'bullmq';
import type { ActivityStatus } from '../../src/generated/prisma/client.js';
import { encodeId } from '../../src/graphql/ids.js';
import type { Deps } from '../../src/deps.js';
import { hotJobs } from '../../src/modules/hot/hot.jobs.js';
import type { TestContext } from '../support/harness.js';

export const HOUR = 3_600_000;

export interface ActivitySpec {
  id?: number;
  title?: string;
  category?: string;
  status?: ActivityStatus;
  publishedAt?: Date | null;
  joins?: number;
  favorites?: number;
  views?: number;
  checkIns?: number;
}

/** Inserts activities straight into PostgreSQL (the activities services live on another branch); returns their ids in order. */
export async function insertActivities(t: TestContext, organizerId: number, specs: ActivitySpec[]): Promise<number[]> {
  const base = new Date('2030-01-01T00:00:00Z').getTime();
  const rows = await t.deps.db.activity.createManyAndReturn({
    data: specs.map((spec, index) => ({
      ...(spec.id ? { id: spec.id } : {}),
      title: spec.title ?? `Activity ${index + 1}`,
      category: spec.category ?? 'running',
      organizerId,
      signupStartsAt: new Date(base),
      signupEndsAt: new Date(base + HOUR),
      startsAt: new Date(base + 2 * HOUR),
      endsAt: new Date(base + 3 * HOUR),
      status: spec.status ?? 'SIGNUP_OPEN',
      publishedAt: spec.publishedAt === undefined ? new Date('2026-11-01T00:00:00Z') : spec.publishedAt,
      participantCount: spec.joins ?? 0,
      favoriteCount: spec.favorites ?? 0,
      viewCount: spec.views ?? 0,
      checkInCount: spec.checkIns ?? 0,
    })),
    select: { id: true },
  });
  return rows.map((row) => row.id);
}

/**
 * Many activities in one statement (one JSON parameter), for the large
 * fixtures: far cheaper than an ORM bulk insert on a busy CI machine.
 */
export async function bulkInsertActivities(t: TestContext, organizerId: number, specs: ActivitySpec[]): Promise<void> {
  const rows = specs.map((spec, index) => ({
    n: index,
    title: spec.title ?? `Activity ${index + 1}`,
    category: spec.category ?? 'running',
    status: spec.status ?? 'SIGNUP_OPEN',
    published_at: (spec.publishedAt === undefined ? new Date('2026-11-01T00:00:00Z') : spec.publishedAt)?.toISOString() ?? null,
    participant_count: spec.joins ?? 0,
    favorite_count: spec.favorites ?? 0,
    view_count: spec.views ?? 0,
    check_in_count: spec.checkIns ?? 0,
  }));
  await t.deps.db.$executeRaw`
    INSERT INTO activities (title, category, organizer_id, signup_starts_at, signup_ends_at, starts_at, ends_at, status,
      published_at, participant_count, favorite_count, view_count, check_in_count, updated_at)
    SELECT r.title, r.category, ${organizerId}, '2030-01-01T00:00:00Z', '2030-01-01T01:00:00Z', '2030-01-01T02:00:00Z',
      '2030-01-01T03:00:00Z', r.status::"ActivityStatus", r.published_at, r.participant_count, r.favorite_count, r.view_count,
      r.check_in_count, now()
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(title text, category text, status text,
      published_at timestamptz, participant_count int, favorite_count int, view_count int, check_in_count int, n int)
    ORDER BY r.n`;
}

/** What a join does to the row: a participation and a counter bumped in one transaction. */
export async function simulateJoin(t: TestContext, activityId: number, userId: number): Promise<void> {
  await t.deps.db.$transaction([
    t.deps.db.participation.create({ data: { activityId, userId } }),
    t.deps.db.activity.update({ where: { id: activityId }, data: { participantCount: { increment: 1 }, version: { increment: 1 } } }),
  ]);
}

/** Runs a hot job's processor the way a worker would, with a scheduler tick when given. */
export async function runHotJob(deps: Deps, name: 'hot.recompute' | 'hot.snapshot', tick?: Date): Promise<any> {
  const handler = hotJobs.find((job) => job.name === name);
  if (!handler) throw new Error(`no job ${name}`);
  const job = { name, data: {}, opts: tick ? { prevMillis: tick.getTime() } : {}, timestamp: Date.now() } as unknown as Job;
  return handler.process(job, deps);
}

export const HOT_QUERY = /* GraphQL */ `
  query Hot($first: Int, $category: String, $date: Date) {
    hotActivities(first: $first, category: $category, date: $date) {
      computedAt
      algorithm
      stale
      date
      category
      entries { rank score activity { id title category } }
    }
  }
`;

export interface HotResult {
  computedAt: string | null;
  algorithm: string;
  stale: boolean;
  date: string | null;
  category: string | null;
  entries: Array<{ rank: number; score: number; activity: { id: string; title: string; category: string } }>;
}

export async function hot(t: TestContext, variables: { first?: number; category?: string; date?: string } = {}): Promise<HotResult> {
  const response = await t.gql<{ hotActivities: HotResult }>(HOT_QUERY, variables);
  if (response.errors) throw new Error(`hotActivities failed: ${JSON.stringify(response.errors)}`);
  return response.data!.hotActivities;
}

/** Titles in list order: the easiest order to read in a failing assertion. */
export const titles = (result: HotResult) => result.entries.map((entry) => entry.activity.title);

export const activityGid = (id: number) => encodeId('Activity', id);

export const HEAT_FIELDS = /* GraphQL */ `
  query Heat($id: ID!) {
    node(id: $id) {
      ... on Activity {
        heat
        heatRank
        heatBreakdown {
          algorithm interactionPoints timeTerm score computedAt
          items { behaviour count weight points contribution }
        }
      }
    }
  }
`;

export interface HeatFields {
  heat: number | null;
  heatRank: number | null;
  heatBreakdown: {
    algorithm: string;
    interactionPoints: number;
    timeTerm: number;
    score: number;
    computedAt: string;
    items: Array<{ behaviour: string; count: number; weight: number; points: number; contribution: number }>;
  } | null;
}

export async function heatOf(t: TestContext, id: number): Promise<HeatFields> {
  const response = await t.gql<{ node: HeatFields }>(HEAT_FIELDS, { id: activityGid(id) });
  if (response.errors) throw new Error(`heat fields failed: ${JSON.stringify(response.errors)}`);
  return response.data!.node;
}
