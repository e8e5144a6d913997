import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { renderCharts } from './charts.js';
import { htmlReport } from './html.js';
import { REPORT_FILES, type Report } from './report.js';
import { markdownReport, readmeBlock, replaceReadmeBlock } from './tables.js';

export { REPORT_FILES };

/** report.json, report.md, report.html and one SVG per chart; returns the paths written. */
export async function writeReports(report: Report, outDir: string): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const charts = await renderCharts(report);
  const written: string[] = [];
  const put = async (name: string, text: string) => {
    const path = join(outDir, name);
    await writeFile(path, text);
    written.push(path);
  };
  await put(REPORT_FILES.json, `${JSON.stringify(report, null, 1)}\n`);
  for (const [name, svg] of Object.entries(charts)) await put(`${name}.svg`, svg!);
  await put(REPORT_FILES.markdown, markdownReport(report, Object.keys(charts)));
  await put(REPORT_FILES.html, htmlReport(report, charts));
  return written;
}

/**
 * Rewrites the README's comparison block from a report, and puts the same
 * run's charts beside it (`chartDir`, relative to the README) so the table
 * and the pictures always come from one run.
 */
export async function updateReadme(report: Report, readmePath: string, chartDir: string): Promise<void> {
  const charts = await renderCharts(report);
  await mkdir(chartDir, { recursive: true });
  for (const [name, svg] of Object.entries(charts)) await writeFile(join(chartDir, `${name}.svg`), svg!);
  const rel = relative(join(readmePath, '..'), chartDir).split('\\').join('/');
  const readme = await readFile(readmePath, 'utf8');
  await writeFile(readmePath, replaceReadmeBlock(readme, readmeBlock(report, rel)));
}
