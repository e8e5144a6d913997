import { CHART_TITLES, type ChartName } from './charts.js';
import { escapeHtml, highlightCss, highlightMessage } from './highlight.js';
import { findCell, type Report } from './report.js';
import { cellFigures, runLine } from './tables.js';

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1400px; padding: 1rem 2rem; color: #1f2328; }
h1 { font-size: 1.6rem; } h2 { margin-top: 2.5rem; border-bottom: 1px solid #d0d7de; }
table { border-collapse: collapse; margin: .5rem 0 1rem; }
th, td { border: 1px solid #d0d7de; padding: .25rem .6rem; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
.chart { overflow-x: auto; margin: 1rem 0; }
.exchanges { display: grid; gap: .75rem; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: .5rem; }
pre { margin: 0; padding: .5rem; background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 6px; white-space: pre-wrap; word-break: break-all; font-size: 12px; max-height: 28rem; overflow: auto; }
.meta { color: #59636e; font-size: 12px; margin: .2rem 0; }
summary { cursor: pointer; font-weight: 600; }
`;

/** One style's exchanges of a scenario: request and response side by side, with their bytes. */
export function exchangesHtml(exchanges: Report['results'][number]['exchanges']): string {
  if (!exchanges?.length) return '<p class="meta">No exchange captured.</p>';
  return exchanges
    .map(
      (e, n) => `<div class="pair">
  <div><p class="meta">#${n + 1} request · connection ${e.connection} · ${e.request.bytes} bytes</p><pre><code class="hljs">${highlightMessage(e.request)}</code></pre></div>
  <div><p class="meta">response · ${e.response.bytes} bytes</p><pre><code class="hljs">${highlightMessage(e.response)}</code></pre></div>
</div>`,
    )
    .join('\n');
}

/**
 * report.html: one file with everything inlined (styles, charts as SVG,
 * highlighted exchanges), so it opens offline and can be mailed around.
 */
export function htmlReport(report: Report, charts: Partial<Record<ChartName, string>>): string {
  const parts: string[] = [];
  parts.push(`<h1>polyface: the styles compared</h1><p class="meta">${escapeHtml(runLine(report))}</p>`);
  for (const [name, svg] of Object.entries(charts) as [ChartName, string][]) {
    parts.push(`<div class="chart" id="chart-${name}" aria-label="${escapeHtml(CHART_TITLES[name])}">${svg}</div>`);
  }
  for (const sc of report.scenarios) {
    parts.push(`<h2 id="${escapeHtml(sc.id)}">${escapeHtml(sc.title)}</h2><p>${escapeHtml(sc.summary)} <span class="meta">Source: ${escapeHtml(sc.source)}.</span></p>`);
    const head = ['style', 'bytes up', 'bytes down', 'first call bytes', 'round trips', 'p50 ms', 'p95 ms', 'p99 ms', 'server CPU µs'];
    const body = report.styles
      .map((s) => {
        const f = cellFigures(findCell(report, sc.id, s.id));
        return `<tr><td>${escapeHtml(s.label)}</td>${[f.up, f.down, f.coldTotal, f.trips, f.p50, f.p95, f.p99, f.cpu].map((v) => `<td class="n">${escapeHtml(v)}</td>`).join('')}</tr>`;
      })
      .join('');
    parts.push(`<table><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${body}</tbody></table>`);
    for (const s of report.styles) {
      const c = findCell(report, sc.id, s.id);
      if (!c || c.status === 'not-applicable') continue;
      const what = c.status === 'failed' ? `failed: ${c.error ?? ''}` : `${c.exchanges?.length ?? 0} exchange(s) of one warm run`;
      parts.push(`<details><summary>${escapeHtml(s.label)} — ${escapeHtml(what)}</summary><div class="exchanges">${exchangesHtml(c.exchanges)}</div></details>`);
    }
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>polyface · styles compared</title>
<style>${STYLE}${highlightCss()}</style></head>
<body>${parts.join('\n')}</body></html>
`;
}
