import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId } from '../../src/graphql/ids.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { seededRandom } from '../support/random.js';
import { createUsers, outcome, QUIT, seedActivity, tally } from './support.js';
import { activityEvents, joinPoints, JOIN_WAITLIST, LEAVE_WAITLIST, queueOrder, waitlistState, type ActivityEvent } from './waitlist-support.js';

let t: TestContext;
let organizerId: number;
beforeAll(async () => {
  t = await createTestContext();
  organizerId = (await t.createUser()).user.id;
});
afterAll(async () => {
  await t.cleanup();
});

/**
 * Replays an activity's events in commit order against a model of seats and
 * queue, failing at the first step that overbooks, promotes anyone but the
 * head of the queue, lets a newcomer take a seat while people wait, or queues
 * someone while a seat is free.
 */
function replay(events: ActivityEvent[], capacity: number) {
  const seats = new Set<number>();
  const queue: number[] = [];
  const promoted: number[] = [];
  for (const [index, event] of events.entries()) {
    const userId = event.payload.userId ?? -1;
    const where = `${event.type} of user ${userId} (event ${index})`;
    switch (event.type) {
      case 'activity.joined':
        if (queue.includes(userId)) {
          expect(queue[0], `promotion out of order at ${where}`).toBe(userId);
          queue.shift();
          expect(events[index + 1]?.type, `promotion without its event at ${where}`).toBe('activity.waitlistPromoted');
          promoted.push(userId);
        } else {
          expect(queue, `a newcomer jumped the queue at ${where}`).toEqual([]);
        }
        seats.add(userId);
        expect(seats.size, `overbooked at ${where}`).toBeLessThanOrEqual(capacity);
        break;
      case 'activity.waitlistPromoted':
        expect(seats.has(userId), `promoted without a seat at ${where}`).toBe(true);
        expect(events[index - 1]?.payload.userId).toBe(userId);
        break;
      case 'activity.quit':
        expect(seats.delete(userId), `quit without a seat at ${where}`).toBe(true);
        break;
      case 'activity.waitlistJoined':
        expect(seats.size, `queued while a seat was free at ${where}`).toBe(capacity);
        queue.push(userId);
        break;
      case 'activity.waitlistLeft':
        expect(queue.includes(userId), `left a queue it was not in at ${where}`).toBe(true);
        queue.splice(queue.indexOf(userId), 1);
        break;
    }
  }
  return { seats, queue, promoted };
}

const SEAT_EVENTS = ['activity.joined', 'activity.quit', 'activity.waitlistJoined', 'activity.waitlistLeft', 'activity.waitlistPromoted'];

