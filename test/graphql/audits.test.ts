import { serverAudits } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';

/**
 * graphql-http's GraphQL-over-HTTP conformance audits against the live
 * endpoint, one test per audit id. The audits send no Authorization header:
 * `{ __typename }` and introspection need no caller, domain fields do.
 */
let s: TestServer;
beforeAll(async () => {
  s = await startServer();
});
afterAll(() => s.close());

const audits = serverAudits({ url: () => `${s.url}/graphql` });

describe('graphql-http server audits', () => {
  it('covers MUST and SHOULD requirements', () => {
    expect(audits.filter((a) => a.name.startsWith('MUST')).length).toBeGreaterThan(5);
    expect(audits.filter((a) => a.name.startsWith('SHOULD')).length).toBeGreaterThan(5);
  });

  for (const audit of audits) {
    it(`${audit.id} ${audit.name}`, async () => {
      const result = await audit.fn();
      // MAY audits report failures as "notice"; MUST and SHOULD as "error" and "warn". All pass here.
      expect(result.status === 'ok' ? 'ok' : `${result.status}: ${result.reason}`).toBe('ok');
    });
  }
});
