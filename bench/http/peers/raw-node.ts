// The ceiling: bare node:http answering /healthz.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { port, ready } from './common.js';

const body = JSON.stringify({ status: 'ok' });
const server: Server = createServer((_req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
});
server.keepAliveTimeout = 5_000;
server.listen(port(), '127.0.0.1', () => ready((server.address() as AddressInfo).port));
