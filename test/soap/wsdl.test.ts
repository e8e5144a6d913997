import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { XMLParser } from 'fast-xml-parser';
import * as soap from 'soap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildContract, TNS } from '../../src/protocols/soap/contract.js';
import { DEFAULT_LOCATION, wsdlDocument } from '../../src/protocols/soap/docs.js';
import { pascalName, UNARY_OPERATIONS as OPERATIONS } from '../../src/contract/operations.js';
import { startServer, type TestServer } from '../support/server.js';

const OP_NAMES = OPERATIONS.map((o) => pascalName(o.name));
const asList = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const reader = new XMLParser({ removeNSPrefix: true, ignoreAttributes: false, attributeNamePrefix: '' });

/** GET with an explicit Host header (fetch does not let one set it). */
function getWithHost(url: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/soap?wsdl`, { headers: { Host: host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('WSDL', () => {
  let s: TestServer;
  let served: string;
  let wsdl: any;
  beforeAll(async () => {
    s = await startServer();
    const res = await fetch(`${s.url}/soap?wsdl`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/xml; charset=utf-8');
    served = await res.text();
    wsdl = reader.parse(served).definitions;
  });
  afterAll(() => s.close());

  it('the checked-in wsdl/polyface.wsdl is exactly what the code generates (regenerate: npx tsx scripts/write-wsdl.ts)', () => {
    const checkedIn = readFileSync(new URL('../../wsdl/polyface.wsdl', import.meta.url), 'utf8');
    expect(checkedIn).toBe(wsdlDocument(buildContract(), DEFAULT_LOCATION));
  });

  it('the served WSDL is the same document with the address it was fetched on', () => {
    expect(served).toBe(wsdlDocument(buildContract(), `${s.url}/soap`));
    const ports = asList(wsdl.service.port);
    expect(ports.map((p: any) => p.name)).toEqual(['UserServiceSoap', 'UserServiceSoap12']);
    for (const port of ports) expect(port.address.location).toBe(`${s.url}/soap`);
  });

  it('the address is the listening URL, never the Host header (issue 10, finding 10: a forged Host must not steer clients)', async () => {
    for (const host of ['soap.example.test:8443', 'evil"><x']) {
      const r = await getWithHost(s.url, host);
      expect(r.status).toBe(200);
      expect(r.body).toContain(`location="${s.url}/soap"`);
      expect(r.body).not.toContain('soap.example.test');
      expect(r.body).not.toContain('evil');
    }
  });

  it('PUBLIC_URL sets the address (with a path prefix, for a gateway behind a proxy)', async () => {
    const behind = await startServer({ publicUrl: 'https://api.example.com/gw' });
    try {
      const r = await getWithHost(behind.url, 'attacker.example');
      expect(r.body).toContain('location="https://api.example.com/gw/soap"');
      expect(r.body).not.toContain('attacker');
    } finally {
      await behind.close();
    }
  });

  it('port type and both bindings list exactly the operations of OPERATIONS, in order', () => {
    expect(asList(wsdl.portType.operation).map((o: any) => o.name)).toEqual(OP_NAMES);
    const bindings = asList(wsdl.binding);
    expect(bindings.map((b: any) => b.name)).toEqual(['UserServiceSoap', 'UserServiceSoap12']);
    for (const binding of bindings) {
      expect(binding.binding.style).toBe('document');
      const ops = asList(binding.operation);
      expect(ops.map((o: any) => o.name)).toEqual(OP_NAMES);
      for (const op of ops) {
        expect(op.operation.soapAction).toBe(`${TNS}/${op.name}`);
        expect(op.input.body.use).toBe('literal');
        expect(op.fault.name).toBe('ServiceFault');
      }
    }
    // Same names in the served document's SOAP 1.1 and 1.2 extension namespaces, not just any "binding".
    expect(served).toContain('<soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>');
    expect(served).toContain('<soap12:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>');
  });

  it('declares a wrapper element per request and response, the domain types and the fault detail', () => {
    const schema = wsdl.types.schema;
    expect(schema.targetNamespace).toBe(TNS);
    expect(schema.elementFormDefault).toBe('qualified');
    const elements = asList(schema.element).map((e: any) => e.name);
    expect(elements).toEqual([...OP_NAMES.flatMap((n) => [n, `${n}Response`]), 'ServiceFault']);
    const types = asList(schema.complexType).map((t: any) => t.name);
    expect(types.sort()).toEqual(
      [
        'DayStats',
        'Deleted',
        'Event',
        'EventBatch',
        'FieldError',
        'ItemError',
        'Order',
        'OrderItem',
        'OrderPage',
        'OrderStats',
        'Product',
        'ProductPage',
        'ProductStats',
        'ServiceFault',
        'Token',
        'User',
        'UserBulkItem',
        'UserBulkResult',
        'UserPage',
      ].sort(),
    );
    const byName = Object.fromEntries(asList(schema.element).map((e: any) => [e.name, e]));
    // GetEvents(after, max, waitSeconds, types): long polling; an event names its payload by kind (no xsd:choice needed).
    const getEvents = asList(byName.GetEvents.complexType.sequence.element).map((e: any) => e.name);
    expect(getEvents).toEqual(['after', 'max', 'waitSeconds', 'types']);
    const event = asList(asList(schema.complexType).find((t: any) => t.name === 'Event').sequence.element);
    expect(event.map((e: any) => [e.name, e.type, e.minOccurs ?? '1'])).toEqual([
      ['id', 'xsd:string', '1'],
      ['type', undefined, '1'], // an inline xsd:enumeration of the event types
      ['occurredAt', 'xsd:dateTime', '1'],
      ['user', 'tns:User', '0'],
      ['order', 'tns:Order', '0'],
      ['product', 'tns:Product', '0'],
      ['deletedId', 'xsd:long', '0'],
    ]);
    // The source material's shapes: GetUser(id) → GetUserResponse/User.
    expect(byName.GetUser.complexType.sequence.element).toMatchObject({ name: 'id', type: 'xsd:long' });
    expect(byName.GetUserResponse.complexType.sequence.element).toMatchObject({ name: 'User', type: 'tns:User' });
    // Arrays are repeated elements.
    const items = asList(byName.CreateOrder.complexType.sequence.element).find((e: any) => e.name === 'items');
    expect(items.maxOccurs).toBe('100');
    expect(items.minOccurs ?? '1').toBe('1');
    const pageItems = asList(asList(schema.complexType).find((t: any) => t.name === 'UserPage').sequence.element)[0];
    expect(pageItems).toMatchObject({ name: 'items', type: 'tns:User', minOccurs: '0', maxOccurs: 'unbounded' });
    const messages = asList(wsdl.message).map((m: any) => m.name);
    expect(messages).toContain('ServiceFault');
    for (const op of asList(wsdl.portType.operation)) expect(op.fault.message).toBe('tns:ServiceFault');
  });

  it('the soap npm client reads it and sees every operation on both ports', async () => {
    const client = await soap.createClientAsync(`${s.url}/soap?wsdl`);
    const described = client.describe().UserService;
    expect(Object.keys(described)).toEqual(['UserServiceSoap', 'UserServiceSoap12']);
    expect(Object.keys(described.UserServiceSoap)).toEqual(OP_NAMES);
    expect(Object.keys(described.UserServiceSoap12)).toEqual(OP_NAMES);
  });

  it('answers ?WSDL in any case and HEAD; GET without it and other methods are refused', async () => {
    expect((await fetch(`${s.url}/soap?WSDL`)).status).toBe(200);
    const head = await fetch(`${s.url}/soap?wsdl`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBe(Buffer.byteLength(served));
    const plain = await fetch(`${s.url}/soap`);
    expect(plain.status).toBe(400);
    expect(await plain.text()).toContain('/soap?wsdl');
    const put = await fetch(`${s.url}/soap`, { method: 'PUT', body: 'x' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, HEAD, POST');
  });
});
