// The REST peer: an express 5 route returning the user as a constant (no storage, no auth).
import type { AddressInfo } from 'node:net';
import express from 'express';
import { port, ready, USER } from './common.js';

const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.get('/api/v1/users/:id', (_req, res) => void res.json(USER));
const server = app.listen(port(), '127.0.0.1', () => ready((server.address() as AddressInfo).port));
