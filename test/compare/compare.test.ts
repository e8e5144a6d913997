import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runComparison } from '../../src/compare/compare.js';
import { CpuMeter, procProbe } from '../../src/compare/cpu.js';
import { report as reportSchema, findCell, type Report } from '../../src/compare/report.js';
import { allStyles, type Style } from '../../src/compare/styles.js';
import { ADMIN, startServer, type TestServer } from '../support/server.js';
import { PollingRestClient } from './polling-client.js';

let s: TestServer;
beforeAll(async () => {
  s = await startServer();
});
afterAll(() => s.close());

describe('runComparison', () => {
  let report: Report;
  const progress: [number, number][] = [];
  beforeAll(async () => {
    report = await runComparison({
      url: s.url,
      embedded: false,
      credentials: ADMIN,
      scenarios: ['get-user', 'nested-read'],
      iterations: 4,
      warmup: 1,
      concurrency: 2,
      warmRuns: 1,
      progress: (done, total) => progress.push([done, total]),
    });
  });

  it('returns a report in the documented format, one cell per scenario and style', () => {
    expect(reportSchema.parse(report)).toEqual(report);
    expect(report.scenarios.map((x) => x.id)).toEqual(['get-user', 'nested-read']);
    expect(report.styles.map((x) => x.id)).toEqual(allStyles().map((x) => x.id));
    expect(report.results).toHaveLength(2 * report.styles.length);
    for (const c of report.results) {
      expect(c.status, `${c.scenario} ${c.style}: ${c.error}`).toBe('ok');
      expect(c.latency!.samples).toHaveLength(4);
      expect(c.latency!.p50).toBeLessThanOrEqual(c.latency!.p99);
      expect(c.exchanges!.length).toBe(c.warm!.roundTrips);
    }
    // No CPU meter given: no CPU figures rather than made-up ones.
    expect(report.results.every((c) => c.cpu === undefined)).toBe(true);
  });

  it('names what each style can do beyond call', () => {
    const caps = Object.fromEntries(report.styles.map((x) => [x.id, x.capabilities]));
    expect(caps).toMatchObject({ rest: [], graphql: ['batch', 'readGraph'], jsonrpc: ['batch'], 'soap-1.1': [], 'soap-1.2': [] });
  });

  it('reports progress up to the total, which counts every run', () => {
    const [lastDone, total] = progress.at(-1)!;
    expect(lastDone).toBe(total);
    // per cell: 1 cold + 1 warm + 1 warm-up + 4 timed
    expect(total).toBe(2 * report.styles.length * 7);
  });

  it('leaves push latency out while no style can subscribe', () => {
    expect(report.options.scenarios).not.toContain('push-latency');
  });

  it('refuses unknown scenarios and styles by name', async () => {
    const base = { url: s.url, embedded: false, credentials: ADMIN, iterations: 1, warmup: 0, concurrency: 1, warmRuns: 1 };
    await expect(runComparison({ ...base, scenarios: ['get-everything'] })).rejects.toThrow(/Unknown scenario: get-everything \(known: get-user,/);
    await expect(runComparison({ ...base, styles: ['corba'] })).rejects.toThrow(/Unknown style: corba/);
    await expect(runComparison({ ...base, credentials: { username: 'admin', password: 'wrong-password' } })).rejects.toThrow(/Logging in as admin failed \(UNAUTHENTICATED\)/);
  });
});

describe('push latency', () => {
  it('appears once a style can subscribe, measured for it and not-applicable for the others', async () => {
    const registry: Style[] = [
      { id: 'rest', label: 'REST', create: (url) => allStyles()[0]!.create(url) },
      { id: 'rest-polling', label: 'REST (polling test double)', create: (url) => new PollingRestClient(url) },
    ];
    const report = await runComparison({
      url: s.url,
      embedded: false,
      credentials: ADMIN,
      registry,
      scenarios: ['get-user', 'push-latency'],
      iterations: 3,
      warmup: 1,
      concurrency: 4,
      warmRuns: 1,
    });
    expect(report.options.scenarios).toEqual(['get-user', 'push-latency']);
    expect(findCell(report, 'push-latency', 'rest')).toEqual({ scenario: 'push-latency', style: 'rest', status: 'not-applicable' });
    const pushed = findCell(report, 'push-latency', 'rest-polling')!;
    expect(pushed.status, pushed.error).toBe('ok');
    // Runs are sequential (each change is matched to its own event) whatever the concurrency asked for.
    expect(pushed.latency!.concurrency).toBe(1);
    expect(pushed.latency!.samples).toHaveLength(3);
    // The writer is not tapped: a warm run is only the subscriber's own polling.
    expect(pushed.warm!.roundTrips).toBeGreaterThanOrEqual(1);
    expect(report.styles.find((x) => x.id === 'rest-polling')!.capabilities).toEqual(['subscribe']);
  });
});

describe('server CPU from /proc', () => {
  it("reads a process's CPU time in microseconds, every thread, agreeing with the process's own getrusage", async () => {
    const meter = new CpuMeter(await procProbe(process.pid));
    expect(['proc-schedstat', 'proc-stat']).toContain(meter.probe.source);
    const own = process.cpuUsage();
    const stop = await meter.start();
    // Busy for a while on this thread (CPU time, not wall time: the machine may be shared).
    while (process.cpuUsage(own).user < 80_000) Math.sqrt(Math.random());
    const spent = await stop();
    const usage = process.cpuUsage(own);
    const reference = usage.user + usage.system;
    expect(spent).toBeGreaterThan(reference * 0.8);
    expect(spent).toBeLessThan(reference * 1.25 + 10_000);
  });
});
