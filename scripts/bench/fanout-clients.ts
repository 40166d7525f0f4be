import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/**
 * The subscribers of the fan-out benchmarks, in a process of their own so
 * their CPU is not counted as the server's. Started by fanout.ts with
 * `{ url, count, query }` over IPC (optionally `tokens`, one per connection,
 * for subscriptions that need a signed-in viewer); opens `count` graphql-ws
 * connections with one subscription each, at most OPENING at a time, reports
 * `{ ready }` once all are acknowledged, then the running total of results
 * received and their receive times (`{ received, times }`, epoch ms with
 * sub-millisecond precision, comparable with the parent's clock on the same
 * machine), coalesced per turn of the event loop. Exits when told `{ stop: true }`.
 */
interface Start {
  url: string;
  count: number;
  query: string;
  tokens?: string[];
}

/**
 * Connections opened at once: thousands of simultaneous handshakes overflow
 * the server's accept backlog (511), and a dropped SYN is retried only after
 * a second, which graphql-ws (no retries here) would report as a failure.
 */
const OPENING = 200;

const clients: Client[] = [];
let received = 0;
let times: number[] = [];
let reportQueued = false;
const now = () => performance.timeOrigin + performance.now();

function report() {
  if (reportQueued) return;
  reportQueued = true;
  setImmediate(() => {
    reportQueued = false;
    process.send?.({ received, times });
    times = [];
  });
}

async function openOne(url: string, query: string, token: string | undefined): Promise<void> {
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: false,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
  });
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
        times.push(now());
        report();
      },
      error: (error) => process.send?.({ error: String(error instanceof Error ? error.message : JSON.stringify(error)) }),
      complete: () => {},
    },
  );
}

async function open({ url, count, query, tokens }: Start): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(OPENING, count) }, async () => {
      while (next < count) {
        const index = next;
        next += 1;
        await openOne(url, query, tokens?.[index]);
      }
    }),
  );
  process.send?.({ ready: count });
}

process.on('message', (message: Start | { stop: true }) => {
  if ('stop' in message) {
    // graphql-ws types dispose() as `void | Promise<void>`; the process exits once every client is closed.
    void Promise.all(clients.map(async (client) => await client.dispose())).then(() => process.exit(0));
    return;
  }
  open(message).catch((error: unknown) => process.send?.({ error: String(error instanceof Error ? error.message : JSON.stringify(error)) }));
});
