// `npm start`: compile when dist/ is missing or older than src/, then run the gateway.
import { pathToFileURL } from 'node:url';
import { ensureBuilt } from './ensure-built.mjs';

// A production start unless told otherwise: graphql-js skips its development-mode `instanceOf` checks (6.5% of a
// nested query's CPU in issue 18's profile) only when NODE_ENV is 'production' as the module is first loaded.
process.env.NODE_ENV ??= 'production';
await import(pathToFileURL(ensureBuilt('app/main.js')).href);
