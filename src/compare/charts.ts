import type { TopLevelSpec } from 'vega-lite';
import type { Report } from './report.js';

/**
 * The report's pictures, as Vega-Lite specifications rendered to SVG on
 * the server (vega's headless View, no canvas, no browser, no network):
 * people compare sizes by looking. One small chart per scenario, styles in
 * registration order, the same colour per style everywhere.
 */

export type ChartName = 'bytes' | 'bytes-cold' | 'round-trips' | 'latency' | 'cpu';

/** Chart files a CLI run writes (the page serves exactly these names from the report folder). */
export const CHART_NAMES: readonly ChartName[] = ['bytes', 'bytes-cold', 'round-trips', 'latency', 'cpu'];

export const CHART_TITLES: Record<ChartName | 'time', string> = {
  bytes: 'Bytes on the wire per run, warm connection (up = request, down = response)',
  'bytes-cold': 'Bytes on the wire, first call on fresh connections',
  'round-trips': 'Round trips per run (HTTP requests, WebSocket messages, gRPC calls)',
  latency: 'Latency per run, ms, log scale (box: p25–p75, whiskers: 1.5 × IQR, dots: slower runs)',
  time: 'Time of one warm run, ms',
  cpu: 'Server CPU per run, µs',
};

type Row = Record<string, string | number>;

const COLUMNS = 3;

function faceted(title: string, rows: Row[], inner: object, scenarioOrder: string[]): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, anchor: 'start', fontSize: 14 },
    data: { values: rows },
    facet: { field: 'scenario', type: 'nominal', title: null, sort: scenarioOrder, header: { labelFontSize: 12, labelFontWeight: 'bold', labelLimit: 240 } },
    columns: COLUMNS,
    resolve: { scale: { y: 'independent' } },
    spec: { width: 220, height: 150, ...inner },
    config: { axis: { labelFontSize: 10, titleFontSize: 10 }, range: { category: { scheme: 'tableau10' } }, legend: { orient: 'bottom' } },
  } as TopLevelSpec;
}

/** The chart specifications for a report (or for one page run: a report with one scenario). */
export function chartSpecs(report: Pick<Report, 'styles' | 'scenarios' | 'results'>): Partial<Record<ChartName, TopLevelSpec>> {
  const labels = new Map(report.styles.map((s) => [s.id, s.label]));
  const styleOrder = report.styles.map((s) => s.label);
  const scenarioTitle = new Map(report.scenarios.map((s) => [s.id, s.title]));
  const scenarioOrder = report.scenarios.map((s) => s.title);
  const ok = report.results.filter((c) => c.status === 'ok');
  const base = (scenario: string, style: string) => ({ scenario: scenarioTitle.get(scenario) ?? scenario, style: labels.get(style) ?? style });
  const x = { field: 'style', type: 'nominal', title: null, sort: styleOrder, axis: { labelAngle: -35 } } as const;
  const color = { field: 'style', type: 'nominal', sort: styleOrder, legend: null } as const;

  const bytesRows = (which: 'cold' | 'warm') =>
    ok.flatMap((c) =>
      c[which]
        ? [
            { ...base(c.scenario, c.style), direction: 'up', bytes: Math.round(c[which]!.bytesUp) },
            { ...base(c.scenario, c.style), direction: 'down', bytes: Math.round(c[which]!.bytesDown) },
          ]
        : [],
    );
  const bytesSpec = (rows: Row[], title: string) =>
    faceted(
      title,
      rows,
      {
        mark: { type: 'bar', tooltip: true },
        encoding: {
          x,
          y: { field: 'bytes', type: 'quantitative', title: 'bytes', stack: 'zero' },
          color: { field: 'direction', type: 'nominal', title: 'direction', scale: { domain: ['up', 'down'], range: ['#4c78a8', '#f58518'] } },
          order: { field: 'direction', sort: 'descending' },
        },
      },
      scenarioOrder,
    );

  const specs: Partial<Record<ChartName, TopLevelSpec>> = {};
  const warm = bytesRows('warm');
  if (warm.length) specs.bytes = bytesSpec(warm, CHART_TITLES.bytes);
  const cold = bytesRows('cold');
  if (cold.length) specs['bytes-cold'] = bytesSpec(cold, CHART_TITLES['bytes-cold']);

  const trips = ok.filter((c) => c.warm).map((c) => ({ ...base(c.scenario, c.style), roundTrips: c.warm!.roundTrips }));
  if (trips.length) {
    specs['round-trips'] = faceted(
      CHART_TITLES['round-trips'],
      trips,
      {
        layer: [
          { mark: { type: 'bar', tooltip: true }, encoding: { x, y: { field: 'roundTrips', type: 'quantitative', title: 'round trips', axis: { tickMinStep: 1 } }, color } },
          { mark: { type: 'text', dy: -6, fontSize: 10 }, encoding: { x, y: { field: 'roundTrips', type: 'quantitative' }, text: { field: 'roundTrips', type: 'quantitative' } } },
        ],
      },
      scenarioOrder,
    );
  }

  const samples = ok.flatMap((c) => (c.latency?.samples ?? []).map((ms) => ({ ...base(c.scenario, c.style), ms })));
  if (samples.length && ok.every((c) => (c.latency?.samples.length ?? 0) <= 1)) {
    // One run per style (a live run on the page): a distribution of one is a bar.
    specs.latency = faceted(
      CHART_TITLES.time,
      samples,
      {
        layer: [
          { mark: { type: 'bar', tooltip: true }, encoding: { x, y: { field: 'ms', type: 'quantitative', title: 'ms' }, color } },
          { mark: { type: 'text', dy: -6, fontSize: 10, format: '.1f' }, encoding: { x, y: { field: 'ms', type: 'quantitative' }, text: { field: 'ms', type: 'quantitative', format: '.1f' } } },
        ],
      },
      scenarioOrder,
    );
  } else if (samples.length) {
    specs.latency = faceted(
      CHART_TITLES.latency,
      samples,
      // Log scale: styles differ by multiples, and a shared 2-core machine gives long tails that would flatten the boxes.
      { mark: { type: 'boxplot', extent: 1.5, size: 18, outliers: { size: 6, opacity: 0.4 } }, encoding: { x, y: { field: 'ms', type: 'quantitative', title: 'ms', scale: { type: 'log' } }, color } },
      scenarioOrder,
    );
  }

  const cpu = ok.filter((c) => c.cpu).map((c) => ({ ...base(c.scenario, c.style), micros: c.cpu!.microsPerRun }));
  if (cpu.length) {
    specs.cpu = faceted(
      CHART_TITLES.cpu,
      cpu,
      { mark: { type: 'bar', tooltip: true }, encoding: { x, y: { field: 'micros', type: 'quantitative', title: 'µs' }, color } },
      scenarioOrder,
    );
  }
  return specs;
}

/** Vega and Vega-Lite are large; they load on the first chart, not with the gateway. */
let engines: Promise<[typeof import('vega'), typeof import('vega-lite')]> | undefined;

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  engines ??= Promise.all([import('vega'), import('vega-lite')]);
  const [vega, vl] = await engines;
  // renderer 'none': no canvas or DOM; toSVG builds the markup from the scenegraph.
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Every chart the report has data for, as SVG text. */
export async function renderCharts(report: Pick<Report, 'styles' | 'scenarios' | 'results'>): Promise<Partial<Record<ChartName, string>>> {
  const out: Partial<Record<ChartName, string>> = {};
  for (const [name, spec] of Object.entries(chartSpecs(report)) as [ChartName, TopLevelSpec][]) out[name] = await renderSvg(spec);
  return out;
}
