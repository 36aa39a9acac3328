/*
 * Vigía dashboard: keeps the page current from the balancer's snapshots.
 *
 * Snapshots ({"status": ..., "errors": ..., "time": ISO}) arrive as "snapshot" server-sent events from
 * /dashboard/events. When the stream breaks the page polls /dashboard/snapshot every 2 s and tries the
 * stream again 10 s later. The page computes rates from the counter deltas between successive snapshots and
 * keeps them in one-second bins for the last five minutes, so the server needs no history.
 *
 * Every value that came from a request (path, message, method, upstream, ids) reaches the page through
 * textContent or an attribute set with the DOM API, never through HTML parsing.
 *
 * <body data-connection> is "connecting", "sse" or "polling"; <body data-stale="true"> marks a failed poll.
 */
(function () {
  'use strict';

  const WINDOW_SECONDS = 300;
  const SPARK_BIN_SECONDS = 5;
  const POLL_INTERVAL_MS = 2000;
  const RECONNECT_DELAY_MS = 10000;
  const REDRAW_INTERVAL_MS = 1000;
  const SVG_NS = 'http://www.w3.org/2000/svg';

  const BUCKET_COLORS = {
    400: '#f2c14e', 401: '#f29e4c', 403: '#ee8a45', 404: '#e9d758', 405: '#d6b85a', 408: '#d4a373',
    409: '#c99a6b', 413: '#bc8a5f', 429: '#5fb3b3', 500: '#ff5d5d', 501: '#ff7a7a', 502: '#e0569b',
    503: '#b565d8', 504: '#ff8c69'
  };

  const body = document.body;
  const lang = document.documentElement.lang || 'en';
  const labels = readLabels();
  const numberFormat = new Intl.NumberFormat(lang);
  const decimalFormat = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });
  const latencyFormat = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });

  const view = {
    listen: document.getElementById('listen'),
    uptime: document.getElementById('uptime'),
    totalErrors: document.getElementById('total-errors'),
    updated: document.getElementById('updated'),
    connection: document.getElementById('connection'),
    backendRows: document.getElementById('backend-rows'),
    backendsEmpty: document.getElementById('backends-empty'),
    buckets: document.getElementById('buckets'),
    bucketsEmpty: document.getElementById('buckets-empty'),
    chart: document.getElementById('error-chart'),
    recentRows: document.getElementById('recent-rows'),
    recentEmpty: document.getElementById('recent-empty')
  };

  /** Per-second error counts of each bucket and each backend, keyed by bucket name or backend id. */
  const bucketSeries = new Map();
  const backendSeries = new Map();
  const backendRows = new Map();
  const bucketItems = new Map();
  const recentRows = new Map();

  let previousCounters = null;
  let latestStatus = null;
  let serverOffsetMs = 0;
  let highestSequenceSeen = -1;

  // ---------------------------------------------------------------- text helpers

  function readLabels() {
    try {
      return JSON.parse(body.dataset.i18n || '{}');
    } catch (e) {
      return {};
    }
  }

  function hasLabel(key) {
    return Object.prototype.hasOwnProperty.call(labels, key);
  }

  /** Returns the label stored under key, with {0} replaced by value; the key itself when it has no label. */
  function label(key, value) {
    const pattern = hasLabel(key) ? labels[key] : key;
    return value === undefined ? pattern : pattern.split('{0}').join(String(value));
  }

  function toNumber(value) {
    const number = Number(value);
    return Number.isFinite(number) ? number : 0;
  }

  function text(value) {
    return value === null || value === undefined || value === '' ? '–' : String(value);
  }

  /** Formats a duration with its two largest units, for example "3 h 12 min"; the second is left out when 0. */
  function formatDuration(ms) {
    const units = [['d', 86400], ['h', 3600], ['min', 60], ['s', 1]];
    const parts = [];
    let rest = Math.max(0, Math.floor(ms / 1000));
    for (const [unit, size] of units) {
      const amount = Math.floor(rest / size);
      rest -= amount * size;
      if (amount > 0) {
        parts.push(label('unit.' + unit, amount));
      }
      if (parts.length > 0 && (amount === 0 || parts.length === 2 || unit === 's')) {
        break;
      }
    }
    return parts.length > 0 ? parts.join(' ') : label('unit.s', 0);
  }

  function formatAgo(isoTime) {
    const timeMs = Date.parse(isoTime);
    return Number.isNaN(timeMs) ? '–' : label('ago', formatDuration(serverNowMs() - timeMs));
  }

  function formatClock(isoTime) {
    const timeMs = Date.parse(isoTime);
    return Number.isNaN(timeMs) ? text(isoTime) : new Date(timeMs).toLocaleTimeString(lang, { hour12: false });
  }

  function formatDateTime(isoTime) {
    const timeMs = Date.parse(isoTime);
    return Number.isNaN(timeMs) ? text(isoTime) : new Date(timeMs).toLocaleString(lang, { hour12: false });
  }

  function serverNowMs() {
    return Date.now() + serverOffsetMs;
  }

  // ---------------------------------------------------------------- DOM helpers

  function element(tag, className, content) {
    const node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (content !== undefined) {
      node.textContent = content;
    }
    return node;
  }

  function svgElement(tag, attributes) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const name of Object.keys(attributes || {})) {
      node.setAttribute(name, String(attributes[name]));
    }
    return node;
  }

  function removeChildren(node) {
    while (node.firstChild) {
      node.removeChild(node.firstChild);
    }
  }

  /** Puts {@code nodes} into {@code parent} in this order, moving only what is out of place. */
  function placeInOrder(parent, nodes) {
    nodes.forEach(function (node, index) {
      if (parent.children[index] !== node) {
        parent.insertBefore(node, parent.children[index] || null);
      }
    });
  }

  function setCount(node, count) {
    node.dataset.count = String(count);
    node.textContent = numberFormat.format(count);
  }

  function bucketColor(name) {
    const code = parseInt(name, 10);
    if (BUCKET_COLORS[code]) {
      return BUCKET_COLORS[code];
    }
    let hash = 0;
    for (let i = 0; i < name.length; i++) {
      hash = (hash * 31 + name.charCodeAt(i)) % 360;
    }
    // Client errors get warm yellows, server errors reds and magentas, anything else grey.
    if (code >= 400 && code < 500) {
      return 'hsl(' + (30 + hash % 30) + ', 75%, 60%)';
    }
    if (code >= 500 && code < 600) {
      return 'hsl(' + (330 + hash % 40) % 360 + ', 70%, 62%)';
    }
    return '#9aa7b4';
  }

  // ---------------------------------------------------------------- rate history

  /** Error counts in one-second bins, keyed by the second since the epoch (server clock). */
  class Series {
    constructor() {
      this.bins = new Map();
    }

    add(second, amount) {
      this.bins.set(second, (this.bins.get(second) || 0) + amount);
    }

    /** Spreads {@code amount} over the seconds of (fromMs, toMs], in proportion to their overlap. */
    spread(amount, fromMs, toMs) {
      if (toMs <= fromMs) {
        this.add(Math.floor(toMs / 1000), amount);
        return;
      }
      let t = fromMs;
      while (t < toMs) {
        const second = Math.floor(t / 1000);
        const end = Math.min(toMs, (second + 1) * 1000);
        this.add(second, amount * (end - t) / (toMs - fromMs));
        t = end;
      }
    }

    get(second) {
      return this.bins.get(second) || 0;
    }

    prune(oldestSecond) {
      for (const second of Array.from(this.bins.keys())) {
        if (second < oldestSecond) {
          this.bins.delete(second);
        }
      }
    }
  }

  function seriesFor(map, key) {
    let series = map.get(key);
    if (!series) {
      series = new Series();
      map.set(key, series);
    }
    return series;
  }

  function readCounters(timeMs, status, errors) {
    const counters = { timeMs: timeMs, startedAt: status.started_at, backends: new Map(), buckets: new Map() };
    for (const backend of Array.isArray(status.backends) ? status.backends : []) {
      counters.backends.set(String(backend.id), toNumber(backend.errors));
    }
    const types = errors.error_types || {};
    for (const name of Object.keys(types)) {
      counters.buckets.set(name, toNumber(types[name]));
    }
    return counters;
  }

  /**
   * Adds the counter increases since the previous snapshot to the per-second series. The event stream
   * pushes a change within a quarter second, so the increase goes to the last second. When polling, it is
   * spread over the poll interval. A new started_at (the balancer restarted) starts a new baseline.
   */
  function recordIncreases(counters) {
    const previous = previousCounters;
    previousCounters = counters;
    if (!previous || previous.startedAt !== counters.startedAt || counters.timeMs <= previous.timeMs) {
      return;
    }
    const spreadMs = body.dataset.connection === 'sse' ? 1000 : POLL_INTERVAL_MS + 1000;
    const fromMs = Math.max(previous.timeMs, counters.timeMs - spreadMs);
    // A bucket that appears had no errors before; a backend that appears was added with its counters as they are.
    addIncreases(bucketSeries, previous.buckets, counters.buckets, fromMs, counters.timeMs, true);
    addIncreases(backendSeries, previous.backends, counters.backends, fromMs, counters.timeMs, false);
  }

  function addIncreases(seriesMap, before, after, fromMs, toMs, newKeyStartsAtZero) {
    after.forEach(function (count, key) {
      const base = before.has(key) ? before.get(key) : (newKeyStartsAtZero ? 0 : count);
      const increase = count - base;
      if (increase > 0) {
        seriesFor(seriesMap, key).spread(increase, fromMs, toMs);
      }
    });
  }

  function pruneSeries() {
    const oldest = Math.floor(serverNowMs() / 1000) - WINDOW_SECONDS;
    bucketSeries.forEach(function (series) { series.prune(oldest); });
    backendSeries.forEach(function (series) { series.prune(oldest); });
  }

  // ---------------------------------------------------------------- snapshot

  function applySnapshot(snapshot) {
    if (!snapshot || typeof snapshot !== 'object') {
      return;
    }
    const status = snapshot.status && typeof snapshot.status === 'object' ? snapshot.status : {};
    const errors = snapshot.errors && typeof snapshot.errors === 'object' ? snapshot.errors : {};
    let timeMs = Date.parse(snapshot.time);
    if (Number.isNaN(timeMs)) {
      timeMs = Date.now();
    }
    if (previousCounters && previousCounters.startedAt === status.started_at && timeMs < previousCounters.timeMs) {
      return; // An older snapshot, from a poll that overlapped the stream; the page already shows newer data.
    }
    serverOffsetMs = timeMs - Date.now();
    recordIncreases(readCounters(timeMs, status, errors));
    pruneSeries();
    latestStatus = status;

    renderSummary(status, errors, snapshot.time);
    renderBackends(Array.isArray(status.backends) ? status.backends : []);
    renderBuckets(errors.error_types || {});
    renderRecentErrors(Array.isArray(errors.recent_errors) ? errors.recent_errors : []);
    drawChart();
  }

  function applySnapshotText(json) {
    let snapshot;
    try {
      snapshot = JSON.parse(json);
    } catch (e) {
      console.warn('Vigía dashboard: ignoring a snapshot that is not valid JSON', e);
      return;
    }
    applySnapshot(snapshot);
  }

  // ---------------------------------------------------------------- summary

  function renderSummary(status, errors, isoTime) {
    view.listen.textContent = text(status.listen);
    setCount(view.totalErrors, toNumber(errors.total_errors !== undefined ? errors.total_errors : status.total_errors));
    view.updated.textContent = formatClock(isoTime);
    view.updated.title = text(isoTime);
    renderUptime();
  }

  function renderUptime() {
    if (!latestStatus) {
      return;
    }
    const startedMs = Date.parse(latestStatus.started_at);
    const uptimeMs = Number.isNaN(startedMs) ? toNumber(latestStatus.uptime_seconds) * 1000 : serverNowMs() - startedMs;
    view.uptime.textContent = formatDuration(uptimeMs);
    view.uptime.title = latestStatus.started_at ? formatDateTime(latestStatus.started_at) : '';
  }

  // ---------------------------------------------------------------- backends

  function createBackendRow(id) {
    const row = element('tr');
    row.dataset.backend = id;
    const cells = {
      id: element('td', 'mono', id),
      state: element('td', 'state-cell'),
      badge: element('span', 'state'),
      since: element('td', 'since'),
      probe: element('td', 'probe'),
      latency: element('td', 'num latency'),
      requests: element('td', 'num requests'),
      errors: element('td', 'num errors'),
      spark: element('td', 'spark')
    };
    cells.state.appendChild(cells.badge);
    for (const name of ['id', 'state', 'since', 'probe', 'latency', 'requests', 'errors', 'spark']) {
      row.appendChild(cells[name]);
    }
    return { row: row, cells: cells, backend: null };
  }

  function renderBackends(backends) {
    const seen = new Set();
    const ordered = [];
    for (const backend of backends) {
      const id = String(backend.id);
      let entry = backendRows.get(id);
      if (!entry) {
        entry = createBackendRow(id);
        backendRows.set(id, entry);
      }
      entry.backend = backend;
      updateBackendRow(entry);
      seen.add(id);
      ordered.push(entry.row);
    }
    backendRows.forEach(function (entry, id) {
      if (!seen.has(id)) {
        entry.row.remove();
        backendRows.delete(id);
        backendSeries.delete(id);
      }
    });
    placeInOrder(view.backendRows, ordered);
    view.backendsEmpty.hidden = ordered.length > 0;
  }

  function updateBackendRow(entry) {
    const backend = entry.backend;
    const cells = entry.cells;
    const state = String(backend.state || '');
    cells.state.dataset.state = state;
    cells.badge.textContent = hasLabel('state.' + state) ? label('state.' + state) : text(state);
    setCount(cells.requests, toNumber(backend.requests));
    setCount(cells.errors, toNumber(backend.errors));
    updateRelativeTimes(entry);
    updateProbe(cells, backend.last_probe);
    drawSparkline(cells.spark, backendSeries.get(String(backend.id)));
  }

  function updateRelativeTimes(entry) {
    const backend = entry.backend;
    entry.cells.since.textContent = formatAgo(backend.since);
    entry.cells.since.title = backend.since ? formatDateTime(backend.since) : '';
    const probeAge = entry.cells.probe.querySelector('.probe-age');
    if (probeAge && backend.last_probe) {
      probeAge.textContent = formatAgo(backend.last_probe.time);
    }
  }

  function updateProbe(cells, probe) {
    removeChildren(cells.probe);
    if (!probe || typeof probe !== 'object') {
      cells.probe.appendChild(element('span', 'muted', label('probe.none')));
      cells.latency.textContent = '–';
      delete cells.probe.dataset.probeOk;
      return;
    }
    const ok = probe.ok === true;
    cells.probe.dataset.probeOk = String(ok);
    let summary = ok ? label('probe.ok') : label('probe.failed');
    if (probe.status !== null && probe.status !== undefined) {
      summary += ' · ' + probe.status;
    }
    if (!ok && probe.error) {
      summary += ': ' + probe.error;
    }
    cells.probe.appendChild(element('span', ok ? 'probe-ok' : 'probe-failed', summary));
    cells.probe.appendChild(document.createTextNode(' '));
    const age = element('span', 'muted probe-age', formatAgo(probe.time));
    age.title = probe.time ? formatDateTime(probe.time) : '';
    cells.probe.appendChild(age);
    const latency = Number(probe.latency_ms);
    cells.latency.textContent = probe.latency_ms === null || !Number.isFinite(latency)
      ? '–' : latencyFormat.format(latency) + ' ms';
  }

  function drawSparkline(cell, series) {
    const width = 120;
    const height = 26;
    const bins = WINDOW_SECONDS / SPARK_BIN_SECONDS;
    const lastSecond = Math.floor(serverNowMs() / 1000);
    const firstSecond = lastSecond - WINDOW_SECONDS + 1;
    const rates = [];
    let peak = 0;
    for (let bin = 0; bin < bins; bin++) {
      let sum = 0;
      for (let s = 0; s < SPARK_BIN_SECONDS; s++) {
        sum += series ? series.get(firstSecond + bin * SPARK_BIN_SECONDS + s) : 0;
      }
      const rate = sum / SPARK_BIN_SECONDS;
      rates.push(rate);
      peak = Math.max(peak, rate);
    }

    const scale = peak > 0 ? (height - 3) / peak : 0;
    let line = '';
    rates.forEach(function (rate, bin) {
      const x = (bin / (bins - 1)) * width;
      const y = height - 1 - rate * scale;
      line += (bin === 0 ? 'M' : 'L') + x.toFixed(1) + ' ' + y.toFixed(1);
    });

    const svg = svgElement('svg', {
      class: 'sparkline', width: width, height: height, viewBox: '0 0 ' + width + ' ' + height,
      role: 'img', 'data-peak': peak.toFixed(2)
    });
    const title = svgElement('title');
    title.textContent = label('sparkline.title', decimalFormat.format(peak));
    svg.appendChild(title);
    svg.appendChild(svgElement('line', { class: 'base', x1: 0, y1: height - 0.5, x2: width, y2: height - 0.5 }));
    svg.appendChild(svgElement('path', { class: 'area', d: line + 'L' + width + ' ' + height + 'L0 ' + height + 'Z' }));
    svg.appendChild(svgElement('path', { class: 'line', d: line }));
    removeChildren(cell);
    cell.appendChild(svg);
  }

  // ---------------------------------------------------------------- buckets

  function renderBuckets(errorTypes) {
    const ordered = [];
    const seen = new Set();
    for (const name of Object.keys(errorTypes)) {
      let item = bucketItems.get(name);
      if (!item) {
        item = createBucketItem(name);
        bucketItems.set(name, item);
      }
      const count = toNumber(errorTypes[name]);
      item.dataset.count = String(count);
      setCount(item.querySelector('.count'), count);
      seen.add(name);
      ordered.push(item);
    }
    bucketItems.forEach(function (item, name) {
      if (!seen.has(name)) {
        item.remove();
        bucketItems.delete(name);
      }
    });
    placeInOrder(view.buckets, ordered);
    view.bucketsEmpty.hidden = ordered.length > 0;
  }

  function createBucketItem(name) {
    const item = element('li');
    item.dataset.bucket = name;
    const swatch = svgElement('svg', {
      class: 'swatch', width: 12, height: 12, viewBox: '0 0 12 12', 'aria-hidden': 'true'
    });
    swatch.appendChild(svgElement('rect', { width: 12, height: 12, rx: 3, fill: bucketColor(name) }));
    item.appendChild(swatch);
    item.appendChild(element('span', 'name', name));
    item.appendChild(element('span', 'count', '0'));
    return item;
  }

  // ---------------------------------------------------------------- chart

  function niceCeiling(value) {
    if (!(value > 0)) {
      return 1;
    }
    const magnitude = Math.pow(10, Math.floor(Math.log10(value)));
    for (const step of [1, 2, 5, 10]) {
      if (value <= step * magnitude + 1e-9) {
        return step * magnitude;
      }
    }
    return 10 * magnitude;
  }

  /** Collects the per-second rates of every bucket with errors in the window, in bucket-list order. */
  function chartLayers(firstSecond) {
    const names = Array.from(bucketItems.keys());
    bucketSeries.forEach(function (series, name) {
      if (names.indexOf(name) < 0) {
        names.push(name);
      }
    });
    const layers = [];
    for (const name of names) {
      const series = bucketSeries.get(name);
      if (!series) {
        continue;
      }
      const values = new Float64Array(WINDOW_SECONDS);
      let any = false;
      for (let i = 0; i < WINDOW_SECONDS; i++) {
        values[i] = series.get(firstSecond + i);
        any = any || values[i] > 0;
      }
      if (any) {
        layers.push({ name: name, values: values });
      }
    }
    return layers;
  }

  function drawChart() {
    const width = Math.max(240, view.chart.clientWidth || 600);
    const height = Math.max(120, view.chart.clientHeight || 220);
    const plot = { left: 46, right: 10, top: 10, bottom: 22 };
    plot.width = width - plot.left - plot.right;
    plot.height = height - plot.top - plot.bottom;
    const lastSecond = Math.floor(serverNowMs() / 1000);
    const layers = chartLayers(lastSecond - WINDOW_SECONDS + 1);

    const totals = new Float64Array(WINDOW_SECONDS);
    layers.forEach(function (layer) {
      layer.values.forEach(function (value, i) { totals[i] += value; });
    });
    const peak = totals.reduce(function (max, value) { return Math.max(max, value); }, 0);
    const yMax = niceCeiling(peak);

    const svg = svgElement('svg', {
      width: width, height: height, viewBox: '0 0 ' + width + ' ' + height, role: 'img'
    });
    drawChartAxes(svg, plot, yMax);
    drawChartLayers(svg, plot, layers, yMax);
    if (peak === 0) {
      const empty = svgElement('text', {
        class: 'empty-label', x: plot.left + plot.width / 2, y: plot.top + plot.height / 2, 'text-anchor': 'middle'
      });
      empty.textContent = label('chart.empty');
      svg.appendChild(empty);
    }
    view.chart.dataset.peak = peak.toFixed(2);
    removeChildren(view.chart);
    view.chart.appendChild(svg);
  }

  function drawChartAxes(svg, plot, yMax) {
    for (const fraction of [0, 0.5, 1]) {
      const y = plot.top + plot.height * (1 - fraction);
      svg.appendChild(svgElement('line', { class: 'grid', x1: plot.left, y1: y, x2: plot.left + plot.width, y2: y }));
      const tick = svgElement('text', { class: 'axis-label', x: plot.left - 6, y: y + 4, 'text-anchor': 'end' });
      tick.textContent = label('chart.perSecond', decimalFormat.format(yMax * fraction));
      svg.appendChild(tick);
    }
    const minutes = WINDOW_SECONDS / 60;
    for (let ago = 0; ago <= minutes; ago++) {
      const x = plot.left + plot.width * (1 - ago / minutes);
      const anchor = ago === 0 ? 'end' : (ago === minutes ? 'start' : 'middle');
      const tick = svgElement('text', {
        class: 'axis-label', x: x, y: plot.top + plot.height + 16, 'text-anchor': anchor
      });
      tick.textContent = ago === 0 ? label('chart.now') : label('chart.minutesAgo', ago);
      svg.appendChild(tick);
    }
  }

  /** Draws each bucket as a stacked step area, one path per bucket, marked with data-series="<bucket>". */
  function drawChartLayers(svg, plot, layers, yMax) {
    const base = new Float64Array(WINDOW_SECONDS);
    const point = function (i, value) {
      const x = plot.left + plot.width * i / WINDOW_SECONDS;
      const y = plot.top + plot.height * (1 - value / yMax);
      return x.toFixed(1) + ' ' + y.toFixed(1);
    };
    for (const layer of layers) {
      const upperEdge = [];
      const lowerEdge = [];
      for (let i = 0; i < WINDOW_SECONDS; i++) {
        const upper = base[i] + layer.values[i];
        upperEdge.push(point(i, upper), point(i + 1, upper));
        lowerEdge.push(point(i, base[i]), point(i + 1, base[i]));
        base[i] = upper;
      }
      const outline = 'M' + upperEdge.join('L') + 'L' + lowerEdge.reverse().join('L') + 'Z';
      const path = svgElement('path', { d: outline, fill: bucketColor(layer.name), 'data-series': layer.name });
      const title = svgElement('title');
      title.textContent = layer.name;
      path.appendChild(title);
      svg.appendChild(path);
    }
  }

  // ---------------------------------------------------------------- recent errors

  function createRecentRow(record) {
    const row = element('tr');
    row.dataset.sequence = String(record.sequence);
    const time = element('td', 'time', formatClock(record.timestamp));
    time.title = text(record.timestamp);
    const bucketCell = element('td', 'bucket');
    const badge = element('span', 'badge', text(record.type));
    badge.style.backgroundColor = bucketColor(String(record.type || ''));
    bucketCell.appendChild(badge);
    const message = element('td', 'message', text(record.message));
    if (record.cause) {
      message.appendChild(element('span', 'cause', label('cause', record.cause)));
    }
    row.appendChild(time);
    row.appendChild(bucketCell);
    row.appendChild(element('td', 'method mono', text(record.method)));
    row.appendChild(element('td', 'path mono', text(record.endpoint)));
    row.appendChild(message);
    row.appendChild(element('td', 'upstream mono', text(record.upstream)));
    return row;
  }

  function renderRecentErrors(records) {
    const ordered = [];
    const seen = new Set();
    let highest = highestSequenceSeen;
    for (const record of records) {
      const key = String(record.sequence);
      let row = recentRows.get(key);
      if (!row) {
        row = createRecentRow(record);
        recentRows.set(key, row);
        if (highestSequenceSeen >= 0 && toNumber(record.sequence) > highestSequenceSeen) {
          row.classList.add('fresh');
        }
      }
      highest = Math.max(highest, toNumber(record.sequence));
      seen.add(key);
      ordered.push(row);
    }
    highestSequenceSeen = highest;
    recentRows.forEach(function (row, key) {
      if (!seen.has(key)) {
        row.remove();
        recentRows.delete(key);
      }
    });
    placeInOrder(view.recentRows, ordered);
    view.recentEmpty.hidden = ordered.length > 0;
  }

  // ---------------------------------------------------------------- connection

  let stream = null;
  let polling = false;
  let pollTimer = null;
  let reconnectTimer = null;

  function showConnection(mode) {
    body.dataset.connection = mode;
    renderConnectionLabel();
  }

  function showStale(stale) {
    if (stale) {
      body.dataset.stale = 'true';
    } else {
      delete body.dataset.stale;
    }
    renderConnectionLabel();
  }

  function renderConnectionLabel() {
    const key = body.dataset.stale === 'true' ? 'connection.offline' : 'connection.' + body.dataset.connection;
    view.connection.textContent = label(key);
  }

  function openStream() {
    reconnectTimer = null;
    if (typeof window.EventSource !== 'function') {
      startPolling();
      return;
    }
    const current = new EventSource('/dashboard/events');
    stream = current;
    current.addEventListener('snapshot', function (event) {
      if (stream !== current) {
        return;
      }
      stopPolling();
      showConnection('sse');
      showStale(false);
      applySnapshotText(event.data);
    });
    current.onerror = function () {
      if (stream !== current) {
        return;
      }
      // EventSource would retry on its own every few seconds. Polling keeps the page current instead, and
      // the stream is tried again after a longer pause, which spares a balancer that is down.
      current.close();
      stream = null;
      startPolling();
      reconnectTimer = setTimeout(openStream, RECONNECT_DELAY_MS);
    };
  }

  function startPolling() {
    showConnection('polling');
    if (polling) {
      return;
    }
    polling = true;
    poll();
  }

  function stopPolling() {
    polling = false;
    if (pollTimer !== null) {
      clearTimeout(pollTimer);
      pollTimer = null;
    }
  }

  function poll() {
    pollTimer = null;
    fetch('/dashboard/snapshot', { cache: 'no-store', headers: { Accept: 'application/json' } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error('GET /dashboard/snapshot returned HTTP ' + response.status);
        }
        return response.json();
      })
      .then(function (snapshot) {
        if (polling) {
          showStale(false);
          applySnapshot(snapshot);
        }
      })
      .catch(function (error) {
        if (polling) {
          showStale(true);
          console.warn('Vigía dashboard: poll failed', error);
        }
      })
      .then(function () {
        if (polling && pollTimer === null) {
          pollTimer = setTimeout(poll, POLL_INTERVAL_MS);
        }
      });
  }

  // ---------------------------------------------------------------- start

  function redraw() {
    pruneSeries();
    renderUptime();
    backendRows.forEach(function (entry) {
      updateRelativeTimes(entry);
      drawSparkline(entry.cells.spark, backendSeries.get(entry.row.dataset.backend));
    });
    drawChart();
  }

  showConnection('connecting');
  view.backendsEmpty.hidden = true;
  view.bucketsEmpty.hidden = true;
  view.recentEmpty.hidden = true;
  drawChart();
  openStream();
  setInterval(redraw, REDRAW_INTERVAL_MS);
  window.addEventListener('resize', drawChart);
}());
