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
