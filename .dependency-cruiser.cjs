/**
 * Import rules: layers point down (app → hosts → protocols → runtime →
 * contract → domain; infra implements domain ports; clients → contract;
 * compare → clients; pages → compare, clients, runtime), no cycles, inversify
 * only in the composition root, and only binding files touch node:http, ws
 * or express. Run by `.ci/run` as `npm run lint:deps`; test/architecture.test.ts
 * proves that a deliberate violation is reported, e.g.
 *
 *   echo "import '../infra/config.js';" > src/domain/oops.ts && npm run lint:deps   # exits 1, names the rule
 *
 * Test files are not cruised: a test may reach any layer it exercises.
 */
// Paths match `src/` anywhere so test/architecture.test.ts can cruise a fixture tree with the same rules.
const layer = (name) => `(^|/)src/${name}/`;
const below = {
  domain: [],
  contract: ['domain'],
  runtime: ['contract', 'domain'],
  protocols: ['runtime', 'contract', 'domain'],
  hosts: ['pages', 'protocols', 'runtime', 'contract', 'domain'],
  infra: ['domain'],
  clients: ['contract', 'domain'],
  // The comparison tooling (CLI, scenarios, measurement) drives the gateway only through the protocol clients.
  compare: ['clients', 'contract', 'domain'],
  // Pages served by the gateway (the /compare explorer): bindings like a style's, plus the tooling they show.
  pages: ['compare', 'clients', 'protocols', 'runtime', 'contract', 'domain'],
};
const ALL = ['domain', 'contract', 'runtime', 'protocols', 'hosts', 'infra', 'clients', 'compare', 'pages', 'app'];

/** Each layer may import itself and what is listed below it; nothing else of src/. */
const layerRules = Object.entries(below).map(([from, allowed]) => ({
  name: `${from}-imports-down-only`,
  comment: `${from}/ may import only ${[from, ...allowed].join(', ')} (imports point down)`,
  severity: 'error',
  from: { path: layer(from), pathNot: '\\.test\\.ts$' },
  to: { path: `(^|/)src/(${ALL.filter((l) => l !== from && !allowed.includes(l)).join('|')})/` },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No import cycles anywhere in src/',
      severity: 'error',
      from: { path: '(^|/)src/' },
      to: { circular: true },
    },
    ...layerRules.filter((r) => r.name !== 'clients-imports-down-only' && r.name !== 'pages-imports-down-only'),
    {
      name: 'clients-imports-down-only',
      comment: 'clients/ may import contract, domain and the published parts of a style (protocols/*/spec.ts, docs.ts, and gRPC\'s status.ts: the richer error model\'s wire codec), never its server code',
      severity: 'error',
      from: { path: layer('clients') },
      to: { path: '(^|/)src/(runtime|hosts|infra|app)/|(^|/)src/protocols/(?![^/]+/(spec|docs)\\.ts$)(?!grpc/status\\.ts$)' },
    },
    {
      name: 'pages-imports-down-only',
      comment: 'pages/ may import compare, clients, runtime, contract, domain and protocols/shared (HTTP helpers), never a style\'s own code',
      severity: 'error',
      from: { path: layer('pages') },
      to: { path: '(^|/)src/(hosts|infra|app)/|(^|/)src/protocols/(?!shared/)' },
    },
    {
      name: 'inversify-only-in-app',
      comment: 'Only the composition root (src/app/) knows the DI container',
      severity: 'error',
      from: { path: '(^|/)src/', pathNot: '(^|/)src/app/' },
      to: { path: 'node_modules/(inversify|@inversifyjs)/' },
    },
    {
      name: 'http-only-in-bindings',
      comment:
        'Only binding files (hosts/, protocols/*/{http,ws,express}.ts, pages/*/http.ts, and compare/tap.ts, the socket-level byte counter) import node:http, ws or express; cores stay framework-free (type-only imports are fine). ' +
        'Clients are network code by nature: they may open WebSockets (Node 20 has no global WebSocket).',
      severity: 'error',
      from: { path: '(^|/)src/', pathNot: '(^|/)src/(hosts/|clients/|protocols/[^/]+/(http|ws|express)\\.ts$|pages/[^/]+/http\\.ts$|compare/tap\\.ts$)' },
      to: {
        path: '^(node:)?(http|https|http2|net)$|node_modules/(ws|express)/',
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js', '.d.ts'] },
    moduleSystems: ['es6', 'cjs'],
  },
};
