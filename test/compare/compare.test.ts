import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runComparison } from '../../src/compare/compare.js';
import { CpuMeter, procProbe } from '../../src/compare/cpu.js';
import { report as reportSchema, findCell, type Report } from '../../src/compare/report.js';
import { allStyles, type Style } from '../../src/compare/styles.js';
import { ADMIN, startServer, type TestServer } from '../support/server.js';
import { withoutPush } from './without-push.js';

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
    expect(caps).toMatchObject({
      rest: ['subscribe'],
      graphql: ['batch', 'readGraph', 'subscribe'],
      jsonrpc: ['batch', 'subscribe'],
      'soap-1.1': ['subscribe'],
      'soap-1.2': ['subscribe'],
    });
  });

  it('reports progress up to the total, which counts every run', () => {
    const [lastDone, total] = progress.at(-1)!;
    expect(lastDone).toBe(total);
    // per cell: 1 cold + 1 warm + 1 warm-up + 4 timed
    expect(total).toBe(2 * report.styles.length * 7);
  });


  it('refuses unknown scenarios and styles by name', async () => {
    const base = { url: s.url, embedded: false, credentials: ADMIN, iterations: 1, warmup: 0, concurrency: 1, warmRuns: 1 };
    await expect(runComparison({ ...base, scenarios: ['get-everything'] })).rejects.toThrow(/Unknown scenario: get-everything \(known: get-user,/);
    await expect(runComparison({ ...base, styles: ['corba'] })).rejects.toThrow(/Unknown style: corba/);
    await expect(runComparison({ ...base, credentials: { username: 'admin', password: 'wrong-password' } })).rejects.toThrow(/Logging in as admin failed \(UNAUTHENTICATED\)/);
  });
});

describe('push latency', () => {
  it("is measured in every style, through each one's own subscribe (SSE, graphql-ws, JSON-RPC notifications, SOAP long polls, gRPC streams)", async () => {
    const report = await runComparison({
      url: s.url,
      embedded: false,
      credentials: ADMIN,
      scenarios: ['push-latency'],
      iterations: 3,
      warmup: 1,
      concurrency: 4,
      warmRuns: 1,
    });
    expect(report.options.scenarios).toEqual(['push-latency']);
    for (const style of report.styles) {
      const cell = findCell(report, 'push-latency', style.id)!;
      expect(cell.status, `${style.id}: ${cell.error}`).toBe('ok');
      // Runs are sequential (each change is matched to its own event) whatever the concurrency asked for.
      expect(cell.latency!.concurrency).toBe(1);
      expect(cell.latency!.samples).toHaveLength(3);
      // The writer is not tapped: a warm run is only what reaches the subscriber — a push arrives with no request
      // of its own; a SOAP long poll costs one request per event, sent as the previous answer arrives (so it may
      // fall in the window before the run's own).
      expect(cell.warm!.bytesDown, style.id).toBeGreaterThan(0);
      expect(cell.warm!.roundTrips, style.id).toBeLessThanOrEqual(style.id.startsWith('soap') ? 1 : 0);
    }
  });

  it('is not-applicable for a style that cannot subscribe, and left out when no chosen style can', async () => {
    const registry: Style[] = [
      { id: 'rest', label: 'REST', create: (url) => allStyles()[0]!.create(url) },
      { id: 'rest-no-push', label: 'REST without push (test double)', create: (url) => withoutPush(allStyles()[0]!.create(url)) },
    ];
    const base = { url: s.url, embedded: false, credentials: ADMIN, registry, iterations: 2, warmup: 0, concurrency: 1, warmRuns: 1 };
    const report = await runComparison({ ...base, scenarios: ['get-user', 'push-latency'] });
    expect(report.options.scenarios).toEqual(['get-user', 'push-latency']);
    expect(findCell(report, 'push-latency', 'rest-no-push')).toEqual({ scenario: 'push-latency', style: 'rest-no-push', status: 'not-applicable' });
    expect(findCell(report, 'push-latency', 'rest')!.status).toBe('ok');
    expect(report.styles.map((x) => [x.id, x.capabilities])).toEqual([
      ['rest', ['subscribe']],
      ['rest-no-push', []],
    ]);

    const none = await runComparison({ ...base, registry: registry.slice(1), scenarios: ['get-user', 'push-latency'] });
    expect(none.options.scenarios).toEqual(['get-user']);
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
