// `npm start`: compile when dist/ is missing or older than src/, then run the gateway.
import { pathToFileURL } from 'node:url';
import { ensureBuilt } from './ensure-built.mjs';

await import(pathToFileURL(ensureBuilt('app/main.js')).href);
