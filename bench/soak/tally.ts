/**
 * What the soak counts: calls served, refusals a protocol is right to give under abuse or limits (429 and its
 * mappings, 413, faults, WebSocket close codes) and anything else, which is a failure of the gateway.
 */
export class Tally {
  served = 0;
  readonly latenciesMs: number[] = [];
  readonly expected = new Map<string, number>();
  readonly unexpected = new Map<string, number>();

  ok(ms: number): void {
    this.served++;
    this.latenciesMs.push(ms);
  }

  refused(why: string): void {
    this.expected.set(why, (this.expected.get(why) ?? 0) + 1);
  }

  failed(why: string): void {
    this.unexpected.set(why.slice(0, 200), (this.unexpected.get(why.slice(0, 200)) ?? 0) + 1);
  }

  static total(m: ReadonlyMap<string, number>): number {
    let n = 0;
    for (const v of m.values()) n += v;
    return n;
  }

  p99(): number {
    if (!this.latenciesMs.length) return 0;
    const sorted = [...this.latenciesMs].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)]!;
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
