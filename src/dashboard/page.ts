/**
 * The dashboard page: HTML, style and the browser script, served as they are (no build step, no
 * CDN). The script polls the JSON API (server.ts): the run list every second, the selected run's
 * new metric lines every second while it trains (inserted into a live Vega view), and asks for the
 * extracted rules and an episode on request.
 *
 * The page's state lives in the URL's hash — `#run=ID&seed=K&episode=E&round=R` — so a link opens
 * the same run, episode and round. The episode viewer draws the whole episode's message-sequence
 * chart once and reveals it round by round: arrows sent after the shown round, and decisions and
 * crashes after it, are hidden; the shown round's moves are listed beside, adversary moves marked.
 *
 * Elements carry ids and data attributes (`data-status`, `data-points`, `data-round`) for the
 * browser tests (test/dashboard/).
 */

/** How often the page asks for the run list and the selected run's new epochs (milliseconds). */
export const POLL_MS = 1000;

export function pageHtml(root: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>cgym dashboard</title>
<link rel="stylesheet" href="/assets/dashboard.css">
<script src="/assets/vega.min.js"></script>
<script src="/assets/vega-lite.min.js"></script>
</head>
<body>
<header><h1>consensus-gym dashboard</h1><span class="muted">runs folder <code id="root">${escapeHtml(root)}</code></span></header>
<main>
<section id="runs-panel">
  <h2>Runs</h2>
  <table id="runs"><thead><tr><th>run</th><th>scenario</th><th>recipe</th><th>seed</th><th>algo · schedule</th><th>status</th><th>epochs</th><th>win (last epoch)</th></tr></thead><tbody></tbody></table>
  <p id="no-runs" class="muted" hidden>No run folders yet. Train into this folder (<code>cgym train --out ${escapeHtml(root)}/NAME</code>); a run appears here as soon as it starts.</p>
</section>
<section id="run-panel" hidden>
  <h2 id="run-title"></h2>
  <div class="columns">
    <div>
      <div id="run-facts"></div>
      <h3>Verifier and attacks</h3>
      <div id="findings"></div>
    </div>
    <div>
      <h3>Training curves</h3>
      <div id="curves" data-points="0"></div>
    </div>
  </div>
  <h3>Extracted rules</h3>
  <p><button id="rules-button">extract rules</button> <span class="muted">the greedy policy against the silent adversary, 2000 episodes (as <code>cgym extract --run</code>)</span></p>
  <div id="rules"></div>
  <h3>Episode viewer</h3>
  <form id="episode-form">seed <input id="seed" type="number" min="0" value="0"> episode <input id="episode-index" type="number" min="0" value="0"> <button id="play" type="submit">play</button></form>
  <div id="episode-view" hidden>
    <p id="episode-title"></p>
    <p class="controls"><button id="first">first</button> <button id="prev">◀ round</button> <span id="round-label" data-round="0"></span> <button id="next">round ▶</button> <button id="last">last</button></p>
    <div class="episode-body"><div id="chart"></div><div id="moves"></div></div>
  </div>
  <p id="error" class="error" hidden></p>
</section>
</main>
<script src="/assets/dashboard.js"></script>
</body>
</html>
`;
}

export const PAGE_CSS = `
body { font-family: "DejaVu Sans", system-ui, sans-serif; margin: 0; color: #1b2631; background: #fbfcfc; font-size: 14px; }
header { padding: 10px 18px; background: #2f5f8f; color: white; display: flex; gap: 18px; align-items: baseline; }
header h1 { font-size: 18px; margin: 0; }
header .muted { color: #d6e4f0; }
main { padding: 12px 18px; }
.columns { display: grid; grid-template-columns: minmax(320px, 1fr) minmax(700px, 2fr); gap: 18px; }
#runs-panel { max-height: 320px; overflow: auto; }
h2 { font-size: 16px; margin: 6px 0 10px; } h3 { font-size: 14px; margin: 18px 0 6px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 6px; border-bottom: 1px solid #e5e8e8; white-space: nowrap; }
#runs tbody tr { cursor: pointer; } #runs tbody tr:hover { background: #eaf2f8; } #runs tbody tr.selected { background: #d6e4f0; }
.status { padding: 1px 7px; border-radius: 8px; font-size: 12px; }
.status.training { background: #fcf3cf; color: #7d6608; } .status.finished { background: #d5f5e3; color: #1e8449; }
.status.crashed { background: #fdecea; color: #c0392b; } .status.stale { background: #e5e8e8; color: #616a6b; }
.muted { color: #7f8c8d; } .error { color: #c0392b; font-weight: bold; }
.facts td:first-child { color: #7f8c8d; }
.verdict-safe { color: #1e8449; font-weight: bold; } .verdict-unsafe { color: #c0392b; font-weight: bold; }
.episode-body { display: flex; gap: 14px; align-items: flex-start; } #chart { overflow: auto; max-width: 75%; border: 1px solid #e5e8e8; background: white; }
#moves { min-width: 260px; }
.controls span { display: inline-block; min-width: 200px; text-align: center; }
input[type=number] { width: 7em; } #moves li.adversary { color: #c0392b; font-weight: bold; }
#chart .past { opacity: 0.35; }
pre { background: #f4f6f6; padding: 8px; overflow: auto; font-size: 12px; }
`;

/** The browser script (plain ES2020: no template literals, so it can live in this template string). */
export const CLIENT_JS = String.raw`
'use strict';
(function () {
  var POLL_MS = ${POLL_MS};
  var state = { runId: null, lastEpoch: -1, view: null, viewRun: null, labels: {}, episode: null, round: 0, polling: false };
  var $ = function (id) { return document.getElementById(id); };

  function hashParams() { return new URLSearchParams(location.hash.replace(/^#/, '')); }
  function setHash(changes) {
    var params = hashParams();
    Object.keys(changes).forEach(function (key) { if (changes[key] === null) params.delete(key); else params.set(key, String(changes[key])); });
    history.replaceState(null, '', '#' + params.toString());
  }
  function getJson(path) {
    return fetch(path, { cache: 'no-store' }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) throw new Error(body && body.error ? body.error : response.status + ' ' + response.statusText);
        return body;
      });
    });
  }
  function text(tag, content, className) {
    var node = document.createElement(tag);
    node.textContent = content;
    if (className) node.className = className;
    return node;
  }
  function percent(x) { return x === null || x === undefined ? '–' : (100 * x).toFixed(1) + '%'; }
  function showError(error) { var node = $('error'); node.hidden = !error; node.textContent = error ? String(error.message || error) : ''; }

  // ---------------------------------------------------------------- the run list
  function refreshRuns() {
    return getJson('/api/runs').then(function (body) {
      state.labels = body.labels;
      var tbody = $('runs').querySelector('tbody');
      tbody.textContent = '';
      $('no-runs').hidden = body.runs.length > 0;
      body.runs.forEach(function (run) {
        var row = document.createElement('tr');
        row.dataset.run = run.id;
        row.dataset.status = run.status;
        if (run.id === state.runId) row.className = 'selected';
        row.appendChild(text('td', run.id));
        row.appendChild(text('td', run.scenario));
        row.appendChild(text('td', run.recipe === null ? '–' : run.recipe));
        row.appendChild(text('td', run.seed === null ? '–' : String(run.seed)));
        row.appendChild(text('td', run.algo + ' · ' + run.schedule));
        var status = document.createElement('td');
        status.appendChild(text('span', run.status, 'status ' + run.status));
        row.appendChild(status);
        row.appendChild(text('td', run.epochs + (run.plannedEpochs === null ? '' : ' / ' + run.plannedEpochs)));
        row.appendChild(text('td', percent(run.last ? run.last.winRate : null)));
        row.addEventListener('click', function () { selectRun(run.id); });
        tbody.appendChild(row);
      });
    });
  }

  // ---------------------------------------------------------------- one run
  function selectRun(id) {
    if (id !== state.runId) {
      state.runId = id;
      state.lastEpoch = -1;
      state.episode = null;
      $('episode-view').hidden = true;
      $('rules').textContent = '';
      setHash({ run: id, round: null });
    }
    Array.prototype.forEach.call(document.querySelectorAll('#runs tbody tr'), function (row) { row.className = row.dataset.run === id ? 'selected' : ''; });
    $('run-panel').hidden = false;
    showError(null);
    return refreshRun().then(function () { return buildCurves(id); }).then(pollMetrics);
  }

  function refreshRun() {
    var id = state.runId;
    return getJson('/api/run?id=' + encodeURIComponent(id)).then(function (run) {
      if (id !== state.runId) return;
      $('run-title').textContent = run.name;
      $('run-panel').dataset.status = run.status;
      var facts = [
        ['scenario', run.scenario], ['recipe', run.recipe === null ? 'none' : run.recipe], ['seed', run.seed], ['algo', run.algo], ['schedule', run.schedule],
        ['honest', run.learned.honest ? 'learned' : run.honest], ['adversary', run.learned.adversary ? 'learned' : run.adversary],
        ['status', run.status], ['epochs', run.epochs + (run.plannedEpochs === null ? '' : ' of ' + run.plannedEpochs)],
        ['files', null],
      ];
      var table = document.createElement('table');
      table.className = 'facts';
      facts.forEach(function (fact) {
        var row = document.createElement('tr');
        row.appendChild(text('td', fact[0]));
        var cell = document.createElement('td');
        if (fact[0] === 'files') {
          ['config.json', 'metrics.jsonl', 'summary.json'].forEach(function (file) {
            var link = text('a', file);
            link.href = '/files/' + run.id.split('/').map(encodeURIComponent).join('/') + '/' + file;
            cell.appendChild(link);
            cell.appendChild(document.createTextNode(' '));
          });
        } else cell.textContent = String(fact[1]);
        row.appendChild(cell);
        table.appendChild(row);
      });
      $('run-facts').textContent = '';
      $('run-facts').appendChild(table);
      showFindings(run);
    });
  }

  function showFindings(run) {
    var f = run.findings;
    var box = $('findings');
    box.textContent = '';
    var list = document.createElement('ul');
    var add = function (label, value, className) { var item = text('li', label + ': '); item.appendChild(text('span', value, className)); list.appendChild(item); };
    if (f.verdict !== null) add('verifier', f.verdict === 'safe' ? 'verified safe' : 'unsafe', 'verdict-' + f.verdict);
    if (f.finalWorstCaseLoss !== null) add('worst-case honest loss (final policy)', percent(f.finalWorstCaseLoss));
    if (f.lastVerification !== null) add('last verification during training', percent(f.lastVerification.worstCaseLoss) + ' worst-case loss at epoch ' + f.lastVerification.epoch);
    if (f.verifierAttacks > 0) add('attacks found by the verifier (counterexample-guided training)', String(f.verifierAttacks));
    f.verifyFiles.forEach(function (v) {
      add(v.file, v.verdict + (v.property ? ' (' + v.property + ')' : '') + ', worst-case loss ' + percent(v.worstCaseLossRate) + (v.method ? ' · ' + v.method : ''), 'verdict-' + v.verdict);
    });
    if (f.breakRate !== null) add('learned adversary break rate (final episodes)', percent(f.breakRate));
    if (f.finalWinRate !== null) add('final greedy win rate', percent(f.finalWinRate));
    if (list.children.length === 0) box.appendChild(text('p', run.status === 'training' ? 'Not verified yet (the summary is written when the run ends).' : 'This run records no verification (train with --verify-every K, or save cgym verify --json as verify.json in the run folder).', 'muted'));
    else box.appendChild(list);
  }

  // ---------------------------------------------------------------- live curves
  var PANELS = [
    { title: 'rates', metrics: ['winRate', 'evalWinRate', 'evalMajorityCorrectRate', 'verifiedWorstCaseLoss'], domain: [0, 1] },
    { title: 'rewards', metrics: ['honestReward', 'adversaryReward'] },
  ];
  function points(rows) {
    var out = [];
    rows.forEach(function (row) {
      PANELS.forEach(function (panel) {
        panel.metrics.forEach(function (metric) {
          if (row[metric] !== null && row[metric] !== undefined) out.push({ epoch: row.epoch, panel: panel.title, metric: state.labels[metric] || metric, value: row[metric] });
        });
      });
    });
    return out;
  }
  function buildCurves(id) {
    var container = $('curves');
    if (state.view) { state.view.finalize(); state.view = null; }
    container.textContent = '';
    container.dataset.points = '0';
    container.dataset.epochs = '0';
    var spec = {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      data: { name: 'points' },
      // The legend grows as metrics arrive: the view resizes with it instead of clipping it.
      autosize: { type: 'pad', resize: true },
      vconcat: PANELS.map(function (panel) {
        return {
          width: 500, height: 140,
          transform: [{ filter: { field: 'panel', equal: panel.title } }],
          mark: { type: 'line', point: { size: 18 } },
          encoding: {
            x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { format: 'd', tickMinStep: 1 } },
            y: { field: 'value', type: 'quantitative', title: panel.title, scale: panel.domain ? { domain: panel.domain } : { zero: false } },
            color: { field: 'metric', type: 'nominal', title: null },
          },
        };
      }),
      resolve: { scale: { color: 'independent' } },
    };
    var compiled = vegaLite.compile(spec).spec;
    state.view = new vega.View(vega.parse(compiled), { renderer: 'svg', container: container, hover: true });
    state.viewRun = id;
    state.lastEpoch = -1;
    return state.view.runAsync();
  }
  function pollMetrics() {
    var id = state.runId;
    if (!id || state.viewRun !== id) return Promise.resolve();
    return getJson('/api/metrics?id=' + encodeURIComponent(id) + '&after=' + state.lastEpoch).then(function (body) {
      if (id !== state.runId || state.viewRun !== id || !state.view) return;
      if (body.rows.length > 0) {
        state.lastEpoch = body.rows[body.rows.length - 1].epoch;
        state.view.change('points', vega.changeset().insert(points(body.rows)));
        return state.view.runAsync().then(function () {
          var container = $('curves');
          container.dataset.points = String(state.view.data('points').length);
          container.dataset.epochs = String(state.lastEpoch);
        });
      }
    });
  }

  // ---------------------------------------------------------------- rules
  function extractRules() {
    var id = state.runId;
    $('rules').textContent = 'extracting…';
    return getJson('/api/rules?id=' + encodeURIComponent(id)).then(function (table) {
      if (id !== state.runId) return;
      var box = $('rules');
      box.textContent = '';
      var list = document.createElement('ol');
      list.id = 'rule-list';
      table.rules.forEach(function (rule) { list.appendChild(text('li', 'round ' + rule.round + ': ' + rule.rule + ' (' + percent(rule.share) + ' of ' + rule.decisions + ' decisions)')); });
      box.appendChild(list);
      var rows = table.rows.slice(0, 16).map(function (row) { return 'round ' + row.round + '  ' + String(row.count).padStart(6) + '  ' + row.action.padEnd(10) + '  ' + row.observation; });
      box.appendChild(text('pre', rows.join('\n') + (table.rows.length > 16 ? '\n… ' + (table.rows.length - 16) + ' more rows' : '')));
    }).catch(function (error) { $('rules').textContent = ''; showError(error); });
  }

  // ---------------------------------------------------------------- the episode viewer
  function playEpisode(round) {
    var id = state.runId;
    var seed = $('seed').value || '0';
    var episodeIndex = $('episode-index').value || '0';
    setHash({ seed: seed, episode: episodeIndex });
    return getJson('/api/episode?id=' + encodeURIComponent(id) + '&seed=' + encodeURIComponent(seed) + '&episode=' + encodeURIComponent(episodeIndex)).then(function (view) {
      if (id !== state.runId) return;
      state.episode = view;
      $('episode-view').hidden = false;
      $('episode-title').textContent = view.title;
      $('chart').innerHTML = view.svg;
      showRound(round === undefined || round === null ? 1 : Math.max(1, Math.min(view.events.rounds, round)));
    }).catch(showError);
  }
  function showRound(round) {
    var view = state.episode;
    if (!view) return;
    var rounds = view.events.rounds;
    state.round = round;
    setHash({ round: round });
    var last = round >= rounds;
    var label = $('round-label');
    label.dataset.round = String(round);
    label.textContent = 'round ' + round + ' of ' + rounds + (last ? ' · ' + view.verdict : '');
    var svg = $('chart');
    Array.prototype.forEach.call(svg.querySelectorAll('g.arrow'), function (arrow) {
      var sent = Number(arrow.dataset.sent || arrow.dataset.round);
      arrow.style.display = sent > round ? 'none' : '';
      arrow.classList.toggle('past', sent < round);
    });
    Array.prototype.forEach.call(svg.querySelectorAll('g.decision, g.crash'), function (mark) { mark.style.display = Number(mark.dataset.round) > round ? 'none' : ''; });
    Array.prototype.forEach.call(svg.querySelectorAll('g.undecided, .verdict'), function (mark) { mark.style.display = last ? '' : 'none'; });
    $('prev').disabled = round <= 1; $('first').disabled = round <= 1;
    $('next').disabled = last; $('last').disabled = last;
    showMoves(view.events, round);
  }
  function showMoves(events, round) {
    var box = $('moves');
    box.textContent = '';
    box.appendChild(text('strong', 'round ' + round + ' moves'));
    var list = document.createElement('ul');
    events.messages.filter(function (m) { return m.sentRound === round; }).forEach(function (m) {
      var what = m.value !== null ? String(m.value) + (m.tag ? '#' + m.tag : '') : '';
      if (m.claims.length > 0) what += (what ? ' + ' : '') + 'relay [' + m.claims.map(function (c) { return c.origin + (c.via ? '>' + c.via.join('>') : '') + ':' + c.value; }).join(' ') + ']';
      var adversarial = m.byAdversary || m.delayed;
      var item = text('li', (adversarial ? '* ' : '') + m.from + ' → ' + m.to + ': ' + (what || 'empty relay') + (m.delayed ? ' (delayed to round ' + m.arrivalRound + ')' : '') + (m.byAdversary ? ' — adversary' : ''), adversarial ? 'adversary' : '');
      list.appendChild(item);
    });
    events.samples.filter(function (s) { return s.round === round; }).forEach(function (s) {
      list.appendChild(text('li', (s.byAdversary ? '* ' : '') + 'sample ' + s.querier + ' asks ' + s.answerer + ': ' + (s.answer === null ? 'no answer' : s.answer) + (s.byAdversary ? ' — adversary' : ''), s.byAdversary ? 'adversary' : ''));
    });
    events.agents.forEach(function (a) {
      if (a.decisionRound === round) list.appendChild(text('li', 'agent ' + a.id + ' decides ' + a.decision, ''));
      if (a.crashedAt === round) list.appendChild(text('li', '* agent ' + a.id + ' crashes — adversary', 'adversary'));
    });
    if (list.children.length === 0) list.appendChild(text('li', 'no moves', 'muted'));
    box.appendChild(list);
    box.appendChild(text('p', '* chosen by the adversary; faulty agents: ' + (events.agents.filter(function (a) { return a.fault !== null; }).map(function (a) { return a.id + ' (' + a.fault + ')'; }).join(', ') || 'none'), 'muted'));
  }

  // ---------------------------------------------------------------- wiring
  $('rules-button').addEventListener('click', extractRules);
  $('episode-form').addEventListener('submit', function (event) { event.preventDefault(); playEpisode(1); });
  $('first').addEventListener('click', function () { showRound(1); });
  $('prev').addEventListener('click', function () { showRound(Math.max(1, state.round - 1)); });
  $('next').addEventListener('click', function () { if (state.episode) showRound(Math.min(state.episode.events.rounds, state.round + 1)); });
  $('last').addEventListener('click', function () { if (state.episode) showRound(state.episode.events.rounds); });
  document.addEventListener('keydown', function (event) {
    if (!state.episode || event.target.tagName === 'INPUT') return;
    if (event.key === 'ArrowRight') $('next').click();
    if (event.key === 'ArrowLeft') $('prev').click();
  });

  function tick() {
    if (state.polling) return;
    state.polling = true;
    var work = refreshRuns().then(function () {
      if (!state.runId) return;
      var row = document.querySelector('#runs tbody tr.selected');
      var training = row && row.dataset.status === 'training';
      var changed = row && $('run-panel').dataset.status !== row.dataset.status;
      return Promise.all([pollMetrics(), training || changed ? refreshRun() : null]);
    });
    work.catch(showError).then(function () { state.polling = false; });
  }

  // A link opens what it names: #run=ID&seed=K&episode=E&round=R.
  var start = hashParams();
  refreshRuns().then(function () {
    var id = start.get('run');
    if (!id) return;
    if (start.get('seed') !== null) $('seed').value = start.get('seed');
    if (start.get('episode') !== null) $('episode-index').value = start.get('episode');
    return selectRun(id).then(function () {
      if (start.get('seed') !== null || start.get('episode') !== null || start.get('round') !== null) return playEpisode(Number(start.get('round') || 1));
    });
  }).catch(showError);
  setInterval(tick, POLL_MS);
})();
`;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
