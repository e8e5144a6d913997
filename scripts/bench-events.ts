/**
 * Live updates, measured: how long a committed change takes to reach a
 * subscriber in each style, and what each costs in requests. One gateway
 * in-process on 127.0.0.1 (in-memory SQLite), one subscriber per style, the
 * same changes for all; latency is the subscriber's receive time minus the
 * event's commit time (`occurredAt`, same clock). Prints a Markdown table
 * (README "Live updates" quotes it).
 *
 *   npx tsx scripts/bench-events.ts [changes=100] [gapMs=30] [shortPollMs=1000]
 */
import { buildApp } from '../src/app/app.js';
import { TYPES } from '../src/app/tokens.js';
import { GraphqlClient } from '../src/clients/graphql.js';
import { GrpcClient } from '../src/clients/grpc.js';
import { JsonRpcClient } from '../src/clients/jsonrpc.js';
import { RestClient } from '../src/clients/rest.js';
import { SoapClient } from '../src/clients/soap.js';
import type { EventSubscription } from '../src/clients/stream.js';
import type { DomainEvent } from '../src/domain/events.js';
import { testConfig } from '../src/infra/config.js';

const [changes = 100, gapMs = 30, shortPollMs = 1000] = process.argv.slice(2).map(Number);

const app = await buildApp(testConfig(), () => {});
const url = await app.listen();
const rest = new RestClient(url);
const login = await rest.call('login', { username: 'admin', password: 'admin-password' });
const token = (login as { data: { access_token: string } }).data.access_token;

interface Probe {
  name: string;
  latencies: number[];
  requests: number;
  stop(): Promise<void>;
}

/** A push subscription: one request (or socket) for the whole run. */
function push(name: string, sub: EventSubscription): Probe & { ready: Promise<void> } {
  const probe = { name, latencies: [] as number[], requests: 1, ready: sub.ready, stop: () => sub.close() };
  void (async () => {
    for await (const e of sub) probe.latencies.push(Date.now() - Date.parse(e.occurredAt));
  })().catch(() => {});
  return probe;
}

/** Polling with GET /api/v1/events: short (wait=0, every `everyMs`) or long (wait=30, at once again). */
function poll(name: string, waitSeconds: number, everyMs: number, after: string): Probe {
  let open = true;
  const probe: Probe = {
    name,
    latencies: [],
    requests: 0,
    stop: async () => {
      open = false;
    },
  };
  void (async () => {
    let cursor = after;
    while (open) {
      const started = Date.now();
      probe.requests++;
      const out = await rest.call('getEvents', { after: cursor, waitSeconds }, token);
      if (!out.ok) throw new Error(`poll failed: ${out.kind}`);
      const batch = out.data as { events: DomainEvent[]; next: string };
      for (const e of batch.events) probe.latencies.push(Date.now() - Date.parse(e.occurredAt));
      cursor = batch.next;
      if (everyMs) await new Promise((r) => setTimeout(r, Math.max(0, everyMs - (Date.now() - started))));
    }
  })();
  return probe;
}

const head = (await rest.call('getEvents', {}, token)) as { data: { next: string } };
const after = head.data.next;
const types = ['product.updated'] as const;
const pushes = [
  push('Server-Sent Events (REST, `GET /api/v1/events`)', rest.subscribe(types, { token })),
  push('WebSocket: GraphQL subscription (graphql-ws)', new GraphqlClient(url).subscribe(types, { token })),
  push('WebSocket: JSON-RPC `subscribe` notifications', new JsonRpcClient(url).subscribe(types, { token })),
  push('SSE: GraphQL subscription (graphql-sse)', new GraphqlClient(url, { subscriptions: 'sse' }).subscribe(types, { token })),
  push('HTTP/2 stream: gRPC `EventService/Watch` (h2c)', new GrpcClient(url).subscribe(types, { token })),
];
await Promise.all(pushes.map((p) => p.ready));
/** SOAP's polls happen inside its client: counted on the server, from the runtime's call metric. */
async function soapCalls(): Promise<number> {
  const metric = (await app.container.get(TYPES.Metrics).getMetricsAsJSON()).find((m) => m.name === 'polyface_call_duration_seconds');
  const values = (metric?.values ?? []) as { metricName?: string; labels: Record<string, string | number>; value: number }[];
  return values.filter((v) => v.metricName?.endsWith('_count') && v.labels.style === 'soap' && v.labels.operation === 'getEvents').reduce((n, v) => n + v.value, 0);
}
const soapBefore = await soapCalls();
const soap = { ...push('Long polling (SOAP `GetEvents`, waitSeconds 30)', new SoapClient(url, { version: '1.1', pollWaitSeconds: 30 }).subscribe(types, { token, after })), requests: 0 };
const probes: Probe[] = [poll(`Short polling (REST, every ${shortPollMs} ms)`, 0, shortPollMs, after), poll('Long polling (REST, `wait=30`)', 30, 0, after), soap, ...pushes];

for (let n = 0; n < changes; n++) {
  await rest.call('updateProduct', { id: 1, name: `Laptop ${n}`, price: '50.00' }, token);
  await new Promise((r) => setTimeout(r, gapMs));
}
await new Promise((r) => setTimeout(r, shortPollMs + 200));
soap.requests = (await soapCalls()) - soapBefore;
await Promise.all(probes.map((p) => p.stop()));
await app.close();

const q = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))]! : NaN;
};
console.log(`${changes} changes, one every ~${gapMs} ms, on ${process.platform}/${process.arch}, Node ${process.version}\n`);
console.log('| transport | delivered | latency p50 | latency p95 | max | requests for the run |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const p of probes) {
  console.log(`| ${p.name} | ${p.latencies.length}/${changes} | ${q(p.latencies, 0.5)} ms | ${q(p.latencies, 0.95)} ms | ${Math.max(...p.latencies)} ms | ${p.requests} |`);
}
