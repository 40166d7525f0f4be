import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';

/** Limits of one graphql-ws connection's unsent data (config `live.wsBackpressure`, docs/live-updates.md). */
export interface BackpressureLimits {
  /** Above this many bytes buffered on the socket, results wait here (newest per subscription) instead of being written. */
  sendBufferBytes: number;
  /** Buffered plus waiting bytes above this, continuously for `stallTimeoutMs`, close the connection. */
  stallBytes: number;
  stallTimeoutMs: number;
}

/**
 * 1013 "Try Again Later": graphql-ws clients treat it as retryable, so a
 * client that fell behind reconnects and re-reads the state, which is all a
 * state subscription needs.
 */
export const STALLED_CLOSE_CODE = 1013;
export const STALLED_CLOSE_REASON = 'Too slow: the connection did not read what it was sent';
/** A peer that stopped reading will not read the close frame either; its socket is destroyed after this grace. */
const TERMINATE_GRACE_MS = 2_000;

/**
 * What is sent: a whole message, or one whose tail is a Buffer shared by
 * every subscriber of the same result. A split message goes out as one
 * WebSocket message in two frames (the head, then the tail as its
 * continuation), so the shared bytes are written without a copy per socket;
 * every WebSocket client reassembles fragmented messages (RFC 6455, 5.4).
 */
export type OutgoingMessage = string | SplitMessage;

/**
 * A message in two parts. `slot` is the `next:<id>` slot of a head given as
 * bytes (the head of a subscription's `next`, encoded once); a string head
 * is looked at instead.
 */
export interface SplitMessage {
  head: string | Buffer;
  tail: Buffer;
  slot?: string;
}
/** UTF-16 length of a whole message, bytes of a shared tail: close enough for a bound, without encoding anything twice. */
const sizeOf = (message: OutgoingMessage) => (typeof message === 'string' ? message.length : message.head.length + message.tail.length);

/**
 * A `next` message as graphql-ws's stringifyMessage writes it: `id` first,
 * then `type`. Anchored, so only the head of a large message is looked at.
 * Anything that does not match is kept in order and never replaced, which is
 * always safe.
 */
const NEXT_HEAD = /^\{"id":("(?:[^"\\]|\\.)*"),"type":"next",/;

/** The slot a message may replace an older one in: the subscription's latest `next`, or the latest `pong`. */
function slotOf(data: string): string | null {
  const next = NEXT_HEAD.exec(data);
  if (next) return `next:${next[1]}`;
  if (data.startsWith('{"type":"pong"')) return 'pong';
  return null;
}

const connections = new Set<SocketBackpressure>();
const totals = { parked: 0, replaced: 0, stalledCloses: 0 };

/**
 * What every open connection holds unsent right now, and counters since the
 * process started: for tests and the benchmark (an exported function rather
 * than metrics, as only they read it).
 */
export function backpressureStats() {
  return {
    connections: [...connections].map((connection) => connection.state()),
    ...totals,
  };
}

/**
 * Back-pressure for one graphql-ws connection. Every result liveboard sends
 * is a state (a board's top N, a standing, an activity): a newer one makes an
 * older one worthless. So while the socket is behind (more than
 * `sendBufferBytes` buffered in Node), results are not written; each
 * subscription keeps only its newest unsent message here, and those are
 * written, oldest slot first, as soon as the socket has room again. A fast
 * socket never gets here: its messages are written at once, exactly as
 * without this class.
 *
 * When it has room again is learned two ways, because neither alone covers
 * every case:
 * - the write callback of each message written here: it fires once the bytes
 *   left Node, whatever the socket's high-water mark, so it is the common trigger;
 * - the underlying TCP socket's `'drain'`: frames written by ws itself (pongs
 *   to the peer's pings, the keep-alive ping) have no callback of ours, and
 *   when they are what fills the socket, only `'drain'` says it emptied
 *   (ws's WebSocket does not re-emit it). It fires whenever a write had
 *   filled the socket past its high-water mark (16 KiB), which any buffer
 *   above a `sendBufferBytes` of that size or more implies.
 *
 * Memory per connection is therefore about `sendBufferBytes` plus one
 * message per open subscription, plus control frames. What this cannot bound
 * (frames ws writes itself, one huge result) is bounded in time instead: if
 * buffered plus waiting bytes stay above `stallBytes` for `stallTimeoutMs`,
 * the connection is closed with 1013. A peer that stops reading altogether
 * is ended sooner by the keep-alive ping it never answers (graphql-ws.ts).
 */
export class SocketBackpressure {
  /** Unsent messages in the order their slots were first taken; a newer message of a slot replaces the older in place. */
  private readonly waiting = new Map<string, OutgoingMessage>();
  private waitingBytes = 0;
  private unslotted = 0;
  private stallTimer: NodeJS.Timeout | undefined;
  private readonly raw: Socket | undefined;
  private readonly flush = () => this.writeWaiting();
  /** The write callback of a message nobody waits for: one function per connection, not a closure per message. */
  private readonly written = (error?: Error) => {
    if (!error && this.waiting.size > 0) this.writeWaiting();
  };

