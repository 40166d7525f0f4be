/**
 * `activity.waitlistPromoted` is emitted by the waitlist work (another
 * branch). It is declared here, in a file of its own, so the two branches do
 * not both declare it in their main files: at merge, keep exactly one
 * declaration (delete this file if the waitlist module declares it).
 */
declare module '../outbox/event-bus.js' {
  interface DomainEventMap {
    /** A waitlisted person got a seat; `participationId` is their (now seated) participation. */
    'activity.waitlistPromoted': { activityId: number; userId: number; participationId: number };
  }
}

export {};
