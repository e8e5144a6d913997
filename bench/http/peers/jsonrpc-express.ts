// The JSON-RPC peer: json-rpc-2.0's server on express with express.json(), as its README shows.
import type { AddressInfo } from 'node:net';
import express from 'express';
import { JSONRPCServer } from 'json-rpc-2.0';
import { port, ready, USER } from './common.js';

const rpc = new JSONRPCServer();
rpc.addMethod('getUser', () => USER);
const app = express();
app.disable('x-powered-by');
app.use(express.json());
app.post('/rpc', async (req, res) => {
  const reply = await rpc.receive(req.body);
  if (reply) res.json(reply);
  else res.sendStatus(204);
});
const server = app.listen(port(), '127.0.0.1', () => ready((server.address() as AddressInfo).port));
