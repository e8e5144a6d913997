import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TYPES } from '../../src/app/tokens.js';
import { CLIENT_VARIANTS, createClients, type ClientVariant, type ProtocolClient } from '../../src/clients/index.js';
import { UNARY_OPERATIONS as OPERATIONS } from '../../src/contract/operations.js';
import { ADMIN, ALICE, BOB, startServer, type TestServer } from '../support/server.js';
import { domainFixtures, SCENARIOS, type Fixtures, type Scenario, type Who } from './scenarios.js';

/**
 * Every scenario through every protocol against one live server: the same
 * domain-level call must come back as the same normalised outcome.
 */
let server: TestServer;
let clients: Record<ClientVariant, ProtocolClient>;
let fixtures: Fixtures;
const tokens = new Map<Who, string | undefined>();

beforeAll(async () => {
  server = await startServer();
  clients = createClients(server.url);
  fixtures = domainFixtures(server.app.container.get(TYPES.DomainServices));
  tokens.set('admin', await server.token(ADMIN));
  tokens.set('alice', await server.token(ALICE));
  tokens.set('bob', await server.token(BOB));
  tokens.set('anonymous', undefined);
});

afterAll(async () => {
  await Promise.all(Object.values(clients ?? {}).map((c) => c.close?.()));
  await server?.close();
});

const label = (s: Scenario) => `${s.operation} → ${s.case} (as ${s.as})`;

describe('the scenario table', () => {
  // Subscriptions stream rather than answer; test/events/ covers them in every style.
  it('covers success and every error kind each unary operation declares, and nothing it does not', () => {
    const missing: string[] = [];
    for (const op of OPERATIONS) {
      for (const c of ['success', ...op.errors]) {
        if (!SCENARIOS.some((s) => s.operation === op.name && s.case === c)) missing.push(`${op.name}:${c}`);
      }
    }
    const undeclared = SCENARIOS.filter((s) => s.case !== 'success' && !findErrors(s.operation).includes(s.case)).map(label);
    expect(missing).toEqual([]);
    expect(undeclared).toEqual([]);
  });

  it('names only operations that exist and states each outcome once', () => {
    const names = new Set<string>(OPERATIONS.map((o) => o.name));
    expect(SCENARIOS.filter((s) => !names.has(s.operation))).toEqual([]);
    for (const s of SCENARIOS) expect(s.case === 'success' ? typeof s.data : s.fields, label(s)).toBeDefined();
  });
});

function findErrors(name: string): readonly string[] {
  return OPERATIONS.find((o) => o.name === name)?.errors ?? [];
}

for (const variant of Object.keys(CLIENT_VARIANTS) as ClientVariant[]) {
  describe(`${variant}`, () => {
    for (const [n, s] of SCENARIOS.entries()) {
      it(label(s), async () => {
        const input = await s.input(fixtures, `${variant}-${s.operation}-${s.case}-${n}`);
        const outcome = await clients[variant].call(s.operation, input, tokens.get(s.as));
        if (s.case === 'success') expect(outcome).toEqual({ ok: true, data: s.data!(input) });
        else expect(outcome).toEqual({ ok: false, kind: s.case, fields: s.fields });
      });
    }
  });
}
