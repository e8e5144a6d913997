import { RestClient } from '../../src/clients/rest.js';

/**
 * A test double for a style that can push: the REST client plus a
 * `subscribe` made of short polling (the source material's first technique,
 * 000 lines 1030–1040), yielding `user.updated` when a user's version grows.
 * It stands in for the event clients issue 12 adds, so the comparison's
 * push-latency path runs against a real server today; it is not one of
 * polyface's styles.
 */
export class PollingRestClient extends RestClient {
  constructor(
    private readonly base: string,
    private readonly everyMs = 5,
  ) {
    super(base);
  }

  async *subscribe(types: string[], token?: string): AsyncGenerator<unknown> {
    if (!types.includes('user.updated')) return;
    const seen = new Map<number, number>();
    const headers = { Accept: 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) };
    for (let first = true; ; first = false) {
      const res = await fetch(`${this.base}/api/v1/users?sort=-updatedAt&limit=10`, { headers });
      const { data } = (await res.json()) as { data: { id: number; version: number }[] };
      for (const user of data) {
        const before = seen.get(user.id);
        seen.set(user.id, user.version);
        if (!first && before !== undefined && user.version > before) yield { type: 'user.updated', data: user };
      }
      await new Promise((r) => setTimeout(r, this.everyMs));
    }
  }
}
