/**
 * Live-update topics of the activities domain, scoped by activity id.
 * `activity:changed` is published after commit for status changes (including
 * cancellation), detail edits and counter changes; subscribers re-read the
 * activity, so the payload stays small.
 */
declare module '../../infra/pubsub.js' {
  interface TopicMap {
    'activity:changed': { activityId: number; version: number };
  }
}

export {};
