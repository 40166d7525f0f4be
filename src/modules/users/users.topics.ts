/** Live-update topics of the users domain, scoped by user id. */
declare module '../../infra/pubsub.js' {
  interface TopicMap {
    'user:changed': { userId: number };
  }
}

export {};
