// npx tsx bench/soap-refusal.ts
//
// What a hostile SOAP envelope costs before anyone is authenticated (issue 10, finding 8): the envelope reader
// alone, in this process, on the documents of test/security/soap-cpu.test.ts. Prints milliseconds of CPU per
// refusal (median of a few runs); the test asserts the refusal, this prints the figure. A few seconds at most.
import { loadConfig } from '../src/infra/config.js';
import { EnvelopeReader } from '../src/protocols/soap/envelope.js';

const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const TNS = 'http://polyface.dev/user-service';
const envelope = (body: string) => `<soap:Envelope xmlns:soap="${SOAP11}"><soap:Body>${body}</soap:Body></soap:Envelope>`;
const attributes = (n: number) => Array.from({ length: n }, (_, i) => `a${i}="1"`).join(' ');

const limits = loadConfig({}).soap;
const reader = new EnvelopeReader(limits);
const unlimited = new EnvelopeReader({ maxDepth: limits.maxDepth, maxElements: Number.MAX_SAFE_INTEGER, maxAttributes: Number.MAX_SAFE_INTEGER });

const documents: [string, string][] = [
  ['100k attributes on one element', envelope(`<GetUser xmlns="${TNS}" ${attributes(100_000)}><id>1</id></GetUser>`)],
  ['200k empty elements', envelope(`<GetUser xmlns="${TNS}"><id>1</id>${'<x/>'.repeat(200_000)}</GetUser>`)],
  ['1 MB of text in one element', envelope(`<GetUser xmlns="${TNS}"><id>${'1'.repeat(1_000_000)}</id></GetUser>`)],
];

function cpuMs(read: () => void): number {
  const runs: number[] = [];
  for (let i = 0; i < 7; i++) {
    const start = process.cpuUsage();
    try {
      read();
    } catch {
      // A refusal is the expected outcome.
    }
    const used = process.cpuUsage(start);
    runs.push((used.user + used.system) / 1000);
  }
  return runs.sort((a, b) => a - b)[3]!;
}

console.log(`limits: SOAP_MAX_ELEMENTS=${limits.maxElements} SOAP_MAX_ATTRIBUTES=${limits.maxAttributes} SOAP_MAX_DEPTH=${limits.maxDepth}`);
for (const [name, doc] of documents) {
  let outcome = 'read';
  try {
    reader.read(doc);
  } catch (err) {
    outcome = (err as Error).message;
  }
  const refused = cpuMs(() => reader.read(doc));
  const whole = cpuMs(() => unlimited.parse(doc));
  console.log(`${name} (${(doc.length / 1e6).toFixed(2)} MB): ${refused.toFixed(2)} ms CPU → ${outcome}; reading it all without limits: ${whole.toFixed(2)} ms`);
}
