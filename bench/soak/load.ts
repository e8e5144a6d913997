import WebSocket from 'ws';
import { CLIENT_VARIANTS, createClients, type ClientVariant, type Outcome, type ProtocolClient } from '../../src/clients/index.js';
import type { OperationName } from '../../src/contract/operations.js';
import { Tally } from './tally.js';

export interface Tokens {
  readonly admin: string;
  readonly alice: string;
}

interface Step {
  readonly operation: OperationName;
  readonly input: Record<string, unknown>;
  readonly as: keyof Tokens;
}

/** The mix: mostly reads, one write in eight (an order by Alice, so the SSE subscriber has events to carry). */
const STEPS: readonly Step[] = [
  { operation: 'getUser', input: { id: 1 }, as: 'admin' },
  { operation: 'listProducts', input: { limit: 10 }, as: 'alice' },
  { operation: 'listUsers', input: { limit: 10 }, as: 'admin' },
  { operation: 'getOrder', input: { id: 1 }, as: 'alice' },
  { operation: 'getProduct', input: { id: 2 }, as: 'alice' },
  { operation: 'getUser', input: { id: 1 }, as: 'alice' },
  { operation: 'listProducts', input: { limit: 5, offset: 1 }, as: 'admin' },
  { operation: 'createOrder', input: { userId: 1, items: [{ productId: 1, quantity: 1 }] }, as: 'alice' },
];

/** JSON-RPC 2.0 over the /rpc WebSocket: one socket, requests matched to answers by id. */
class JsonRpcSocket {
  private readonly pending = new Map<number, (reply: { result?: unknown; error?: { code: number; message: string } }) => void>();
  private next = 1;
  readonly open: Promise<void>;
  private readonly ws: WebSocket;
  closed: string | undefined;

  constructor(url: string, token: string) {
    this.ws = new WebSocket(`${url.replace(/^http/, 'ws')}/rpc`, { headers: { Authorization: `Bearer ${token}` } });
    this.open = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
    this.ws.on('error', () => {});
    this.ws.on('message', (data) => {
      const reply = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: { code: number; message: string } };
      if (typeof reply.id === 'number') {
        this.pending.get(reply.id)?.(reply);
        this.pending.delete(reply.id);
      }
    });
    this.ws.on('close', (code, reason) => {
      this.closed = `closed ${code} ${String(reason)}`;
      for (const settle of this.pending.values()) settle({ error: { code: 0, message: this.closed } });
      this.pending.clear();
    });
  }

  async call(method: string, params: Record<string, unknown>): Promise<{ result?: unknown; error?: { code: number; message: string } }> {
    await this.pace();
    if (this.closed) return { error: { code: 0, message: this.closed } };
    const id = this.next++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
    });
  }

  close(): void {
    this.ws.close(1000);
  }

  /**
   * A well-behaved client keeps under the per-socket message rate (WS_MAX_MESSAGES_PER_SECOND, 50 by default;
   * the WebSocket flood attack is what tests that limit): at most PER_SECOND messages in any one-second window.
   */
  private readonly sent: number[] = [];
  private async pace(): Promise<void> {
    for (;;) {
      const now = Date.now();
      while (this.sent.length && this.sent[0]! <= now - 1000) this.sent.shift();
      if (this.sent.length < JsonRpcSocket.PER_SECOND) break;
      await new Promise((resolve) => setTimeout(resolve, this.sent[0]! + 1000 - now + 1));
    }
    this.sent.push(Date.now());
  }

  private static readonly PER_SECOND = 40;
}

/** JSON-RPC codes of refusals under limits: -32029 RATE_LIMITED (README "Error mapping"). */
const RPC_RATE_LIMITED = -32029;

/**
 * Runs `workers` loops until `until`, each going round every style (REST, GraphQL, JSON-RPC over HTTP and over
 * WebSocket, SOAP 1.1 and 1.2, gRPC as h2c) and the step mix; outcomes go to the tally.
 */
export async function runLoad(url: string, tokens: Tokens, until: number, workers: number, tally: Tally): Promise<void> {
  const clients: Record<ClientVariant, ProtocolClient> = createClients(url);
  const sockets = [new JsonRpcSocket(url, tokens.admin), new JsonRpcSocket(url, tokens.alice)];
  await Promise.all(sockets.map((s) => s.open));
  const styles = [...(Object.keys(clients) as ClientVariant[]), 'jsonrpc-ws'] as const;

  const one = async (style: (typeof styles)[number], step: Step): Promise<void> => {
    const began = performance.now();
    const label = `${style} ${step.operation}`;
    try {
      if (style === 'jsonrpc-ws') {
        const reply = await sockets[step.as === 'admin' ? 0 : 1]!.call(step.operation, step.input);
        if (!reply.error) return tally.ok(performance.now() - began);
        if (reply.error.code === RPC_RATE_LIMITED) return tally.refused(`${label}: rate limited`);
        return tally.failed(`${label}: ${reply.error.code} ${reply.error.message}`);
      }
      const out: Outcome = await clients[style].call(step.operation, step.input, tokens[step.as]);
      if (out.ok) return tally.ok(performance.now() - began);
      if (out.kind === 'RATE_LIMITED') return tally.refused(`${label}: RATE_LIMITED`);
      tally.failed(`${label}: ${out.kind} ${out.fields.join(',')}`);
    } catch (err) {
      tally.failed(`${label}: ${(err as Error).message}`);
    }
  };

  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      for (let i = w; Date.now() < until; i++) await one(styles[i % styles.length]!, STEPS[(i * 7 + w) % STEPS.length]!);
    }),
  );
  for (const s of sockets) s.close();
  await Promise.all(Object.values(clients).map((c) => c.close?.()));
}

/** An SSE subscriber on /api/v1/events for the whole run: counts events; a stream that fails is a failure. */
export function subscribeSse(url: string, token: string, tally: Tally): { events: () => number; stop: () => Promise<void>; ready: Promise<void> } {
  const rest = CLIENT_VARIANTS.rest(url);
  const sub = rest.subscribe(['order.created', 'product.created', 'user.created', 'user.deleted'], { token });
  let events = 0;
  let stopping = false;
  const done = (async () => {
    for await (const _ of sub) events++;
  })().catch((err: unknown) => {
    if (!stopping) tally.failed(`sse subscriber: ${(err as Error).message}`);
  });
  return {
    events: () => events,
    ready: sub.ready,
    async stop() {
      stopping = true;
      await sub.close();
      await done;
    },
  };
}
