import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { MessageText } from './report.js';

const require = createRequire(import.meta.url);

/**
 * The part of highlight.js used here. Loaded with require and typed by hand
 * because its own typings pull the DOM library into the whole program
 * (`/// <reference lib="dom" />`), which changes what fetch accepts in
 * unrelated files.
 */
interface Highlighter {
  registerLanguage(name: string, language: unknown): void;
  highlight(code: string, options: { language: string }): { value: string };
}
const hljs = require('highlight.js/lib/core') as Highlighter;
for (const language of ['http', 'json', 'xml']) hljs.registerLanguage(language, require(`highlight.js/lib/languages/${language}`));

/** highlight.js's GitHub theme, for pages that show highlighted exchanges (served or inlined, never from a CDN). */
export const highlightCss = (): string => readFileSync(require.resolve('highlight.js/styles/github.css'), 'utf8');

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Longest text highlighted; beyond it the rest is shown plain (highlighting a WSDL-sized body is slow and unreadable anyway). */
const HIGHLIGHT_LIMIT = 64 * 1024;

function body(text: string, contentType: string): string {
  if (!text) return '';
  if (text.length > HIGHLIGHT_LIMIT) return escapeHtml(text);
  if (/json/i.test(contentType)) return hljs.highlight(text, { language: 'json' }).value;
  if (/xml/i.test(contentType)) return hljs.highlight(text, { language: 'xml' }).value;
  return escapeHtml(text);
}

/**
 * A message as highlighted HTML (highlight.js output escapes the text it
 * wraps, so the markup is safe to insert): an HTTP head as `http`, its body
 * by its Content-Type, WebSocket messages one JSON document per line, HTTP/2
 * hex dumps plain.
 */
export function highlightMessage(m: MessageText): string {
  if (m.format === 'h2') return escapeHtml(m.text);
  if (m.format === 'websocket') return m.text.split('\n').map((line) => body(line, line.trimStart().startsWith('<') ? 'xml' : 'json')).join('\n');
  const split = m.text.indexOf('\r\n\r\n');
  const head = split === -1 ? m.text : m.text.slice(0, split);
  const rest = split === -1 ? '' : m.text.slice(split + 4);
  const type = /^content-type:\s*([^\r\n]+)/im.exec(head)?.[1] ?? '';
  // The CRs are kept in the text: what was sent is what is shown; browsers render \r\n as one line break.
  return `${hljs.highlight(head, { language: 'http' }).value}${split === -1 ? '' : '\r\n\r\n'}${body(rest, type)}`;
}
