#!/usr/bin/env node
// The `polyface` command (package.json "bin"; `npx polyface --help` in a checkout): compiles when needed, then runs the CLI.
import { pathToFileURL } from 'node:url';
import { ensureBuilt } from '../scripts/ensure-built.mjs';

const { main } = await import(pathToFileURL(ensureBuilt('app/cli.js')).href);
await main(process.argv);
