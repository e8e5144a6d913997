import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/app/app.js';
import { TYPES } from '../../src/app/tokens.js';
import { RestClient } from '../../src/clients/rest.js';
import { testConfig } from '../../src/infra/config.js';
import { restMiddleware } from '../../src/protocols/rest/express.js';
import { RestHttp } from '../../src/protocols/rest/http.js';
import { domainFixtures, SCENARIOS, type Fixtures, type Who } from '../conformance/scenarios.js';

/**
 * polyface's REST face mounted into somebody else's express app: the same
 * core the gateway serves on node:http, so every REST conformance scenario
 * must come out the same, and paths it does not own stay the host app's.
 */
let app: App;
let server: Server;
let url: string;
let fixtures: Fixtures;
const tokens = new Map<Who, string | undefined>();

beforeAll(async () => {
  app = await buildApp(testConfig(), () => {});
  const core = (app.container.getAll(TYPES.HttpBinding).find((b) => b instanceof RestHttp) as RestHttp).core;
  const host = express();
  host.get('/hello', (_req, res) => void res.send('the host app'));
  host.use(restMiddleware(core, () => ({ log: pino({ level: 'silent' }) })));
  host.use((_req, res) => void res.status(418).send('not polyface'));
  server = host.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const services = app.container.get(TYPES.DomainServices);
  fixtures = domainFixtures(services);
  const login = async (username: string, password: string) => (await services.auth.login({ username, password })).access_token;
  tokens.set('admin', await login('admin', 'admin-password'));
  tokens.set('alice', await login('alice@example.com', 'demo-password'));
  tokens.set('bob', await login('bob@example.com', 'demo-password'));
  tokens.set('anonymous', undefined);
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  await app.close();
});

describe('the REST face as express middleware', () => {
  it('leaves the host app its own paths', async () => {
    expect(await (await fetch(`${url}/hello`)).text()).toBe('the host app');
    expect((await fetch(`${url}/elsewhere`)).status).toBe(418);
    expect((await fetch(`${url}/api/v1/openapi.json`)).headers.get('content-type')).toContain('application/json');
  });

  for (const [n, s] of SCENARIOS.entries()) {
    it(`${s.operation} → ${s.case} (as ${s.as})`, async () => {
      const input = await s.input(fixtures, `express-${s.operation}-${s.case}-${n}`);
      const outcome = await new RestClient(url).call(s.operation, input, tokens.get(s.as));
      if (s.case === 'success') expect(outcome).toEqual({ ok: true, data: s.data!(input) });
      else expect(outcome).toEqual({ ok: false, kind: s.case, fields: s.fields });
    });
  }
});
