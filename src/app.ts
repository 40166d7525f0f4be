import type { AddressInfo } from 'node:net';
import type { Worker } from 'bullmq';
import type { Deps } from './infra/deps.js';
import { registerSchedulers, startWorkers } from './infra/queues.js';
import { createYogaServer } from './graphql/yoga.js';
import { createHttpServer, type HttpServer } from './http/server.js';
import { jobHandlers } from './jobs.js';

export interface RunningApp {
  /** Base URL of the API, when it runs in this process. */
  url?: string;
  workers: Worker[];
  /** Graceful stop: no new requests or jobs; in-flight ones finish; subscriptions close. */
  stop(): Promise<void>;
}

/** Starts the API, the workers, or both, on already-built dependencies. */
export async function startApp(deps: Deps, roles: { api: boolean; worker: boolean }, port = deps.config.http.port): Promise<RunningApp> {
  let http: HttpServer | undefined;
  let url: string | undefined;
  if (roles.api) {
    http = createHttpServer(deps, createYogaServer(deps));
    await new Promise<void>((resolve, reject) => {
      http!.server.once('error', reject);
      http!.server.listen(port, deps.config.http.host, () => resolve());
    });
    const address = http.server.address() as AddressInfo;
    url = `http://${address.family === 'IPv6' ? 'localhost' : '127.0.0.1'}:${address.port}`;
  }

  let workers: Worker[] = [];
  if (roles.worker) {
    await registerSchedulers(deps.queues, jobHandlers, deps.config.timeZone);
    workers = startWorkers({
      handlers: jobHandlers,
      deps,
      connection: () => deps.blockingConnection(),
      prefix: `${deps.config.redis.prefix}:bull`,
      logger: deps.logger.child({ component: 'worker' }),
    });
  }

  return {
    url,
    workers,
    async stop() {
      // Order matters: stop taking work first, then let what is running finish.
      await Promise.all([http?.close(), ...workers.map((worker) => worker.close())]);
    },
  };
}
