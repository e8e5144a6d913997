import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, ADMIN, startServer, type TestServer } from '../support/server.js';
import { faultOf, post, SOAP11, SOAP12, TNS, usernameToken } from '../soap/helpers.js';

/**
 * Issue 10, finding 7: envelopes that mean different things to different
 * readers. A proxy, a WAF or a log that reads the first Body, the first
 * Header or the SOAPAction sees a harmless GetUser (or Alice's credentials);
 * the old reader ran the last Body with the last Header's credentials, and
 * ran a SOAP 1.2 envelope sent as SOAP 1.1 (and the other way round) without
 * checking the action. Each case hides a PatchUser renaming Bob: it must not
 * run — Bob keeps his name — and the answer is a fault.
 */
const BOB_ID = 2;
const getUser = `<GetUser xmlns="${TNS}"><id>${BOB_ID}</id></GetUser>`;
const patchBob = `<PatchUser xmlns="${TNS}"><id>${BOB_ID}</id><name>Mallory</name></PatchUser>`;
const open = (ns: string) => `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${ns}">`;
const close = '</soap:Envelope>';

describe('SOAP envelope ambiguity (finding 7)', () => {
  let s: TestServer;
  let admin: string;
  let alice: string;
  beforeAll(async () => {
    s = await startServer();
    admin = await s.token();
    alice = await s.token(ALICE);
  });
  afterAll(() => s.close());

  /** Bob's name as storage has it, read over REST so no SOAP parsing is involved. */
  async function bobsName(): Promise<string> {
    const res = await fetch(`${s.url}/api/v1/users/${BOB_ID}`, { headers: { Authorization: `Bearer ${admin}`, Accept: 'application/json' } });
    expect(res.status).toBe(200);
    return ((await res.json()) as { name: string }).name;
  }

  const bodyCases: [string, string][] = [
    ['two Bodies: a GetUser, then a PatchUser', `${open(SOAP11)}<soap:Body>${getUser}</soap:Body><soap:Body>${patchBob}</soap:Body>${close}`],
    [
      'a Body in another namespace first (what a local-name reader takes for the Body), then the real one',
      `${open(SOAP11)}<x:Body xmlns:x="urn:decoy">${getUser}</x:Body><soap:Body>${patchBob}</soap:Body>${close}`,
    ],
    ['an element between two Bodies', `${open(SOAP11)}<soap:Body>${getUser}</soap:Body><soap:Trailer/><soap:Body>${patchBob}</soap:Body>${close}`],
  ];

  for (const [name, doc] of bodyCases) {
    it(`${name}: Client fault, nothing runs`, async () => {
      const before = await bobsName();
      const r = await post(s.url, doc, { token: admin });
      expect(r.status).toBe(500);
      expect(faultOf(r)).toMatchObject({ code: 'soap:Client', kind: 'VALIDATION', message: expect.stringMatching(/^The Envelope must hold an optional Header and then exactly one Body/) });
      expect(await bobsName()).toBe(before);
    });
  }

  it("two Headers: the second one's admin credentials are not used, nothing runs", async () => {
    const before = await bobsName();
    const doc =
      `${open(SOAP11)}<soap:Header>${usernameToken(ALICE.username, ALICE.password)}</soap:Header>` +
      `<soap:Header>${usernameToken(ADMIN.username, ADMIN.password)}</soap:Header><soap:Body>${patchBob}</soap:Body>${close}`;
    const r = await post(s.url, doc);
    expect(faultOf(r)).toMatchObject({ code: 'soap:Client', kind: 'VALIDATION', message: expect.stringContaining('found Header, Header, Body') });
    expect(await bobsName()).toBe(before);
  });

  it('a Header after the Body: its credentials are not used, nothing runs', async () => {
    const before = await bobsName();
    const doc = `${open(SOAP11)}<soap:Body>${patchBob}</soap:Body><soap:Header>${usernameToken(ADMIN.username, ADMIN.password)}</soap:Header>${close}`;
    // Alice may not rename Bob; the trailing header would have made the call an admin's.
    const r = await post(s.url, doc, { token: alice });
    expect(faultOf(r)).toMatchObject({ code: 'soap:Client', kind: 'VALIDATION', message: expect.stringContaining('found Body, Header') });
    expect(await bobsName()).toBe(before);
  });

  it("two credential blocks in one Header (an admin's, then Alice's): refused, nothing runs", async () => {
    const before = await bobsName();
    const admins = `<Authentication><username>${ADMIN.username}</username><password>${ADMIN.password}</password></Authentication>`;
    const doc = `${open(SOAP11)}<soap:Header>${admins}${usernameToken(ALICE.username, ALICE.password)}</soap:Header><soap:Body>${patchBob}</soap:Body>${close}`;
    const r = await post(s.url, doc);
    expect(faultOf(r)).toMatchObject({ code: 'soap:Client', kind: 'VALIDATION', message: expect.stringContaining('more than one credentials block') });
    expect(await bobsName()).toBe(before);
  });

  it('text in the Envelope is refused too', async () => {
    const r = await post(s.url, `${open(SOAP11)}text<soap:Body>${getUser}</soap:Body>${close}`, { token: admin });
    expect(faultOf(r)).toMatchObject({ code: 'soap:Client', kind: 'VALIDATION' });
  });

  it('a SOAP 1.2 envelope sent as text/xml (SOAP 1.1) with SOAPAction GetUser: a SOAP 1.1 VersionMismatch, nothing runs', async () => {
    const before = await bobsName();
    const doc = `${open(SOAP12)}<soap:Body>${patchBob}</soap:Body>${close}`;
    const r = await post(s.url, doc, { version: '1.1', action: `${TNS}/GetUser`, token: admin });
    expect(r.status).toBe(500);
    // SOAP 1.2 Part 1 Appendix A: a SOAP 1.1 node answers with a SOAP 1.1 VersionMismatch fault.
    expect(r.headers.get('content-type')).toMatch(/^text\/xml/);
    expect(r.text).toContain(`xmlns:soap="${SOAP11}"`);
    expect(faultOf(r)).toMatchObject({ code: 'soap:VersionMismatch', kind: 'VALIDATION' });
    expect(await bobsName()).toBe(before);
  });

  it('a SOAP 1.1 envelope sent as application/soap+xml (SOAP 1.2) with action GetUser: a SOAP 1.1 VersionMismatch with Upgrade, nothing runs', async () => {
    const before = await bobsName();
    const doc = `${open(SOAP11)}<soap:Body>${patchBob}</soap:Body>${close}`;
    const r = await post(s.url, doc, { version: '1.2', action: `${TNS}/GetUser`, token: admin });
    expect(r.status).toBe(500);
    // Appendix A: a SOAP 1.2 node that does not take the 1.1 envelope answers in SOAP 1.1, with the Upgrade header block.
    expect(r.headers.get('content-type')).toMatch(/^text\/xml/);
    expect(faultOf(r)).toMatchObject({ code: 'soap:VersionMismatch', kind: 'VALIDATION' });
    expect(r.xml.Envelope.Header.Upgrade.SupportedEnvelope).toHaveLength(2);
    expect(await bobsName()).toBe(before);
  });

  it('the well-formed versions of the same calls still work', async () => {
    const ok = await post(s.url, `${open(SOAP12)}<soap:Header/><soap:Body>${getUser}</soap:Body>${close}`, { version: '1.2', token: admin });
    expect(ok.status).toBe(200);
    const patched = await post(s.url, `${open(SOAP11)}<soap:Body>${patchBob}</soap:Body>${close}`, { token: admin });
    expect(patched.status).toBe(200);
    expect(await bobsName()).toBe('Mallory');
  });
});
