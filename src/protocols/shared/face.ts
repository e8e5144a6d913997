/**
 * What a style shows people and tools: the landing page, its JSON index,
 * the startup block of URLs and `polyface export-contracts` are all built
 * from the faces the registered styles declare, so a style that lands
 * appears everywhere without anyone editing those pages.
 */
export interface FaceLink {
  /** What the link is, for programs reading the JSON index: "endpoint", "docs", "explorer", "contract", "page", … */
  readonly rel: string;
  readonly title: string;
  /** A path on the HTTP front door ("/soap?wsdl"), or an absolute URL (another port or scheme, e.g. gRPC). */
  readonly href: string;
  /** Media type of what the link returns, when it is a document. */
  readonly type?: string;
}

/** A contract document a style publishes; `export-contracts` writes each to a file of this name. */
export interface ContractDocument {
  readonly file: string;
  readonly mediaType: string;
  /** The document for a gateway reachable at `baseUrl` (e.g. http://localhost:3000). */
  render(baseUrl: string): string;
}

export interface Face {
  /** Stable id, as in metrics and logs: "rest", "graphql", "jsonrpc", "soap", … */
  readonly name: string;
  /** Shown to people: "REST", "GraphQL", … */
  readonly title: string;
  readonly summary: string;
  readonly links: readonly FaceLink[];
  readonly contracts?: readonly ContractDocument[];
}

/** A face for a binding that declares none: its paths, so it is still listed. */
export function derivedFace(binding: { readonly name: string; readonly paths: readonly string[] }): Face {
  return {
    name: binding.name,
    title: binding.name,
    summary: `Served at ${binding.paths.join(', ')}`,
    links: binding.paths.map((path) => ({ rel: 'endpoint', title: path, href: path })),
  };
}

/** An href resolved against the gateway's base URL (absolute hrefs are kept). */
export function resolveHref(href: string, baseUrl: string): string {
  return /^[a-z][a-z0-9+.-]*:/i.test(href) ? href : `${baseUrl.replace(/\/$/, '')}${href}`;
}
