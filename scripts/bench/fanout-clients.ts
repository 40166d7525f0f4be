import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/**
 * The subscribers of the fan-out benchmark, in a process of their own so
 * their CPU is not counted as the server's. Started by fanout.ts with
 * `{ url, count, query }` over IPC; opens `count` graphql-ws connections with
 * one subscription each, reports `{ ready: true }` once all are acknowledged,
 * then the running total of results received (`{ received }`), coalesced per
 * turn of the event loop. Exits when told `{ stop: true }`.
 */
interface Start {
  url: string;
  count: number;
  query: string;
}

const clients: Client[] = [];
let received = 0;
let reportQueued = false;

function report() {
  if (reportQueued) return;
  reportQueued = true;
  setImmediate(() => {
    reportQueued = false;
    process.send?.({ received });
  });
}

async function open({ url, count, query }: Start): Promise<void> {
  let acknowledged = 0;
  await Promise.all(
    Array.from({ length: count }, async () => {
      const client = createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false });
      clients.push(client);
      await new Promise<void>((resolve, reject) => {
        client.on('connected', () => resolve());
        client.on('error', reject);
      });
      client.subscribe(
        { query },
        {
          next: () => {
            received += 1;
            report();
          },
          error: (error) => process.send?.({ error: String(error) }),
          complete: () => {},
        },
      );
      acknowledged += 1;
    }),
  );
  process.send?.({ ready: acknowledged });
}

process.on('message', (message: Start | { stop: true }) => {
  if ('stop' in message) {
    // graphql-ws types dispose() as `void | Promise<void>`; the process exits once every client is closed.
    void Promise.all(clients.map(async (client) => await client.dispose())).then(() => process.exit(0));
    return;
  }
  open(message).catch((error: unknown) => process.send?.({ error: String(error) }));
});
