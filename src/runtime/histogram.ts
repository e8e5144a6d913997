import type { Metric, Registry } from 'prom-client';

/** What prom-client's registry reads of a metric when it writes the exposition text (its typings say an enum for `type`; it reads the string). */
interface Exposed {
  name: string;
  help: string;
  type: 'histogram' | 'counter';
  aggregator: 'sum';
  values: { metricName: string; labels: Record<string, string | number>; value: number }[];
}

interface Series {
  readonly labels: Readonly<Record<string, string>>;
  /** Observations per bucket (not cumulative); the last slot is above the highest bound. */
  readonly counts: number[];
  sum: number;
  count: number;
}

/**
 * A Prometheus histogram, exposed through a prom-client registry, whose `observe` costs a Map lookup and a short
 * bucket search. prom-client's own Histogram validates the label names and hashes the label object (sorting its
 * keys) on every observation, and its timer merges label objects: together some 3–4 µs of every request on the
 * front door and again per call into the domain (issue 18's profiles). Here a series is named by its label values
 * in the declared order, so the hot path builds no object. Written by hand for that cost alone; the text format
 * is still prom-client's (this is one of its custom metrics: name, help, type and `get()`).
 */
export class FastHistogram<L extends string> {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series = new Map<string, Series>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelNames: readonly L[],
    private readonly buckets: readonly number[],
    registry: Registry,
  ) {
    registry.registerMetric(this as unknown as Metric);
  }

  /** `values` are the label values in the order of the label names. */
  observe(values: readonly string[], seconds: number): void {
    const key = values.length === 1 ? values[0]! : values.join('\u0000');
    let s = this.series.get(key);
    if (!s) {
      const labels: Record<string, string> = {};
      this.labelNames.forEach((name, i) => (labels[name] = values[i] ?? ''));
      s = { labels, counts: new Array<number>(this.buckets.length + 1).fill(0), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    let i = 0;
    while (i < this.buckets.length && seconds > this.buckets[i]!) i++;
    s.counts[i]!++;
    s.sum += seconds;
    s.count++;
  }

  get(): Promise<Exposed> {
    const values: Exposed['values'] = [];
    for (const s of this.series.values()) {
      let cumulative = 0;
      this.buckets.forEach((le, i) => {
        cumulative += s.counts[i]!;
        values.push({ metricName: `${this.name}_bucket`, labels: { ...s.labels, le }, value: cumulative });
      });
      values.push({ metricName: `${this.name}_bucket`, labels: { ...s.labels, le: '+Inf' }, value: s.count });
      values.push({ metricName: `${this.name}_sum`, labels: s.labels, value: s.sum });
      values.push({ metricName: `${this.name}_count`, labels: s.labels, value: s.count });
    }
    return Promise.resolve({ name: this.name, help: this.help, type: 'histogram', aggregator: 'sum', values });
  }

  reset(): void {
    this.series.clear();
  }
}

/** Seconds since `start` (a performance.now() reading). */
export const secondsSince = (start: number): number => (performance.now() - start) / 1000;

/** A Prometheus counter with the same cheap, positional `inc` (see FastHistogram for why). */
export class FastCounter<L extends string> {
  readonly type = 'counter';
  readonly aggregator = 'sum';
  private readonly series = new Map<string, { labels: Record<string, string>; value: number }>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelNames: readonly L[],
    registry: Registry,
  ) {
    registry.registerMetric(this as unknown as Metric);
  }

  inc(values: readonly string[]): void {
    const key = values.join('\u0000');
    const s = this.series.get(key);
    if (s) s.value++;
    else this.series.set(key, { labels: Object.fromEntries(this.labelNames.map((name, i) => [name, values[i] ?? ''])), value: 1 });
  }

  get(): Promise<Exposed> {
    const values = [...this.series.values()].map((s) => ({ metricName: this.name, labels: s.labels, value: s.value }));
    return Promise.resolve({ name: this.name, help: this.help, type: 'counter', aggregator: 'sum', values });
  }

  reset(): void {
    this.series.clear();
  }
}
