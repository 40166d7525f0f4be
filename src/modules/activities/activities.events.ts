import type { ActivityStatus } from '../../generated/prisma/client.js';

/** The four boundary times as ISO strings: outbox payloads are JSON. */
export interface BoundaryTimesPayload {
  signupStartsAt: string;
  signupEndsAt: string;
  startsAt: string;
  endsAt: string;
}

/** A participation-level event: who did what with which seat. */
export interface ParticipationEventPayload {
  activityId: number;
  userId: number;
  participationId: number;
}

/**
 * Domain events of the activities domain, written to the outbox in the same
 * transaction as the change and delivered after commit. `occurredAt` is the
 * event time: the boundary time for clock-driven status changes, so a late
 * job still dates ENDED at `endsAt`.
 */
declare module '../outbox/event-bus.js' {
  interface DomainEventMap {
    'activity.published': { activityId: number; organizerId: number; category: string };
    /** Details or times changed; `previousTimes` is set when the times did, so their jobs are re-planned. */
    'activity.updated': { activityId: number; version: number; previousTimes: BoundaryTimesPayload | null };
    /** A seat was taken: by a join, or by a promotion from the waitlist (then with `activity.waitlistPromoted`). */
    'activity.joined': ParticipationEventPayload;
    /** The seat is freed; the participation row no longer exists. Never emitted for leaving a waitlist. */
    'activity.quit': ParticipationEventPayload;
    /** The user queued for a seat of a full activity: the participation is WAITLISTED. */
    'activity.waitlistJoined': ParticipationEventPayload;
    /** The user left the waitlist (leaveWaitlist, or quitActivity while waitlisted); the row no longer exists. */
    'activity.waitlistLeft': ParticipationEventPayload;
    /** A freed seat went to the first in line: the same participation is now JOINED (with `activity.joined`). */
    'activity.waitlistPromoted': ParticipationEventPayload;
    /** Sign-ups ended (status `to`) with people still waiting: their WAITLISTED rows were removed. */
    'activity.waitlistClosed': { activityId: number; to: ActivityStatus; userIds: number[] };
    'activity.checkedIn': ParticipationEventPayload;
    'activity.favorited': { activityId: number; userId: number };
    'activity.unfavorited': { activityId: number; userId: number };
    /** A counted view (at most one per viewer, activity and local day); `userId` is null for anonymous clients. */
    'activity.viewed': { activityId: number; userId: number | null };
    /** Every status change, clock-driven or not, with the version it produced (ENDED included). */
    'activity.statusChanged': { activityId: number; from: ActivityStatus; to: ActivityStatus; version: number };
    'activity.cancelled': { activityId: number; reason: string | null; participantIds: number[] };
  }
}

/**
 * Events after which an activity's status, details or counts differ: what
 * `activityChanged` subscribers and the hot boards both follow.
 */
export const ACTIVITY_CHANGE_EVENTS = [
  'activity.statusChanged',
  'activity.updated',
  'activity.joined',
  'activity.quit',
  'activity.checkedIn',
  'activity.favorited',
  'activity.unfavorited',
  'activity.viewed',
] as const;

/**
 * Events that change only the waitlist (`waitlistCount`, and `version`): `activityChanged`
 * subscribers follow them, the hot boards need not (heat counts seats only).
 */
export const WAITLIST_CHANGE_EVENTS = ['activity.waitlistJoined', 'activity.waitlistLeft'] as const;
