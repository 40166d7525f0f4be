/**
 * Live-update topics of the notifications domain, scoped by the recipient's
 * user id: one channel per inbox, so a publish reaches only that user's streams.
 */
declare module '../../infra/pubsub.js' {
  interface TopicMap {
    'notification:added': { userId: number; notificationId: number };
  }
}

export {};
