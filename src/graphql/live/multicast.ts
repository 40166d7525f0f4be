import { forEachInTurns } from '../../lib/in-turns.js';
import { PushIterator } from '../../lib/push-iterator.js';

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

  /**
   * @param source read from the first `subscribe()` until it ends or the last consumer leaves, then returned.
   * @param onIdle called once, synchronously, when the multicast stops taking consumers.
   * @param bufferSize values kept per consumer that has not pulled yet; older ones are dropped.
   */
  constructor(
    private readonly source: AsyncIterator<T>,
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
      void this.pump();
    }
    return consumer;
  }

  private async pump(): Promise<void> {
    try {
      for (;;) {
        const result = await this.source.next();
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
    // Returning the source is what releases its Redis subscription.
    Promise.resolve()
      .then(() => this.source.return?.())
      .catch(() => undefined);
  }
}
