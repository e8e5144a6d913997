import { linkUrl } from '../hosts/landing.js';
import { StartupError } from '../infra/startup-error.js';
import type { Face } from '../protocols/shared/face.js';

/** A failed bind → one line naming the setting and the fix; other errors pass through. */
export function listenStartupError(err: unknown, setting: 'PORT' | 'METRICS_PORT' | 'GRPC_PORT', host: string, port: number): unknown {
  const e = err as { code?: string | number; message?: string } | undefined;
  // grpc-js reports a failed bind only in its message ("… listen EADDRINUSE: address already in use").
  const code = typeof e?.code === 'string' ? e.code : /\b(EADDRINUSE|EACCES|EADDRNOTAVAIL|ENOTFOUND|EAI_AGAIN|EAI_NONAME)\b/.exec(e?.message ?? '')?.[1];
  switch (code) {
    case 'EADDRINUSE':
      return new StartupError(setting, `${setting}=${port} is already in use on ${host}: stop whatever listens there, or set ${setting} to a free port (${setting}=0 picks one)`, { cause: err });
    case 'EACCES':
      return new StartupError(setting, `${setting}=${port} on ${host} needs privileges this process lacks: choose a port above 1023`, { cause: err });
    case 'EADDRNOTAVAIL':
      return new StartupError('HOST', `HOST=${host} is not an address of this machine: set HOST to 127.0.0.1, to 0.0.0.0 (every interface) or to one of its addresses`, { cause: err });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return new StartupError('HOST', `HOST=${host} does not resolve to an address: set HOST to an IP address such as 127.0.0.1 or 0.0.0.0`, { cause: err });
    default:
      return err;
  }
}

/** The readable block of URLs printed at start on a terminal: one row per link, grouped by face. */
export function startupBlock(version: string, url: string, faces: readonly Face[], metricsUrl: string | undefined): string {
  const rows: [string, string, string][] = [];
  for (const face of faces) face.links.forEach((l, i) => rows.push([i === 0 ? face.title : '', l.title, linkUrl(l, url)]));
  if (metricsUrl) rows.push(['Operations', 'Prometheus metrics (METRICS_PORT)', metricsUrl]);
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  const lines = rows.map(([a, b, c]) => `  ${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}`);
  return `\npolyface ${version} is listening on ${url}\n\n  Landing page: ${url}/\n\n${lines.join('\n')}\n\n`;
}

/** The same list for JSON logs: face → link title → URL. */
export function startupIndex(url: string, faces: readonly Face[], metricsUrl: string | undefined): Record<string, Record<string, string>> {
  const index: Record<string, Record<string, string>> = {};
  for (const face of faces) index[face.name] = Object.fromEntries(face.links.map((l) => [l.title, linkUrl(l, url)]));
  if (metricsUrl) (index.gateway ??= {})['Prometheus metrics (METRICS_PORT)'] = metricsUrl;
  return index;
}
