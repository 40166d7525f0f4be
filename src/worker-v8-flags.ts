import { setFlagsFromString } from 'node:v8';

/**
 * Applies WORKER_V8_FLAGS (config `jobs.v8Flags`) to this process. Called by a
 * worker-only process before it builds any client: `--liftoff-only` must be
 * set before Prisma compiles its WebAssembly query compiler (on the first
 * query), and the heap policy should hold from the first job. Both flags of
 * the default are read by V8 when it uses them (compiling a module, sizing the
 * heap after a collection), so setting them at run time takes effect; flags
 * V8 reads only at start (`--max-old-space-size`, `--max-semi-space-size`)
 * belong in NODE_OPTIONS instead. See docs/operations.md "Processes".
 */
export function applyWorkerV8Flags(flags: readonly string[]): void {
  for (const flag of flags) setFlagsFromString(flag);
}
