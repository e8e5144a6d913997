/**
 * What is measured: "get user 1" in each style against polyface (with a real
 * bearer token and SQLite) and against the usual library for that style
 * returning a constant, plus the front door against bare node:http. Each
 * polyface case names its peer and the ratio issue 18 sets as the target.
 */
export interface Request {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface Case {
  name: string;
  /** Which server answers: 'polyface' or a peer script in ./peers (with env). */
  server: string;
  request(token: string): Request;
  /** HTTP/1.1 through autocannon (the default), or gRPC unary calls through grpc-js. */
  kind?: 'http' | 'grpc';
  /**
   * For polyface cases: the case it is compared with and the target, either a ratio of µs/request it must stay
   * under, or (`delta`) the µs/request it may add to that case (access logging on vs off).
   */
  peer?: { name: string; target: number; delta?: boolean };
}

export interface ServerSpec {
  name: string;
  script?: string;
  env?: Record<string, string>;
  /** Its stdout goes to a file (polyface with access logs on writes them there, as to a log collector's file). */
  logFile?: boolean;
}

export const SERVERS: ServerSpec[] = [
  { name: 'polyface' },
  // The access log's cost is the difference between these two: the same REST load on two gateways alike but for
  // the log level. Against the 'polyface' above, which serves every style in turn, the delta also held what a
  // gateway running six styles' code paths costs over one running a single one (its inline caches, its heap).
  { name: 'polyface, access log off', env: { LOG_LEVEL: 'warn' } },
  { name: 'polyface, access log on', env: { LOG_LEVEL: 'info' }, logFile: true },
  { name: 'raw-node', script: 'raw-node.ts' },
  { name: 'express', script: 'express-route.ts' },
  { name: 'graphql-http', script: 'graphql-http.ts' },
  { name: 'graphql-http-cached', script: 'graphql-http.ts', env: { CACHE: '1' } },
  { name: 'json-rpc-2.0', script: 'jsonrpc-express.ts' },
  { name: 'soap', script: 'soap-server.ts' },
  { name: 'grpc-js', script: 'grpc-js.ts' },
];

const json = { 'Content-Type': 'application/json' };
const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });
const GRAPHQL = JSON.stringify({ query: '{ user(id: 1) { id name email } }' });
const RPC = JSON.stringify({ jsonrpc: '2.0', method: 'getUser', params: { id: 1 }, id: 1 });
const TNS = 'http://polyface.dev/user-service';
const envelope = (header: string) =>
  `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">${header}` +
  `<soap:Body><GetUser xmlns="${TNS}"><id>1</id></GetUser></soap:Body></soap:Envelope>`;
const WSSE =
  '<soap:Header><wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">' +
  '<wsse:UsernameToken><wsse:Username>alice@example.com</wsse:Username><wsse:Password>demo-password</wsse:Password></wsse:UsernameToken></wsse:Security></soap:Header>';
const soapHeaders = { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: `"${TNS}/GetUser"` };

export const CASES: Case[] = [
  { name: 'raw node:http /healthz', server: 'raw-node', request: () => ({ method: 'GET', path: '/healthz' }) },
  { name: 'polyface /healthz', server: 'polyface', request: () => ({ method: 'GET', path: '/healthz' }), peer: { name: 'raw node:http /healthz', target: 1.1 } },
  { name: 'express 5 route (constant)', server: 'express', request: () => ({ method: 'GET', path: '/api/v1/users/1' }) },
  {
    name: 'polyface REST',
    server: 'polyface',
    request: (t) => ({ method: 'GET', path: '/api/v1/users/1', headers: bearer(t) }),
    peer: { name: 'express 5 route (constant)', target: 0.6 },
  },
  { name: 'polyface REST, access log off', server: 'polyface, access log off', request: (t) => ({ method: 'GET', path: '/api/v1/users/1', headers: bearer(t) }) },
  {
    name: 'polyface REST, access log on',
    server: 'polyface, access log on',
    request: (t) => ({ method: 'GET', path: '/api/v1/users/1', headers: bearer(t) }),
    peer: { name: 'polyface REST, access log off', target: 5, delta: true },
  },
  { name: 'graphql-http default', server: 'graphql-http', request: () => ({ method: 'POST', path: '/graphql', headers: json, body: GRAPHQL }) },
  { name: 'graphql-http + document cache', server: 'graphql-http-cached', request: () => ({ method: 'POST', path: '/graphql', headers: json, body: GRAPHQL }) },
  {
    name: 'polyface GraphQL',
    server: 'polyface',
    request: (t) => ({ method: 'POST', path: '/graphql', headers: { ...json, ...bearer(t) }, body: GRAPHQL }),
    peer: { name: 'graphql-http + document cache', target: 0.5 },
  },
  { name: 'json-rpc-2.0 on express', server: 'json-rpc-2.0', request: () => ({ method: 'POST', path: '/rpc', headers: json, body: RPC }) },
  {
    name: 'polyface JSON-RPC',
    server: 'polyface',
    request: (t) => ({ method: 'POST', path: '/rpc', headers: { ...json, ...bearer(t) }, body: RPC }),
    peer: { name: 'json-rpc-2.0 on express', target: 0.3 },
  },
  { name: 'soap package server', server: 'soap', request: () => ({ method: 'POST', path: '/soap', headers: soapHeaders, body: envelope('') }) },
  {
    name: 'polyface SOAP (Bearer)',
    server: 'polyface',
    request: (t) => ({ method: 'POST', path: '/soap', headers: { ...soapHeaders, ...bearer(t) }, body: envelope('') }),
    peer: { name: 'soap package server', target: 0.67 },
  },
  {
    name: 'polyface SOAP (UsernameToken)',
    server: 'polyface',
    request: () => ({ method: 'POST', path: '/soap', headers: soapHeaders, body: envelope(WSSE) }),
    peer: { name: 'soap package server', target: 0.67 },
  },
  { name: 'bare grpc-js', server: 'grpc-js', kind: 'grpc', request: () => ({ method: 'POST', path: '/polyface.v1.UserService/GetUser' }) },
  {
    name: 'polyface gRPC',
    server: 'polyface',
    kind: 'grpc',
    request: () => ({ method: 'POST', path: '/polyface.v1.UserService/GetUser' }),
    peer: { name: 'bare grpc-js', target: 1.2 },
  },
];
