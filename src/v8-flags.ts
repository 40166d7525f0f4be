import { setFlagsFromString } from 'node:v8';

/**
 * Applies V8 flags to this process: API_V8_FLAGS (config `http.v8Flags`) in a
 * process that serves the API, WORKER_V8_FLAGS (config `jobs.v8Flags`) in a
 * worker-only one. Called at start, before any client is built:
 * `--liftoff-only` must be set before Prisma compiles its WebAssembly query
 * compiler (on the first query), and the heap policy should hold from the
 * first request or job. The default flags are read by V8 when it uses them
 * (compiling a module, sizing the heap after a collection), so setting them
 * at run time takes effect; flags V8 reads only at start
 * (`--max-old-space-size`, `--max-semi-space-size`) belong in NODE_OPTIONS
 * instead. See docs/operations.md "Processes".
 */
export function applyV8Flags(flags: readonly string[]): void {
  for (const flag of flags) setFlagsFromString(flag);
}
