import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { runDemoTraffic, trafficOptionsSchema } from './simulate/demo-traffic.js';

const USAGE = `usage: npm run simulate -- [--url http://127.0.0.1:4000] [--rounds 100 (1-1000)] [--interval 400 (ms, 0-10000)] [--duration 60 (s, 1-600)]
Demo traffic for the live page and GraphiQL subscriptions, against a running server seeded with demo data (npm start).`;

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    rounds: { type: 'string' },
    interval: { type: 'string' },
    duration: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const parsed = trafficOptionsSchema.safeParse({
  url: values.url ?? `http://127.0.0.1:${loadConfig().http.port}`,
  rounds: values.rounds,
  intervalMs: values.interval,
  durationS: values.duration,
});
if (!parsed.success) {
  process.stderr.write(`${parsed.error.issues.map((issue) => `--${issue.path.join('.')}: ${issue.message}`).join('\n')}\n${USAGE}\n`);
  process.exit(64);
}
process.stdout.write(`simulating against ${parsed.data.url}: up to ${parsed.data.rounds} actions, one every ${parsed.data.intervalMs} ms, for at most ${parsed.data.durationS} s\n`);
try {
  const report = await runDemoTraffic(parsed.data);
  for (const [what, times] of Object.entries(report).sort()) process.stdout.write(`${what}: ${times}\n`);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exitCode = 1;
}
