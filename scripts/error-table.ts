// Prints the README's error-mapping table from the adapters' maps: npx tsx scripts/error-table.ts
import { errorMappingTable } from '../src/protocols/error-table.js';

process.stdout.write(`${errorMappingTable()}\n`);
