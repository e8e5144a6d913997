import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { StaticAssets } from '../shared/assets.js';
import type { HttpReply } from '../shared/http.js';
import { ASSET_PREFIX } from './spec.js';

export { ASSET_PREFIX };

const require = createRequire(import.meta.url);
// react and react-dom do not export their UMD builds, so find them beside package.json.
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

/** Who the prefilled Login mutation logs in as. */
export interface ExplorerLogin {
  readonly username: string;
  /** The real password only in demo mode (DEMO_PASSWORD set and demo data on); otherwise a placeholder. */
  readonly password: string | undefined;
}

export const PASSWORD_PLACEHOLDER = '<DEMO_PASSWORD>';

/** Wires GraphiQL to this endpoint; a file rather than inline script so a strict CSP stays possible. */
function bootstrap(login: ExplorerLogin): string {
  return `(function () {
  var params = new URLSearchParams(window.location.search);
  var fetcher = GraphiQL.createFetcher({ url: window.location.pathname });
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(React.createElement(GraphiQL, {
    fetcher: fetcher,
    defaultQuery: params.get('query') || ${JSON.stringify(defaultQuery(login)).replace(/</g, '\\u003c')},
    defaultEditorToolsVisibility: 'headers',
    isHeadersEditorEnabled: true,
  }));
})();
`;
}

export function defaultQuery(login: ExplorerLogin): string {
  const password = login.password ?? PASSWORD_PLACEHOLDER;
  return [
    '# 1. Run "Login" below, copy access_token.',
    ...(login.password === undefined ? ['#    (Put the demo password in place of <DEMO_PASSWORD>: DEMO_PASSWORD, or the one printed at the first start.)'] : []),
    '# 2. In the Headers tab enter: { "Authorization": "Bearer <access_token>" }',
    '# 3. Run "UserWithOrders".',
    '',
    'mutation Login {',
    `  login(username: ${JSON.stringify(login.username)}, password: ${JSON.stringify(password)}) { access_token expires_in }`,
    '}',
    '',
    'query UserWithOrders {',
    '  user(id: 1) {',
    '    id name email',
    '    orders { id createdAt items { product { name price } quantity } totalAmount }',
    '  }',
    '}',
    '',
  ].join('\n');
}

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>polyface · GraphQL explorer</title>
  <link rel="icon" href="/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="${ASSET_PREFIX}graphiql.min.css">
  <style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
  <div id="graphiql">Loading the GraphQL explorer…</div>
  <script src="${ASSET_PREFIX}react.production.min.js"></script>
  <script src="${ASSET_PREFIX}react-dom.production.min.js"></script>
  <script src="${ASSET_PREFIX}graphiql.min.js"></script>
  <script src="${ASSET_PREFIX}explorer.js"></script>
</body>
</html>
`;

interface Asset {
  type: string;
  load(): Buffer;
}

const FILES: Record<string, Asset> = {
  'graphiql.min.js': { type: JS, load: () => readFileSync(join(packageDir('graphiql'), 'graphiql.min.js')) },
  'graphiql.min.css': { type: CSS, load: () => readFileSync(join(packageDir('graphiql'), 'graphiql.min.css')) },
  'react.production.min.js': { type: JS, load: () => readFileSync(join(packageDir('react'), 'umd/react.production.min.js')) },
  'react-dom.production.min.js': { type: JS, load: () => readFileSync(join(packageDir('react-dom'), 'umd/react-dom.production.min.js')) },
};

/**
 * Browsers navigating to /graphql ask for HTML (and no JSON); GraphQL
 * clients ask for JSON. A browser URL with ?query= opens the explorer
 * with that query filled in.
 */
export function wantsExplorer(method: string | undefined, accept: string | undefined): boolean {
  if (method !== 'GET') return false;
  const a = (accept ?? '').toLowerCase();
  return a.includes('text/html') && !a.includes('json');
}

/**
 * Scripts only from this origin (the page's own is a file, not inline). GraphiQL sets style attributes as it lays
 * out panes, hence 'unsafe-inline' for styles only (the page's one <style> too); its fetcher talks to this origin.
 * frame-ancestors (CSP Level 3 §6.4.2): no other site may frame the explorer (clickjacking).
 */
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export const EXPLORER_PAGE: HttpReply = {
  status: 200,
  headers: {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(PAGE),
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': CSP,
    Vary: 'Accept',
  },
  body: PAGE,
};

/** The explorer's files from node_modules; unknown names are not assets. */
export class ExplorerAssets {
  private readonly files = new StaticAssets();
  private readonly assets: Record<string, Asset>;

  constructor(login: ExplorerLogin) {
    const script = Buffer.from(bootstrap(login));
    this.assets = { ...FILES, 'explorer.js': { type: JS, load: () => script } };
  }

  /** Undefined when the path is not an explorer asset. */
  reply(pathname: string, method: string | undefined, acceptEncoding: string | undefined): HttpReply | undefined {
    const name = pathname.slice(ASSET_PREFIX.length);
    const asset = Object.hasOwn(this.assets, name) ? this.assets[name] : undefined;
    return asset && this.files.reply(name, asset.type, asset.load, method, acceptEncoding);
  }
}
