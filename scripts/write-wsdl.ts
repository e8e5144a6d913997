/**
 * Regenerates wsdl/polyface.wsdl from the operation list:
 *   npx tsx scripts/write-wsdl.ts
 * test/soap/wsdl.test.ts fails when the checked-in file and the code disagree.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildContract } from '../src/protocols/soap/contract.js';
import { DEFAULT_LOCATION, wsdlDocument } from '../src/protocols/soap/docs.js';

const target = fileURLToPath(new URL('../wsdl/polyface.wsdl', import.meta.url));
writeFileSync(target, wsdlDocument(buildContract(), DEFAULT_LOCATION));
process.stdout.write(`wrote ${target}\n`);
