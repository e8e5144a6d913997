/**
 * The /compare explorer: an HTML page, its script and its styles, all
 * served by the gateway (no CDN, no build step). The script is plain
 * browser JavaScript in a file of its own, so the page runs under a strict
 * Content-Security-Policy (no inline script or style).
 */

export const COMPARE_PATH = '/compare';
export const ASSETS = `${COMPARE_PATH}/assets/`;

export const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>polyface · compare the styles</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="${ASSETS}highlight.css">
  <link rel="stylesheet" href="${ASSETS}compare.css">
</head>
<body>
  <header>
    <h1>Compare the styles</h1>
    <p>Run one piece of work from the source material in every API style this gateway serves, and see what each
    put on the wire: the exact requests and responses, their bytes (counted at the socket, headers included), the
    round trips and the time. The same scenarios as <code>npm run compare</code>, run once each.</p>
  </header>
  <form id="run-form">
    <label>Scenario <select id="scenario" name="scenario" required></select></label>
    <label>Username <input id="username" name="username" value="admin" autocomplete="username" required></label>
    <label>Password <input id="password" name="password" type="password" autocomplete="current-password" required></label>
    <button id="run" type="submit">Run in every style</button>
    <p class="hint">An admin login: the client flow creates and deletes a user, "place an order" orders for Bob.</p>
  </form>
  <p id="scenario-summary" class="hint"></p>
  <p id="status" role="status" aria-live="polite"></p>
  <section id="results" hidden>
    <h2 id="results-title">Results</h2>
    <table id="summary"><thead><tr><th>style</th><th>bytes up</th><th>bytes down</th><th>first call bytes</th><th>round trips</th><th>ms (one warm run)</th></tr></thead><tbody></tbody></table>
    <div id="charts" class="charts"></div>
    <h2>Requests and responses</h2>
    <div id="styles"></div>
  </section>
  <section id="last-cli" hidden>
    <h2>Last <code>npm run compare</code></h2>
    <p id="last-cli-line" class="hint"></p>
    <p><a id="last-cli-report" href="${COMPARE_PATH}/report/report.html">Open the full report</a></p>
    <div id="last-cli-charts" class="charts"></div>
  </section>
  <script src="${ASSETS}compare.js"></script>
</body>
</html>
`;

export const CSS = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1500px; padding: 1rem 2rem; color: #1f2328; }
h1 { font-size: 1.6rem; margin-bottom: .25rem; }
h2 { margin-top: 2rem; border-bottom: 1px solid #d0d7de; }
form { display: flex; flex-wrap: wrap; gap: .75rem; align-items: end; }
label { display: flex; flex-direction: column; font-weight: 600; font-size: 12px; gap: .2rem; }
select, input, button { font: inherit; padding: .3rem .5rem; }
button { cursor: pointer; }
.hint { color: #59636e; font-size: 12px; margin: .3rem 0; flex-basis: 100%; }
table { border-collapse: collapse; margin: .5rem 0; }
th, td { border: 1px solid #d0d7de; padding: .25rem .6rem; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.charts { display: flex; flex-wrap: wrap; gap: 1rem; margin: 1rem 0; }
.charts img { max-width: 100%; border: 1px solid #eaeef2; }
.style { border: 1px solid #d0d7de; border-radius: 8px; padding: .5rem 1rem 1rem; margin: 1rem 0; }
.style h3 { margin: .3rem 0; }
.style .error { color: #cf222e; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: .5rem; margin-top: .5rem; }
.meta { color: #59636e; font-size: 12px; margin: .2rem 0; }
pre { margin: 0; padding: .5rem; background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 6px; white-space: pre-wrap; word-break: break-all; font-size: 12px; max-height: 24rem; overflow: auto; }
`;

