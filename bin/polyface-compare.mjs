#!/usr/bin/env node
// `npm run compare`: the comparison CLI (src/compare/cli.ts), run from source through tsx like `npm run dev`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/compare/cli.ts');
const code = await main(process.argv.slice(2));
// Keep-alive sockets of the clients would hold the process open for a few seconds more.
process.exit(code);
