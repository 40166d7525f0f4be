import { readFileSync } from 'node:fs';
import type { Job } from 'bullmq';
import { loadConfig } from '../../src/config.js';
import { createDeps } from '../../src/deps.js';
import { createLogger } from '../../src/infra/logger.js';
import { jobHandlers } from '../../src/jobs.js';
import { applyV8Flags } from '../../src/v8-flags.js';

/**
 * One job run in a process of its own, as a worker runs it (the same handler,
 * dependencies built from the environment, NODE_ENV=production, the worker's
 * V8 flags from WORKER_V8_FLAGS), without the
 * schedulers and self-heal a whole worker starts beside it, so the process's
 * peak memory and CPU are the job's own plus startup. Tells the parent over
 * IPC what the run took: wall time, CPU (process.cpuUsage), resident memory
 * once started (before the job) and the peak (VmHWM), and the job's result.
 */
const rssOf = (field: 'VmRSS' | 'VmHWM') =>
  Math.round(Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) / 1024);

const [name = '', data = '{}'] = process.argv.slice(2);
const handler = jobHandlers.find((candidate) => candidate.name === name);
if (!handler) throw new Error(`no job ${name}`);
const config = loadConfig(process.env);
// As a worker-only process sets them (src/main.ts), before any client exists.
applyV8Flags(config.jobs.v8Flags);
const deps = await createDeps(config, createLogger('silent'));
const idleRssMb = rssOf('VmRSS');
const cpu = process.cpuUsage();
const started = performance.now();
const job = { id: 'bench', name, data: JSON.parse(data) as unknown, opts: {}, timestamp: Date.now(), attemptsMade: 0 } as Job;
const result = await handler.process(job, deps);
const ms = Math.round(performance.now() - started);
const used = process.cpuUsage(cpu);
process.send?.({ ms, cpuMs: Math.round((used.user + used.system) / 1000), idleRssMb, peakRssMb: rssOf('VmHWM'), result });
await deps.close();
process.disconnect?.();
