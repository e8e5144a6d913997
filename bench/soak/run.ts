/**
 * `npm run soak [-- --seconds N]`: a bounded load-and-abuse run against a gateway it starts itself (a child
 * process, fresh SQLite in a temporary folder, an ephemeral port on 127.0.0.1; nothing leaves the loopback).
 * A mixed authenticated load goes over every style (REST, GraphQL, JSON-RPC over HTTP and WebSocket, SOAP 1.1
 * and 1.2, gRPC as h2c) with an SSE subscriber listening, while the attacks of issue 10 run again and again
 * beside it (attacks.ts). Prints calls served, refusals that were right (counted apart) and unexpected errors,
 * p99 latency, and the gateway's resident set at start (after a warm-up of load and one round of every attack, and
 * a full GC), peak, and end
 * (after a full GC and a settle pause). Exits 1 on any unexpected error or an end RSS above 1.2 × start.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import { CLIENT_VARIANTS } from '../../src/clients/index.js';
import { REPEATED, slowloris, type AttackContext } from './attacks.js';
import { ADMIN_PASSWORD, DEMO_PASSWORD, startGateway } from './gateway.js';
import { runLoad, subscribeSse, type Tokens } from './load.js';
import { sleep, Tally } from './tally.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

const whole = (min: number, max: number) => (raw: string) => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`a whole number from ${min} to ${max}`);
  return n;
};
const options = new Command('soak')
  .option('--seconds <n>', 'how long the load and the attacks run', whole(5, 3600), 30)
  .option('--workers <n>', 'concurrent load loops', whole(1, 64), 6)
  .option('--rss-factor <x>', 'largest end RSS accepted, as a multiple of the start RSS', Number, 1.2)
  .parse()
  .opts<{ seconds: number; workers: number; rssFactor: number }>();

const gateway = await startGateway(root);
const headersTimeoutMs = Number(gateway.env.HTTP_HEADERS_TIMEOUT_MS ?? 15_000);
let exitCode = 1;
try {
  const rest = CLIENT_VARIANTS.rest(gateway.url);
  const token = async (username: string, password: string) => {
    const out = await rest.call('login', { username, password });
    if (!out.ok) throw new Error(`login as ${username}: ${out.kind}`);
    return (out.data as { access_token: string }).access_token;
  };
  const tokens: Tokens = { admin: await token('admin', ADMIN_PASSWORD), alice: await token('alice@example.com', DEMO_PASSWORD) };

  const load = new Tally();
  const attacks = new Tally();
  const ctx: AttackContext = { gateway, tokens, tally: attacks, headersTimeoutMs };
  const guarded = (name: string, attack: (c: AttackContext) => Promise<void>) => attack(ctx).catch((err: unknown) => attacks.failed(`${name}: ${(err as Error).message}`));
  const round = async (until: number) => {
    for (const [name, attack] of REPEATED) if (Date.now() < until) await guarded(name, attack);
  };

  // Warm-up: a few seconds of load beside one round of every attack (judged like the rest), so code is compiled and
  // the one-time caches (documents, credentials, the introspection answer, SQLite pages) are filled before "start":
  // start → end then measures what grows with time, which is what a leak does.
  const warm = Date.now() + 3_000;
  await Promise.all([runLoad(gateway.url, tokens, warm, options.workers, new Tally()), round(Infinity)]);
  await gateway.collect(3_000);
  const rssStart = gateway.rssMiB();
  let rssPeak = rssStart;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, gateway.rssMiB())), 200);

  const sse = subscribeSse(gateway.url, tokens.admin, load);
  await sse.ready;
  const began = Date.now();
  const until = began + options.seconds * 1000;
  const attacker = (async () => {
    // Every attack again and again until the time is up (each round starts only within it).
    while (Date.now() < until) await round(until);
  })();
  await Promise.all([runLoad(gateway.url, tokens, until, options.workers, load), attacker, guarded('slowloris', slowloris)]);
  const ranSeconds = (Date.now() - began) / 1000;
  await sse.stop();
  clearInterval(sampler);
  rssPeak = Math.max(rssPeak, gateway.rssMiB());
  await gateway.collect(4_000);
  const rssEnd = gateway.rssMiB();

  const unexpected = Tally.total(load.unexpected) + Tally.total(attacks.unexpected) + gateway.errors.length;
  const rssOk = rssEnd <= rssStart * options.rssFactor;
  const line = (label: string, value: string) => console.log(`${label.padEnd(34)} ${value}`);
  console.log(`\npolyface soak: ${ranSeconds.toFixed(1)} s, ${options.workers} load workers, gateway pid ${gateway.pid} at ${gateway.url}\n`);
  line('calls served', `${load.served} (${(load.served / ranSeconds).toFixed(0)}/s)`);
  line('p99 latency', `${load.p99().toFixed(1)} ms`);
  line('SSE events received', String(sse.events()));
  line('load: expected refusals', String(Tally.total(load.expected)));
  line('load: unexpected errors', String(Tally.total(load.unexpected)));
  line('attacks: expected refusals', String(Tally.total(attacks.expected)));
  line('attacks: unexpected outcomes', String(Tally.total(attacks.unexpected)));
  line('gateway error log lines', String(gateway.errors.length));
  line('RSS start / peak / end', `${rssStart.toFixed(0)} / ${rssPeak.toFixed(0)} / ${rssEnd.toFixed(0)} MiB (end ${(rssEnd / rssStart).toFixed(2)}× start, limit ${options.rssFactor}×)`);
  const list = (title: string, m: ReadonlyMap<string, number>) => {
    if (!m.size) return;
    console.log(`\n${title}`);
    for (const [why, n] of [...m].sort((a, b) => b[1] - a[1])) console.log(`  ${String(n).padStart(6)}  ${why}`);
  };
  list('Expected refusals (load)', load.expected);
  list('Expected refusals (attacks)', attacks.expected);
  list('UNEXPECTED (load)', load.unexpected);
  list('UNEXPECTED (attacks)', attacks.unexpected);
  if (gateway.errors.length) console.log(`\nGateway errors (first 5):\n${gateway.errors.slice(0, 5).join('\n')}`);
  exitCode = unexpected === 0 && rssOk ? 0 : 1;
  console.log(`\n${exitCode === 0 ? 'PASS' : 'FAIL'}: ${unexpected} unexpected, RSS end ${rssOk ? 'within' : 'above'} ${options.rssFactor}× start`);
} catch (err) {
  console.error(`soak failed: ${(err as Error).stack ?? String(err)}`);
  if (gateway.stderr.length) console.error(gateway.stderr.slice(-20).join('\n'));
} finally {
  await gateway.stop();
}
process.exit(exitCode);