describe('waitlist under real races (GraphQL, PostgreSQL, outbox consumers)', () => {
  it('seats 10 of 30 concurrent waitlist joins, queues 20 at positions 1..20, then keeps FIFO and capacity through 25 interleaved quits and leaves', async () => {
    const activity = await seedActivity(t, { organizerId, capacity: 10 });
    const users = await createUsers(t, 30, 'wl');
    const tokenOf = new Map(users.map(({ user, token }) => [user.id, token]));

    // Phase 1: 30 concurrent joins with waitlist: true.
    const joins = await Promise.all(users.map(({ token }) => t.gql(JOIN_WAITLIST, { id: activity.gid }, { token })));
    expect(tally(joins.map(outcome))).toEqual({ OK: 30 });
    const participations = joins.map((result) => result.data!.joinActivity as { status: string; waitlistPosition: number | null; user: { id: string } });
    expect(tally(participations.map((p) => p.status))).toEqual({ JOINED: 10, WAITLISTED: 20 });
    expect(participations.filter((p) => p.status === 'JOINED').every((p) => p.waitlistPosition === null)).toBe(true);
    const positions = participations.filter((p) => p.status === 'WAITLISTED').map((p) => p.waitlistPosition);
    expect([...positions].sort((a, b) => a! - b!)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(await waitlistState(t, activity.id)).toEqual({ participantCount: 10, joined: 10, waitlistCount: 20, waiting: 20, status: 'FULL' });

    // The recorded queue order: the database's, which is also the order of the positions handed out and of the events.
    const waitlist = await queueOrder(t, activity.id);
    const seated = new Set((await t.deps.db.participation.findMany({ where: { activityId: activity.id, status: 'JOINED' } })).map((p) => p.userId));
    const phase1 = replay(await activityEvents(t, activity.id, SEAT_EVENTS), 10);
    expect(phase1.queue).toEqual(waitlist);
    expect([...phase1.seats].sort()).toEqual([...seated].sort());
    const positionOf = new Map(participations.map((p) => [p.user.id, p.waitlistPosition]));
    expect(waitlist.map((userId) => positionOf.get(encodeId('User', userId)))).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    // Waitlisted people earn no join points; the seated earned theirs.
    for (const userId of waitlist) expect(await joinPoints(t, activity.id, userId)).toEqual([]);
    for (const userId of seated) expect((await joinPoints(t, activity.id, userId)).map((r) => r.points)).toEqual([10]);

    // Phase 2: the 10 seated and 5 of the queue quit; 10 others leave the queue; shuffled, all at once.
    const quitters = [...seated, ...[0, 3, 6, 9, 12].map((i) => waitlist[i]!)];
    const leavers = [1, 2, 4, 5, 7, 8, 10, 11, 13, 14].map((i) => waitlist[i]!);
    const random = seededRandom(14);
    const operations = [
      ...quitters.map((userId) => ({ userId, kind: 'quit' as const, query: QUIT })),
      ...leavers.map((userId) => ({ userId, kind: 'leave' as const, query: LEAVE_WAITLIST })),
    ]
      .map((op) => ({ op, key: random() }))
      .sort((a, b) => a.key - b.key)
      .map(({ op }) => op);

    // Samples committed states during the race: one statement, so counter and rows come from one snapshot.
    let racing = true;
    const samples: Array<{ participantCount: number; joined: number }> = [];
    const sampler = (async () => {
      while (racing) {
        const [row] = await t.deps.db.$queryRaw<Array<{ participantCount: number; joined: number }>>`
          SELECT a.participant_count AS "participantCount",
                 (SELECT count(*)::int FROM participations p WHERE p.activity_id = a.id AND p.status = 'JOINED') AS joined
          FROM activities a WHERE a.id = ${activity.id}`;
        samples.push(row!);
      }
    })();
    const results = await Promise.all(operations.map(({ userId, query }) => t.gql(query, { id: activity.gid }, { token: tokenOf.get(userId)! })));
    racing = false;
    await sampler;

    expect(samples.length).toBeGreaterThan(0);
    expect(samples.every((sample) => sample.participantCount <= 10 && sample.participantCount === sample.joined)).toBe(true);
    // A quit always succeeds (a queued quitter just leaves the queue); a leave fails only for someone promoted first.
    const leaveOutcomes = results.map((result, i) => ({ op: operations[i]!, code: outcome(result) }));
    expect(leaveOutcomes.filter(({ op, code }) => op.kind === 'quit' && code !== 'OK')).toEqual([]);
    expect(leaveOutcomes.filter(({ op, code }) => op.kind === 'leave' && !['OK', 'INVALID_STATE'].includes(code))).toEqual([]);

    // Every committed step, in lock order: never more than 10 seats, promotions strictly from the head of the queue.
    const events = await activityEvents(t, activity.id, SEAT_EVENTS);
    const { seats, queue, promoted } = replay(events, 10);
    const state = await waitlistState(t, activity.id);
    expect(state.participantCount).toBe(state.joined);
    expect(state.waitlistCount).toBe(state.waiting);
    expect(state.participantCount).toBe(seats.size);
    expect(await queueOrder(t, activity.id)).toEqual(queue);
    // No seat stays free while someone waits.
    if (state.waiting > 0) expect(state.participantCount).toBe(10);
    expect(state.status).toBe(state.participantCount === 10 ? 'FULL' : 'SIGNUP_OPEN');

    // The promoted are the head of the recorded order among those still waiting: with the leavers and queued quitters
    // gone, what is left of the queue is the recorded order minus the promoted and the departed, in order.
    const departed = new Set([...quitters, ...leaveOutcomes.filter(({ op, code }) => op.kind === 'leave' && code === 'OK').map(({ op }) => op.userId)]);
    expect(queue).toEqual(waitlist.filter((userId) => !promoted.includes(userId) && !departed.has(userId)));
    expect(promoted.length).toBeGreaterThanOrEqual(5);
    // A leave refused with INVALID_STATE is exactly a leaver promoted before it ran.
    for (const { op, code } of leaveOutcomes.filter(({ op }) => op.kind === 'leave')) {
      expect(code === 'INVALID_STATE').toBe(promoted.includes(op.userId));
    }

    // One waitlistPromoted per promoted user, and join points only for the promoted, dated at the promotion.
    const promotions = events.filter((event) => event.type === 'activity.waitlistPromoted');
    expect(promotions.map((event) => event.payload.userId)).toEqual(promoted);
    expect(new Set(promoted).size).toBe(promoted.length);
    for (const event of promotions) {
      const records = await joinPoints(t, activity.id, event.payload.userId!);
      const award = records[0]!;
      expect(award.participationId).toBe(event.payload.participationId);
      if (award.points === 0) {
        // Quit right after the promotion, and the quit's consumer ran before the award's (events are delivered
        // out of order): the award was voided under its key, so nothing was granted and nothing taken back.
        expect(quitters).toContain(event.payload.userId);
        expect(award.reason).toMatch(/^voided: quit /);
      } else {
        expect(award.points).toBe(10);
        expect(award.occurredAt.getTime()).toBe(event.occurredAt.getTime());
      }
      // A promoted user who then quit has the reversal too; nobody else has anything more.
      expect(records.slice(1).map((r) => r.reason)).toEqual(quitters.includes(event.payload.userId!) ? ['quit'] : []);
    }
    // Each promoted user was told exactly once (the notifications consumer of the same events), nobody else.
    const told = await t.deps.db.notification.groupBy({ by: ['userId'], where: { activityId: activity.id, kind: 'WAITLIST_PROMOTED' }, _count: true });
    expect(told.map((row) => [row.userId, row._count]).sort((x, y) => x[0]! - y[0]!)).toEqual([...promoted].sort((x, y) => x - y).map((userId) => [userId, 1]));
    for (const userId of waitlist.filter((id) => !promoted.includes(id))) {
      // Never seated: no award, no reversal, no voided award (quitting a waitlist is not `activity.quit`).
      expect(await joinPoints(t, activity.id, userId)).toEqual([]);
    }
    const quitEvents = events.filter((event) => event.type === 'activity.quit').map((event) => event.payload.userId);
    expect(quitEvents.every((userId) => seated.has(userId!) || promoted.includes(userId!))).toBe(true);
  });

  it('refuses, in the database itself, any commit with more participants than seats', async () => {
    const activity = await seedActivity(t, { organizerId, capacity: 3 });
    await expect(t.deps.db.$executeRaw`UPDATE activities SET participant_count = 4 WHERE id = ${activity.id}`).rejects.toThrow(
      /participants_within_capacity/,
    );
  });
});
