import { forEachInTurns, TURN_BATCH } from '../../lib/in-turns.js';
import type { FeedHandlers } from '../../lib/push-feed.js';
import { PushIterator } from '../../lib/push-iterator.js';

/**
 * A source that hands its values over itself (lib/push-feed.ts) instead of
 * being pulled: `start` once, `stop` when nobody is left.
 */
export interface FedSource<T> {
  start(handlers: FeedHandlers<T>): void;
  stop(): Promise<unknown> | void;
}

/**
 * One source iterator read once, its values handed to many consumers. Each
 * consumer has a small buffer that keeps the newest values and drops older
 * ones, so a slow client (a full socket, a paused SSE stream) never holds up
 * the others or grows memory: for state subscriptions only the latest value
 * matters.
 */
export class Multicast<T> {
  private readonly consumers = new Set<PushIterator<T>>();
  private started = false;
  private ended = false;
  /** A fed source's delivery in turns is under way; `queued` is the newest value that came meanwhile. */
  private delivering = false;
  private queued: { value: T } | undefined;
  private endQueued: { failure?: { error: unknown } } | undefined;

  /**
   * @param source read (or fed) from the first `subscribe()` until it ends or the last consumer leaves, then returned (stopped).
   * @param onIdle called once, synchronously, when the multicast stops taking consumers.
   * @param bufferSize values kept per consumer that has not pulled yet; older ones are dropped.
   */
  constructor(
    private readonly source: AsyncIterator<T> | FedSource<T>,
    private readonly onIdle: () => void,
    private readonly bufferSize = 1,
  ) {}

  /** Consumers currently attached. */
  get size(): number {
    return this.consumers.size;
  }

  /** False once the source ended or everyone left; a closed multicast takes no one. */
  get open(): boolean {
    return !this.ended;
  }

  /** A new consumer of every value from now on. */
  subscribe(): PushIterator<T> {
    const consumer = new PushIterator<T>(this.bufferSize, (leaving) => this.leave(leaving));
    if (this.ended) {
      consumer.end();
      return consumer;
    }
    this.consumers.add(consumer);
    if (!this.started) {
      this.started = true;
      if ('start' in this.source) this.source.start({ value: (value) => this.offer(value), end: (failure) => this.fedEnd(failure) });
      else void this.pump();
    }
    return consumer;
  }

  private async pump(): Promise<void> {
    const source = this.source as AsyncIterator<T>;
    try {
      for (;;) {
        const result = await source.next();
        if (this.ended) return;
        if (result.done) break;
        await this.deliver(result.value);
      }
      this.finish();
    } catch (error) {
      this.finish({ error });
    }
  }

  /**
   * A fed value. Up to TURN_BATCH consumers (a viewer's own stream has one)
   * get it at once, with nothing left pending; more get it in turns, and a
   * value fed meanwhile waits, newest only, until every consumer has the one
   * before, so no consumer gets an older value after a newer one.
   */
  private offer(value: T): void {
    if (this.ended) return;
    if (this.delivering) {
      this.queued = { value };
      return;
    }
    if (this.consumers.size <= TURN_BATCH) {
      for (const consumer of this.consumers) consumer.push(value);
      return;
    }
    this.delivering = true;
    void this.deliverQueued(value);
  }

  private async deliverQueued(first: T): Promise<void> {
    let next: { value: T } | undefined = { value: first };
    while (next && !this.ended) {
      await this.deliver(next.value);
      next = this.queued;
      this.queued = undefined;
    }
    this.delivering = false;
    if (this.endQueued) this.finish(this.endQueued.failure);
  }

  /** A fed source ended: after the delivery under way, if any. */
  private fedEnd(failure?: { error: unknown }): void {
    if (this.delivering) this.endQueued = { failure };
    else this.finish(failure);
  }

  /**
   * Hands a value to every consumer attached now, a batch per turn of the
   * event loop (lib/in-turns.ts: what 10,000 at once would cost in memory).
   * One who leaves meanwhile is skipped (a returned iterator ignores pushes),
   * one who joins meanwhile gets the next value; the source is not read again
   * until all have this one, so a newer value waits in its coalescer.
   */
  private deliver(value: T): Promise<void> {
    return forEachInTurns([...this.consumers], (consumer) => consumer.push(value), () => this.ended);
  }

  /** The source ended or failed: every consumer gets the same ending. */
  private finish(failure?: { error: unknown }): void {
    if (this.ended) return;
    this.ended = true;
    this.onIdle();
    for (const consumer of this.consumers) consumer.end(failure);
    this.consumers.clear();
  }

  private leave(consumer: PushIterator<T>): void {
    if (!this.consumers.delete(consumer) || this.consumers.size > 0 || this.ended) return;
    this.ended = true;
    this.onIdle();
    // Returning (stopping) the source is what releases its Redis subscription or watch.
    const source = this.source;
    Promise.resolve()
      .then(() => ('start' in source ? source.stop() : source.return?.()))
      .catch(() => undefined);
  }
}