export const SCRIPT = `(function () {
  'use strict';
  var API = '${COMPARE_PATH}/api/';
  var byId = function (id) { return document.getElementById(id); };
  var fmt = function (n) { return Math.round(n).toLocaleString('en-US'); };
  var scenarios = [];

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function svgImage(name, svg) {
    var img = el('img', { 'data-chart': name, alt: name + ' chart' });
    img.src = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
    return img;
  }

  function problemText(res, body) {
    return (body && (body.detail || body.title)) || ('HTTP ' + res.status);
  }

  function describe() {
    var s = scenarios.filter(function (x) { return x.id === byId('scenario').value; })[0];
    byId('scenario-summary').textContent = s ? s.summary + ' Source: ' + s.source + '.' : '';
  }

  function message(kind, m, n) {
    var box = el('div', { class: kind });
    box.appendChild(el('p', { class: 'meta' }, (kind === 'request' ? '#' + n + ' request' : 'response') + ' · ' + m.bytes + ' bytes'));
    var pre = el('pre');
    var code = el('code', { class: 'hljs' });
    code.innerHTML = m.html; // highlight.js output, escaped on the server
    pre.appendChild(code);
    box.appendChild(pre);
    return box;
  }

  function render(run) {
    byId('results').hidden = false;
    byId('results-title').textContent = run.scenario.title;
    var tbody = document.querySelector('#summary tbody');
    tbody.textContent = '';
    var styles = byId('styles');
    styles.textContent = '';
    run.styles.forEach(function (s) {
      var tr = el('tr', { 'data-style': s.id });
      tr.appendChild(el('td', {}, s.label));
      var cells = s.status === 'ok'
        ? [fmt(s.warm.bytesUp), fmt(s.warm.bytesDown), fmt(s.cold.bytesUp + s.cold.bytesDown), String(s.warm.roundTrips), s.ms.toFixed(2)]
        : [s.status, '', '', '', ''];
      cells.forEach(function (v) { tr.appendChild(el('td', { class: 'n' }, v)); });
      tbody.appendChild(tr);

      var card = el('section', { class: 'style', 'data-style': s.id });
      card.appendChild(el('h3', {}, s.label));
      if (s.status !== 'ok') {
        card.appendChild(el('p', { class: s.status === 'failed' ? 'error' : 'meta' }, s.status === 'failed' ? 'Failed: ' + s.error : 'Not applicable to this style.'));
      } else {
        card.appendChild(el('p', { class: 'meta' }, fmt(s.warm.bytesUp) + ' bytes up, ' + fmt(s.warm.bytesDown) + ' down, ' + s.warm.roundTrips +
          ' round trip(s), ' + s.ms.toFixed(2) + ' ms; first call on fresh connections: ' + fmt(s.cold.bytesUp + s.cold.bytesDown) + ' bytes, ' + s.cold.roundTrips + ' round trip(s)'));
        s.exchanges.forEach(function (e, n) {
          var pair = el('div', { class: 'pair' });
          pair.appendChild(message('request', e.request, n + 1));
          pair.appendChild(message('response', e.response, n + 1));
          card.appendChild(pair);
        });
      }
      styles.appendChild(card);
    });
    var charts = byId('charts');
    charts.textContent = '';
    Object.keys(run.charts).forEach(function (name) { charts.appendChild(svgImage(name, run.charts[name])); });
  }

  function showLast(last) {
    if (last.page) render(last.page);
    if (last.cli) {
      byId('last-cli').hidden = false;
      byId('last-cli-line').textContent = last.cli.line;
      var box = byId('last-cli-charts');
      box.textContent = '';
      last.cli.charts.forEach(function (name) {
        box.appendChild(el('img', { src: '${COMPARE_PATH}/report/' + name + '.svg', alt: name + ' chart', 'data-chart': 'cli-' + name }));
      });
    }
  }

  fetch(API + 'scenarios').then(function (r) { return r.json(); }).then(function (body) {
    scenarios = body.scenarios;
    var select = byId('scenario');
    scenarios.forEach(function (s) { select.appendChild(el('option', { value: s.id }, s.title)); });
    var wanted = new URLSearchParams(location.search).get('scenario');
    if (wanted) select.value = wanted;
    describe();
    select.addEventListener('change', describe);
  });
  fetch(API + 'last').then(function (r) { return r.json(); }).then(showLast);

  byId('run-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var button = byId('run');
    button.disabled = true;
    byId('status').textContent = 'Running in every style…';
    fetch(API + 'run', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ scenario: byId('scenario').value, username: byId('username').value, password: byId('password').value }),
    }).then(function (res) {
      return res.json().then(function (body) {
        if (!res.ok) throw new Error(problemText(res, body));
        render(body);
        byId('status').textContent = 'Done: ' + body.styles.length + ' styles.';
      });
    }).catch(function (err) {
      byId('status').textContent = 'Failed: ' + err.message;
    }).then(function () { button.disabled = false; });
  });
})();
`;
