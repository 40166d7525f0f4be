import type { ExecutionResult } from 'graphql';
import { describe, expect, it } from 'vitest';
import { fedExecutions } from '../../src/graphql/live/fed-executions.js';
import { Multicast, type FedSource } from '../../src/graphql/live/multicast.js';
import type { FeedHandlers } from '../../src/lib/push-feed.js';
import { TURN_BATCH } from '../../src/lib/in-turns.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** A feed the test drives by hand, and whether its stream was returned. */
function manualFeed() {
  const state: { handlers?: FeedHandlers<unknown>; stopped: number } = { stopped: 0 };
  const feed = (handlers: FeedHandlers<unknown>) => void (state.handlers = handlers);
  const stop = () => ((state.stopped += 1), Promise.resolve());
  return { state, feed, stop };
}

/** A fed source of plain numbers, driven by hand. */
function numbers(): { source: FedSource<number>; emit: (value: number) => void; state: { stopped: number } } {
  const state = { stopped: 0 };
  let handlers: FeedHandlers<number> | undefined;
  return {
    source: { start: (given) => void (handlers = given), stop: () => void (state.stopped += 1) },
    emit: (value) => handlers!.value(value),
    state,
  };
}

describe('fedExecutions', () => {
  it('runs one execution at a time and, of the values fed meanwhile, executes only the newest, in order', async () => {
    const { state, feed, stop } = manualFeed();
    const executed: unknown[] = [];
    const pending: Array<(result: ExecutionResult) => void> = [];
    const source = fedExecutions(feed, stop, (event) => {
      executed.push(event);
      // Every execution here is asynchronous, like one with an async resolver.
      return new Promise<ExecutionResult>((resolve) => pending.push(resolve));
    });
    const out: unknown[] = [];
    let ended = false;
    source.start({ value: (result) => out.push(result.data), end: () => (ended = true) });

    state.handlers!.value(1);
    state.handlers!.value(2);
    state.handlers!.value(3);
    expect(executed).toEqual([1]);
    pending.shift()!({ data: { n: 1 } });
    await tick();
    // 2 was replaced by 3 before it could run.
    expect(executed).toEqual([1, 3]);
    state.handlers!.end();
    expect(ended).toBe(false);
    pending.shift()!({ data: { n: 3 } });
    await tick();
    expect(out).toEqual([{ n: 1 }, { n: 3 }]);
    // The ending waits for the execution under way.
    expect(ended).toBe(true);
  });

  it('hands a synchronous result on at once, and a failed execution ends the stream and returns the source', async () => {
    const { state, feed, stop } = manualFeed();
    const source = fedExecutions(feed, stop, (event) => {
      if (event === 'bad') throw new Error('execution failed');
      return { data: { event } };
    });
    const out: unknown[] = [];
    const endings: unknown[] = [];
    source.start({ value: (result) => out.push(result.data), end: (failure) => endings.push(failure) });
    state.handlers!.value('a');
    expect(out).toEqual([{ event: 'a' }]);
    state.handlers!.value('bad');
    state.handlers!.value('c');
    await tick();
    expect(out).toEqual([{ event: 'a' }]);
    expect(endings).toEqual([{ error: new Error('execution failed') }]);
    expect(state.stopped).toBe(1);
  });
});

describe('Multicast of a fed source', () => {
  it('never gives a consumer an older value after a newer one while a delivery goes out in turns', async () => {
    const { source, emit } = numbers();
    const multicast = new Multicast<number>(source, () => {});
    const seen: number[][] = [];
    for (let index = 0; index < TURN_BATCH + 50; index += 1) {
      const log: number[] = [];
      seen.push(log);
      multicast.subscribe().divert((value) => (log.push(value), true));
    }
    emit(1);
    // The first TURN_BATCH have 1; the rest get it on the next turn. 2 and 3 come meanwhile: 3 waits, 2 is dropped.
    expect(seen.filter((log) => log.length === 1)).toHaveLength(TURN_BATCH);
    emit(2);
    emit(3);
    for (let turn = 0; turn < 5; turn += 1) await tick();
    for (const log of seen) expect(log).toEqual([1, 3]);
  });

  it('skips a consumer that left mid-delivery and stops the source when the last one leaves', async () => {
    const { source, emit, state } = numbers();
    let idle = 0;
    const multicast = new Multicast<number>(source, () => (idle += 1));
    const logs: number[][] = [];
    const consumers = Array.from({ length: TURN_BATCH + 1 }, () => {
      const log: number[] = [];
      logs.push(log);
      const consumer = multicast.subscribe();
      consumer.divert((value) => (log.push(value), true));
      return consumer;
    });
    emit(1);
    // The last consumer has not been handed 1 yet; it leaves before the next turn.
    await consumers.at(-1)!.return();
    for (let turn = 0; turn < 3; turn += 1) await tick();
    expect(logs.at(-1)).toEqual([]);
    expect(logs[0]).toEqual([1]);
    await Promise.all(consumers.map((consumer) => consumer.return()));
    await tick();
    expect(state.stopped).toBe(1);
    expect(idle).toBe(1);
    expect(multicast.open).toBe(false);
  });
});
