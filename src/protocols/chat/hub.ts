/**
 * One message on its way to the plain chat's members: `to` a client id, or
 * to everyone (null) except perhaps one. `text` is the serialised message,
 * made once however many members receive it.
 */
export interface Delivery {
  readonly to: string | null;
  readonly except?: string | undefined;
  readonly text: string;
}

/**
 * Who is connected and how messages reach them. The chat core speaks only
 * to this, so the in-process hub below can be replaced by one over Redis
 * pub/sub (a set of client ids + one channel) when gateways scale out:
 * presence then counts every instance's members and a private message
 * finds its recipient wherever it is connected.
 */
export interface ChatHub {
  /** Adds a member; resolves to the number of members now present. */
  enter(clientId: string): Promise<number>;
  /** Removes a member; resolves to the number left. */
  leave(clientId: string): Promise<number>;
  isPresent(clientId: string): Promise<boolean>;
  publish(delivery: Delivery): Promise<void>;
  /** Each instance's core listens and hands deliveries to its own members. */
  subscribe(listener: (delivery: Delivery) => void): () => void;
}

/** The single-instance hub: presence is a set, publishing is a loop over listeners. */
export class LocalChatHub implements ChatHub {
  private readonly present = new Set<string>();
  private readonly listeners = new Set<(delivery: Delivery) => void>();

  async enter(clientId: string): Promise<number> {
    this.present.add(clientId);
    return this.present.size;
  }

  async leave(clientId: string): Promise<number> {
    this.present.delete(clientId);
    return this.present.size;
  }

  async isPresent(clientId: string): Promise<boolean> {
    return this.present.has(clientId);
  }

  async publish(delivery: Delivery): Promise<void> {
    for (const listener of this.listeners) listener(delivery);
  }

  subscribe(listener: (delivery: Delivery) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/**
 * The few Redis commands the shared hub needs (ioredis's client fits), so
 * this file stays free of a Redis library and tests can see what it asks.
 */
export interface ChatRedis {
  sadd(key: string, ...members: string[]): Promise<number>;
  srem(key: string, ...members: string[]): Promise<number>;
  scard(key: string): Promise<number>;
  sismember(key: string, member: string): Promise<number>;
  pexpire(key: string, ms: number): Promise<number>;
  zadd(key: string, score: number, member: string): Promise<number | string | null>;
  zrangebyscore(key: string, min: number | string, max: number | string): Promise<string[]>;
  zremrangebyscore(key: string, min: number | string, max: number | string): Promise<number>;
  publish(channel: string, message: string): Promise<number>;
}

export interface RedisChatHubOptions {
  redis: ChatRedis;
  /** Subscribes to a channel (the name is already prefixed); resolves to the unsubscribe function. */
  listen(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>>;
  /** Key and channel prefix (REDIS_PREFIX). */
  prefix: string;
  instanceId: string;
  onError(err: unknown, what: string): void;
  /** An instance not heard from for this long no longer counts (its members went with it, e.g. on SIGKILL). */
  livenessMs?: number;
}

/**
 * The hub across instances: deliveries go out on one Redis channel and every
 * instance hands them to its own members; presence is one set per instance
 * (expiring unless its instance keeps refreshing it) plus a sorted set of
 * live instances, so members of an instance that died without saying goodbye
 * stop counting within `livenessMs` instead of lingering forever.
 * If Redis is away, this instance falls back to its own members (the chat
 * keeps working locally) and refreshes its set once Redis is back.
 */
export class RedisChatHub implements ChatHub {
  private readonly local = new Set<string>();
  private readonly listeners = new Set<(delivery: Delivery) => void>();
  private readonly membersKey: string;
  private readonly instancesKey: string;
  private readonly channel: string;
  private readonly livenessMs: number;
  private timer: NodeJS.Timeout | undefined;
  private stopListening: (() => Promise<void>) | undefined;

  constructor(private readonly o: RedisChatHubOptions) {
    this.membersKey = `${o.prefix}chat:members:${o.instanceId}`;
    this.instancesKey = `${o.prefix}chat:instances`;
    this.channel = `${o.prefix}chat:deliveries`;
    this.livenessMs = o.livenessMs ?? 30_000;
  }

  async start(): Promise<void> {
    this.stopListening = await this.o.listen(this.channel, (message) => {
      let delivery: Delivery;
      try {
        delivery = JSON.parse(message) as Delivery;
      } catch {
        return;
      }
      this.hand(delivery);
    });
    await this.heartbeat();
    this.timer = setInterval(() => void this.heartbeat(), Math.max(50, Math.floor(this.livenessMs / 3)));
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.stopListening?.();
  }

  async enter(clientId: string): Promise<number> {
    this.local.add(clientId);
    return this.shared('joining the shared chat', async (r) => {
      await r.sadd(this.membersKey, clientId);
      await r.pexpire(this.membersKey, this.livenessMs);
      return this.count();
    }, () => this.local.size);
  }

  async leave(clientId: string): Promise<number> {
    this.local.delete(clientId);
    return this.shared('leaving the shared chat', async (r) => {
      await r.srem(this.membersKey, clientId);
      return this.count();
    }, () => this.local.size);
  }

  async isPresent(clientId: string): Promise<boolean> {
    if (this.local.has(clientId)) return true;
    return this.shared('looking up a chat member', async (r) => {
      const found = await Promise.all((await this.liveInstances()).map((id) => r.sismember(`${this.o.prefix}chat:members:${id}`, clientId)));
      return found.some((n) => n === 1);
    }, () => false);
  }

  async publish(delivery: Delivery): Promise<void> {
    // Delivered here through Redis like everywhere else, so every instance sees one order of messages.
    await this.shared('publishing a chat message', async (r) => void (await r.publish(this.channel, JSON.stringify(delivery))), () => this.hand(delivery));
  }

  subscribe(listener: (delivery: Delivery) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private hand(delivery: Delivery): void {
    for (const listener of this.listeners) listener(delivery);
  }

  private async count(): Promise<number> {
    const sizes = await Promise.all((await this.liveInstances()).map((id) => this.o.redis.scard(`${this.o.prefix}chat:members:${id}`)));
    return sizes.reduce((a, b) => a + b, 0);
  }

  private async liveInstances(): Promise<string[]> {
    return this.o.redis.zrangebyscore(this.instancesKey, Date.now() - this.livenessMs, '+inf');
  }

  private async heartbeat(): Promise<void> {
    await this.shared('refreshing chat presence', async (r) => {
      const now = Date.now();
      await r.zadd(this.instancesKey, now, this.o.instanceId);
      await r.zremrangebyscore(this.instancesKey, '-inf', now - this.livenessMs);
      // Re-adding the local members heals the set after Redis lost it (a restart without persistence).
      if (this.local.size > 0) await r.sadd(this.membersKey, ...this.local);
      await r.pexpire(this.membersKey, this.livenessMs);
    }, () => undefined);
  }

  private async shared<T>(what: string, run: (r: ChatRedis) => Promise<T>, fallback: () => T): Promise<T> {
    try {
      return await run(this.o.redis);
    } catch (err) {
      this.o.onError(err, `${what} failed; this instance's members only until Redis is back`);
      return fallback();
    }
  }
}
