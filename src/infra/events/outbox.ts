import { isAfter, type DomainEvent, type EventBus, type EventStore } from '../../domain/events.js';

export interface OutboxRelayOptions {
  store: EventStore & { prune(olderThan: Date, keep: number): Promise<number> };
  bus: EventBus;
  /** Retention: events older than this many seconds go (0 keeps any age). */
  maxAgeSeconds: number;
  /** Retention: at most this many newest events are kept (0 keeps any number). */
  maxCount: number;
  /** How often retention runs. */
  pruneIntervalMs: number;
  /**
   * How long an id missing below newer ones is waited for before it is skipped. With several writers
   * (instances on PostgreSQL) ids are taken when a transaction inserts, not when it commits, so id 7 can
   * commit after 8 is visible; waiting keeps delivery in id order. A gap that outlives the wait was a
   * rolled-back transaction (sequences do not give ids back) and is skipped. 0 skips gaps at once.
   */
  gapWaitMs?: number;
  now?: () => number;
  onError: (err: unknown, what: string) => void;
}

/** Rows read per publishing step. */
const BATCH = 500;
/** Events published before letting other work run: subscribers drain their queues between chunks, so a burst is not an overflow. */
const CHUNK = 32;
/** How often a pass waiting on a gap looks again. */
const GAP_RETRY_MS = 25;

const nextId = (id: string) => (BigInt(id) + 1n).toString();

/**
 * Outbox → bus. After each commit it reads the outbox past the last id it
 * published and publishes those rows in id order, one pass at a time.
 * Reading back rather than publishing what the committing call holds keeps
 * the order right when commits finish close together (each pass publishes
 * everything committed so far, in id order, and nothing twice). At start
 * the cursor is the newest stored id: what was committed before belongs to
 * replay (subscribers resume from the outbox by id), not to live delivery.
 *
 * Several instances: each runs its own relay with its own cursor. A
 * commit on another instance arrives as a `nudge` (over Redis); the relay
 * then reads the outbox as after a local commit, so event bodies always come
 * from the outbox, every instance publishes in id order, and a lost nudge
 * only delays delivery until the next one. Ids are expected to be
 * consecutive; a missing one is waited for (`gapWaitMs`) and then skipped.
 *
 * It also owns retention: a timer (unref'd, stopped at shutdown) prunes
 * events past the configured age and count.
 */
export class OutboxRelay {
  private cursor = '0';
  private pass: Promise<void> = Promise.resolve();
  private dirty = false;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** The cursor at which a gap was first seen, and when. */
  private gap: { at: string; since: number } | undefined;
  private gapTimer: NodeJS.Timeout | undefined;

  constructor(private readonly o: OutboxRelayOptions) {}

  async start(): Promise<void> {
    this.cursor = await this.o.store.head();
    if (this.o.pruneIntervalMs > 0 && (this.o.maxAgeSeconds > 0 || this.o.maxCount > 0)) {
      this.timer = setInterval(() => void this.prune(), this.o.pruneIntervalMs);
      this.timer.unref();
    }
  }

  /** Called after a commit that recorded events. */
  committed(events: readonly DomainEvent[]): void {
    if (this.stopped || !events.some((e) => isAfter(e.id, this.cursor))) return;
    this.dirty = true;
    if (!this.running) this.pass = this.drain();
  }

  /** Another instance committed up to `id` (or something, when absent): read the outbox again. */
  nudge(id?: string): void {
    if (this.stopped || (id !== undefined && !isAfter(id, this.cursor))) return;
    this.dirty = true;
    if (!this.running) this.pass = this.drain();
  }

  /** The id of the last event published here. */
  get position(): string {
    return this.cursor;
  }

  /** Resolves when everything committed so far has been published. */
  flushed(): Promise<void> {
    return this.pass;
  }

  async prune(): Promise<number> {
    try {
      const now = this.o.now?.() ?? Date.now();
      const olderThan = this.o.maxAgeSeconds > 0 ? new Date(now - this.o.maxAgeSeconds * 1000) : new Date(0);
      return await this.o.store.prune(olderThan, this.o.maxCount > 0 ? this.o.maxCount : Number.MAX_SAFE_INTEGER);
    } catch (err) {
      this.o.onError(err, 'pruning the outbox failed');
      return 0;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.gapTimer);
    await this.pass;
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.dirty && !this.stopped) {
        this.dirty = false;
        for (;;) {
          const rows = await this.o.store.read({ after: this.cursor, limit: BATCH });
          for (const [n, event] of rows.entries()) {
            if (n > 0 && n % CHUNK === 0) await new Promise((resolve) => setImmediate(resolve));
            // The gap's timer nudges again; until then later commits only mark the relay dirty.
            if (this.waitForGap(event.id)) return;
            this.cursor = event.id;
            this.o.bus.publish(event);
          }
          if (rows.length < BATCH) break;
        }
      }
    } catch (err) {
      // Nothing is lost: the events are stored, subscribers replay them by id; the next commit retries.
      this.dirty = true;
      this.o.onError(err, 'publishing from the outbox failed');
    } finally {
      this.running = false;
    }
  }

  /** True when `id` is not the one after the cursor and the gap is still young: stop here and look again shortly. */
  private waitForGap(id: string): boolean {
    const wait = this.o.gapWaitMs ?? 0;
    // '0' is a fresh outbox (or one pruned empty): its first id is whatever the sequence gives next.
    if (wait <= 0 || this.cursor === '0' || id === nextId(this.cursor)) {
      this.gap = undefined;
      return false;
    }
    const now = this.o.now?.() ?? Date.now();
    if (this.gap?.at !== this.cursor) this.gap = { at: this.cursor, since: now };
    if (now - this.gap.since >= wait) {
      this.gap = undefined;
      return false;
    }
    clearTimeout(this.gapTimer);
    this.gapTimer = setTimeout(() => this.nudge(), Math.min(GAP_RETRY_MS, wait));
    this.gapTimer.unref();
    return true;
  }
}
