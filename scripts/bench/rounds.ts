import type { LoadSpec } from './load-process.js';
import { runLoad, type ServerProcess } from './processes.js';

/** One timed run of one side of a comparison. */
export interface RunResult {
  opsPerSecond: number;
  p99Ms: number | null;
  /** CPU of the process doing the work, per operation, in µs. */
  cpuMicrosPerOp: number;
  errors: number;
}

export interface Side {
  label: string;
  run(seconds: number): Promise<RunResult>;
}

/** An HTTP side: load from its own process, CPU read from the server's process before and after. */
export function httpSide(label: string, server: ServerProcess, spec: Omit<LoadSpec, 'url' | 'seconds'>): Side {
  return {
    label,
    async run(seconds) {
      const before = await server.cpuMicros();
      const load = await runLoad({ ...spec, url: server.url, seconds });
      const used = (await server.cpuMicros()) - before;
      return {
        opsPerSecond: load.requestsPerSecond,
        p99Ms: load.p99Ms,
        cpuMicrosPerOp: load.requests > 0 ? Math.round(used / load.requests) : 0,
        errors: load.errors,
      };
    },
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Median with the spread (lowest–highest) of the runs. */
export interface Summary {
  median: number;
  min: number;
  max: number;
}

export function summarize(values: number[]): Summary {
  return { median: Math.round(median(values) * 100) / 100, min: Math.min(...values), max: Math.max(...values) };
}

export interface SideSummary {
  label: string;
  opsPerSecond: Summary;
  p99Ms: Summary | null;
  cpuMicrosPerOp: Summary;
  errors: number;
}

/**
 * Runs any number of sides in turns (each once per round, in the order given)
 * after one short warm-up each; returns medians and spreads per side, and for
 * every side after the first its ratio to each earlier side: of the medians,
 * and the spread of the per-round ratios.
 */
export async function inTurns(sides: Side[], options: { rounds?: number; seconds?: number; warmupSeconds?: number } = {}) {
  const rounds = options.rounds ?? 3;
  const seconds = options.seconds ?? 5;
  for (const side of sides) await side.run(options.warmupSeconds ?? 2);
  const runs: RunResult[][] = sides.map(() => []);
  for (let round = 0; round < rounds; round += 1) {
    for (const [index, side] of sides.entries()) runs[index]?.push(await side.run(seconds));
  }
  const summaries = sides.map((side, index) => summarizeSide(side.label, runs[index] ?? []));
  const ratios: Array<{ of: string; to: string; ratio: number; spread: { min: number; max: number } }> = [];
  for (let subject = 1; subject < sides.length; subject += 1) {
    for (let base = 0; base < subject; base += 1) {
      const perRound = (runs[subject] ?? []).map((result, i) => result.opsPerSecond / (runs[base]?.[i] as RunResult).opsPerSecond);
      ratios.push({
        of: (sides[subject] as Side).label,
        to: (sides[base] as Side).label,
        ratio: Math.round(((summaries[subject] as SideSummary).opsPerSecond.median / (summaries[base] as SideSummary).opsPerSecond.median) * 100) / 100,
        spread: { min: Math.round(Math.min(...perRound) * 100) / 100, max: Math.round(Math.max(...perRound) * 100) / 100 },
      });
    }
  }
  return { runs, sides: summaries, ratios };
}

function summarizeSide(label: string, results: RunResult[]): SideSummary {
  const p99s = results.map((result) => result.p99Ms).filter((value): value is number => value !== null);
  return {
    label,
    opsPerSecond: summarize(results.map((result) => result.opsPerSecond)),
    p99Ms: p99s.length > 0 ? summarize(p99s) : null,
    cpuMicrosPerOp: summarize(results.map((result) => result.cpuMicrosPerOp)),
    errors: results.reduce((sum, result) => sum + result.errors, 0),
  };
}

/**
 * Runs baseline and subject in turns (baseline, subject, baseline, …) after
 * one short warm-up each, so slow drifts of a shared machine hit both sides
 * alike; returns medians and spreads per side and the ratios of the medians.
 */
export async function interleaved(
  baseline: Side,
  subject: Side,
  options: { rounds?: number; seconds?: number; warmupSeconds?: number } = {},
) {
  const rounds = options.rounds ?? 3;
  const seconds = options.seconds ?? 5;
  await baseline.run(options.warmupSeconds ?? 2);
  await subject.run(options.warmupSeconds ?? 2);
  const runs: { baseline: RunResult[]; subject: RunResult[] } = { baseline: [], subject: [] };
  for (let round = 0; round < rounds; round += 1) {
    runs.baseline.push(await baseline.run(seconds));
    runs.subject.push(await subject.run(seconds));
  }
  const base = summarizeSide(baseline.label, runs.baseline);
  const subj = summarizeSide(subject.label, runs.subject);
  // Per round too, so the spread of the ratio itself is visible.
  const roundRatios = runs.subject.map((result, i) => result.opsPerSecond / (runs.baseline[i] as RunResult).opsPerSecond);
  return {
    runs,
    baseline: base,
    subject: subj,
    ratio: Math.round((subj.opsPerSecond.median / base.opsPerSecond.median) * 100) / 100,
    ratioSpread: { min: Math.round(Math.min(...roundRatios) * 100) / 100, max: Math.round(Math.max(...roundRatios) * 100) / 100 },
    p99Ratio: subj.p99Ms && base.p99Ms ? Math.round((subj.p99Ms.median / base.p99Ms.median) * 100) / 100 : null,
  };
}
