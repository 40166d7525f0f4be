import http from 'node:http';
import { parseArgs } from 'node:util';

/**
 * The container's health check: `node dist/scripts/healthcheck.js [--api|--worker] [--ready]`.
 * Exits 0 when the liveboard process in this container answers, 1 otherwise.
 *
 * An API (or API + workers) process serves `/healthz` on PORT, a worker-only
 * process on WORKER_HTTP_PORT. `--api` or `--worker` picks the port; without
 * either, PORT is asked first and WORKER_HTTP_PORT only when nothing listens
 * on PORT, which is right because a container runs one liveboard process.
 * `--ready` asks `/readyz` (PostgreSQL and Redis reachable) instead of
 * `/healthz` (the process answers).
 *
 * Deliberately free of the app's modules and configuration parsing: it runs
 * every few seconds and must stay cheap.
 */
const { values } = parseArgs({
  options: {
    api: { type: 'boolean', default: false },
    worker: { type: 'boolean', default: false },
    ready: { type: 'boolean', default: false },
    timeout: { type: 'string', default: '2000' },
  },
});

const apiPort = Number(process.env.PORT || 4000);
const workerPort = Number(process.env.WORKER_HTTP_PORT || 4001);
const listenHost = process.env.HOST || '0.0.0.0';
/** A wildcard listen address is reached on loopback; a specific one only on itself. */
const host = ['0.0.0.0', '::', '[::]'].includes(listenHost) ? '127.0.0.1' : listenHost;
const path = values.ready ? '/readyz' : '/healthz';
const timeoutMs = Number(values.timeout);

type Probe = { ok: true } | { ok: false; refused: boolean; reason: string };

function probe(port: number): Promise<Probe> {
  return new Promise((resolve) => {
    const req = http.get({ host, port, path, timeout: timeoutMs }, (res) => {
      res.resume();
      const ok = res.statusCode === 200;
      resolve(ok ? { ok } : { ok, refused: false, reason: `${path} on port ${port} answered ${res.statusCode}` });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ ok: false, refused: error.code === 'ECONNREFUSED', reason: `${path} on port ${port}: ${error.message}` }),
    );
  });
}

let result: Probe;
if (values.worker && !values.api) result = await probe(workerPort);
else if (values.api) result = await probe(apiPort);
else {
  result = await probe(apiPort);
  if (!result.ok && result.refused) {
    const first = result.reason;
    result = await probe(workerPort);
    if (!result.ok) result = { ...result, reason: `${first}; ${result.reason}` };
  }
}
if (!result.ok) process.stderr.write(`unhealthy: ${result.reason}\n`);
process.exit(result.ok ? 0 : 1);