  constructor(
    private readonly socket: WebSocket,
    private readonly limits: BackpressureLimits,
    private readonly onStalled: (detail: { bufferedBytes: number; waitingBytes: number }) => void,
  ) {
    this.raw = (socket as unknown as { _socket?: Socket })._socket;
    this.raw?.on('drain', this.flush);
    connections.add(this);
  }

  /**
   * Writes a message now, or keeps it as its slot's newest while the socket
   * is behind. Resolves once a message written now has left Node (as ws's
   * send callback says), or at once when it waits here: the caller
   * (graphql-ws's loop of one subscription) may then hand over a newer one.
   */
  send(data: OutgoingMessage): Promise<void> {
    if (this.socket.readyState !== this.socket.OPEN) return Promise.resolve();
    if (this.waiting.size === 0 && this.socket.bufferedAmount <= this.limits.sendBufferBytes) {
      return new Promise<void>((resolve, reject) => {
        this.write(data, (error) => {
          if (error) reject(error);
          else resolve();
          if (this.waiting.size > 0) this.writeWaiting();
        });
      });
    }
    this.park(data);
    this.check();
    return Promise.resolve();
  }

  /**
   * `send` for a caller that does not wait for the write (a diverted shared
   * result, graphql-ws.ts): the same choice between writing now and keeping
   * the slot's newest, without a promise per message. Nothing waiting on the
   * write is what lets a fast socket take many messages in a row; this class's
   * bound (`sendBufferBytes`, then newest per slot) is what holds a slow one.
   */
  post(data: OutgoingMessage): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    if (this.waiting.size === 0 && this.socket.bufferedAmount <= this.limits.sendBufferBytes) return this.write(data, this.written);
    this.park(data);
    this.check();
  }

  /** Re-evaluates the stall timer; also called by the keep-alive tick, for frames ws wrote itself. */
  check(): void {
    const held = this.socket.bufferedAmount + this.waitingBytes;
    if (held <= this.limits.stallBytes) {
      clearTimeout(this.stallTimer);
      this.stallTimer = undefined;
      return;
    }
    this.stallTimer ??= setTimeout(() => {
      this.stallTimer = undefined;
      if (this.socket.readyState !== this.socket.OPEN) return;
      const bufferedBytes = this.socket.bufferedAmount;
      if (bufferedBytes + this.waitingBytes <= this.limits.stallBytes) return;
      totals.stalledCloses += 1;
      this.onStalled({ bufferedBytes, waitingBytes: this.waitingBytes });
      this.socket.close(STALLED_CLOSE_CODE, STALLED_CLOSE_REASON);
      setTimeout(() => this.socket.terminate(), TERMINATE_GRACE_MS).unref();
    }, this.limits.stallTimeoutMs);
    this.stallTimer.unref();
  }

  /** What this connection holds unsent now. */
  state() {
    return { waitingMessages: this.waiting.size, waitingBytes: this.waitingBytes, bufferedBytes: this.socket.bufferedAmount };
  }

  /** The socket closed: drop what waits and stop listening. */
  dispose(): void {
    connections.delete(this);
    clearTimeout(this.stallTimer);
    this.raw?.off('drain', this.flush);
    this.waiting.clear();
    this.waitingBytes = 0;
  }

  /**
   * One message; a split one as two frames of one message, the callback on
   * the last. The TCP socket is corked around both, so their four buffers
   * (two frame headers, the head, the shared tail) leave in one `writev`
   * instead of one per frame: at 10,000 subscribers, half the system calls.
   */
  private write(data: OutgoingMessage, callback: (error?: Error) => void): void {
    if (typeof data === 'string') return this.socket.send(data, callback);
    this.raw?.cork();
    try {
      this.socket.send(data.head, { binary: false, fin: false });
      this.socket.send(data.tail, { binary: false, fin: true }, callback);
    } finally {
      this.raw?.uncork();
    }
  }

  private park(data: OutgoingMessage): void {
    totals.parked += 1;
    const slot = (typeof data === 'string' ? slotOf(data) : (data.slot ?? slotOf(String(data.head)))) ?? `#${(this.unslotted += 1)}`;
    const older = this.waiting.get(slot);
    if (older !== undefined) {
      totals.replaced += 1;
      this.waitingBytes -= sizeOf(older);
    }
    this.waiting.set(slot, data);
    this.waitingBytes += sizeOf(data);
  }

  private writeWaiting(): void {
    while (this.waiting.size > 0 && this.socket.readyState === this.socket.OPEN && this.socket.bufferedAmount <= this.limits.sendBufferBytes) {
      const [slot, data] = this.waiting.entries().next().value as [string, OutgoingMessage];
      this.waiting.delete(slot);
      this.waitingBytes -= sizeOf(data);
      this.write(data, this.written);
    }
    this.check();
  }
}
