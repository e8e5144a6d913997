// The SOAP peer: the `soap` package's server on polyface's own WSDL, answering GetUser with a constant.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as soap from 'soap';
import { port, ready, USER } from './common.js';

const wsdl = readFileSync(new URL('../../../wsdl/polyface.wsdl', import.meta.url), 'utf8');
const server = createServer((_req, res) => {
  res.writeHead(404);
  res.end();
});
const GetUser = () => ({ User: USER });
soap.listen(server, '/soap', { UserService: { UserServiceSoap: { GetUser }, UserServiceSoap12: { GetUser } } }, wsdl);
server.listen(port(), '127.0.0.1', () => ready((server.address() as AddressInfo).port));
