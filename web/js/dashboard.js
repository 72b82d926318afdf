// dashboard.js — the governance hall's big screen (1920×1080): today's requests by channel
// and state, hot matters, the district map shaded by today's volume (ECharts, our own district
// polygons), the 30-day trend, unit rankings, overdue and urgent lists, the live feed.
// It follows the event stream: a registration or any action shows within the second (the
// today figures change in memory from the event itself; lists and totals are fetched again).
//
// Today's breakdowns (channel, state, matters, districts) are computed here from today's
// requests (GET /api/cases?from=today, a few pages) and then kept current from the events
// themselves: the analytics breakdowns have no state dimension and would need a fetch per
// event. The 30-day trend comes from GET /api/analytics/volume, the rankings from
// GET /api/appraisal (this month, tier by tier), clusters from GET /api/clusters; for the roles
// that may not read those (api.may) the page counts with GET /api/cases and the overdue queue.
// Today's calls (connection rates against GB/T 33358's 95 %) come from GET /api/analytics/calls,
// for the roles that may read it; call events go to call-takers only, so the tile is fetched
// again after request events and every 30 seconds. The clock and "today" are the city's (the
// session's utc_offset_min).

import { get, qs, getAll, may } from './api.js';
import { t, nm, isEn, applyI18n, addStrings } from './i18n.js';
import { el, $, cityDate, cityTime, fmtTime, requireUser, langButton } from './ui.js';
import { loadCategories, loadUnits } from './catalog.js';
import { subscribe, debounce } from './live.js';

addStrings({
  'db.calls': ['今日话务', 'Calls today'],
  'db.calls.target': ['GB/T 33358 标准 ≥ 95%', 'GB/T 33358: ≥ 95 %'],
  'db.calls.answer_rate': ['接通率', 'Answered'],
  'db.calls.answer_15s_rate': ['15秒接通率', 'Answered within 15 s'],
  'db.calls.offered': ['呼入', 'Offered'],
  'db.calls.answered': ['接通', 'Answered'],
  'db.calls.abandoned': ['放弃', 'Abandoned'],
  'db.calls.avg_wait': ['平均等待', 'Avg wait'],
  'db.calls.sec': ['{n}秒', '{n} s'],
});

/* global echarts */
await requireUser(null, '/dashboard.html');
applyI18n();
$('#db-tools').replaceChildren(langButton(), el('a.ghost.button', { href: '/' }, t('nav.home')));
// what this role may read (GET /api/analytics/*, /api/appraisal, /api/clusters)
const analyticsOn = may('analytics');
const appraisalOn = may('appraisal');
const overdueOn = may('overdue');
const clustersOn = may('clusters');
const callsOn = analyticsOn; // GET /api/analytics/calls
const [cats, units, geo] = await Promise.all([loadCategories(), loadUnits(), get('/vendor/districts.geojson')]);
// shown before the charts are laid out, so that they take the space that is left
$('#calls-tile').hidden = !callsOn;

const OPEN = 'registered,dispatched,signed,return_pending,replied';
const CHANNELS = ['phone', 'web', 'open311', 'app', 'wechat', 'email', 'grid', 'province', 'letter', 'video'];
const STATES = ['registered', 'dispatched', 'signed', 'return_pending', 'replied', 'visited', 'closed', 'merged'];
const COLORS = ['#3ba7ff', '#36d1b3', '#ffc94a', '#ff8a4c', '#b48cff', '#5ad45a', '#ff6b9a', '#4fd8ff', '#c7d36b', '#9aa7b8'];
const text = '#cfe3ff';
const axis = { axisLine: { lineStyle: { color: '#35507a' } }, axisLabel: { color: text, fontSize: 14 }, splitLine: { lineStyle: { color: '#1c3156' } } };

// ---- charts -----------------------------------------------------------------------------------
const charts = {};
for (const id of ['channel', 'state', 'hot', 'map', 'trend', 'rank']) charts[id] = echarts.init($(`#ch-${id}`), null, { renderer: 'canvas' });
addEventListener('resize', () => { for (const c of Object.values(charts)) c.resize(); });

echarts.registerMap('jiangcheng', geo);
const districtCode = new Map(units.districts.map((d) => [d.id, d.code]));
const geoName = new Map(geo.features.map((f) => [f.properties.code, isEn() ? f.properties.name_en : f.properties.name]));

// ---- state ------------------------------------------------------------------------------------
let today = cityDate(0);
const todayCases = new Map(); // id → {state, channel, category_id, district_id, urgency, closed_as}
let trend = []; // [{date, n}]
const feed = [];

function count(key, filter) {
  const m = new Map();
  for (const c of todayCases.values()) if (!filter || filter(c)) { const k = key(c); if (k != null) m.set(k, (m.get(k) || 0) + 1); }
  return m;
}

function setKpi(id, v) {
  const n = $(`#kpi-${id} .kpi-n`);
  const s = v === null || v === undefined ? '—' : String(v);
  if (n.textContent !== s) {
    n.textContent = s;
    n.classList.remove('bump');
    void n.offsetWidth;
    n.classList.add('bump');
  }
}

// ---- drawing ----------------------------------------------------------------------------------
function drawToday() {
  setKpi('today', todayCases.size);
  setKpi('closed', [...todayCases.values()].filter((c) => c.state === 'closed').length);
  setKpi('answered', [...todayCases.values()].filter((c) => c.closed_as === 'answered').length);

  const byChannel = count((c) => c.channel);
  charts.channel.setOption({
    color: COLORS,
    tooltip: { trigger: 'item' },
    legend: { orient: 'vertical', right: 0, top: 'middle', textStyle: { color: text, fontSize: 14 } },
    series: [{
      type: 'pie', radius: ['42%', '72%'], center: ['36%', '52%'], avoidLabelOverlap: true,
      label: { color: text, formatter: '{c}', fontSize: 14 },
      data: CHANNELS.filter((ch) => byChannel.get(ch)).map((ch) => ({ name: t(`channel.${ch}`), value: byChannel.get(ch) })),
    }],
  });

  const byState = count((c) => c.state);
  charts.state.setOption({
    grid: { left: 92, right: 40, top: 8, bottom: 8 },
    tooltip: {},
    xAxis: { type: 'value', ...axis, axisLabel: { show: false }, splitLine: { show: false } },
    yAxis: { type: 'category', inverse: true, data: STATES.map((s) => t(`state.${s}`)), ...axis },
    series: [{
      type: 'bar', barWidth: '60%', data: STATES.map((s) => byState.get(s) || 0),
      itemStyle: { color: '#36d1b3', borderRadius: [0, 4, 4, 0] }, label: { show: true, position: 'right', color: text, fontSize: 14 },
    }],
  });

  const hot = [...count((c) => (cats.second(c.category_id) || {}).id).entries()].sort((a, b) => b[1] - a[1]).slice(0, 8);
  charts.hot.setOption({
    grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
    tooltip: {},
    xAxis: { type: 'value', ...axis, axisLabel: { show: false }, splitLine: { show: false } },
    yAxis: { type: 'category', inverse: true, data: hot.map(([id]) => nm(cats.byId.get(id))), ...axis },
    series: [{
      type: 'bar', barWidth: '60%', data: hot.map(([, n]) => n),
      itemStyle: { color: '#ffc94a', borderRadius: [0, 4, 4, 0] }, label: { show: true, position: 'right', color: text, fontSize: 14 },
    }],
  });

  const byDistrict = count((c) => c.district_id);
  const data = units.districts.map((d) => ({ name: geoName.get(districtCode.get(d.id)) || nm(d), value: byDistrict.get(d.id) || 0 }));
  const max = Math.max(5, ...data.map((d) => d.value));
  charts.map.setOption({
    tooltip: { trigger: 'item', formatter: (p) => `${p.name}<br>${p.value || 0} ${t('db.requests')}` },
    visualMap: {
      min: 0, max, left: 16, bottom: 16, calculable: true, itemHeight: 160,
      inRange: { color: ['#12305c', '#1f6fb2', '#36d1b3', '#ffc94a', '#ff6b4a'] }, textStyle: { color: text },
    },
    series: [{
      type: 'map', map: 'jiangcheng', nameProperty: isEn() ? 'name_en' : 'name', roam: false, layoutCenter: ['54%', '50%'], layoutSize: '96%',
      label: { show: true, color: '#fff', fontSize: 16, fontWeight: 'bold', formatter: (p) => `${p.name}\n${p.value || 0}` },
      itemStyle: { borderColor: '#8fd3ff', borderWidth: 1.5 },
      emphasis: { label: { color: '#fff' }, itemStyle: { areaColor: '#3ba7ff' } },
      data,
    }],
  });
  $('#db-map-n') && ($('#db-map-n').textContent = '');
}

function drawTrend() {
  charts.trend.setOption({
    grid: { left: 48, right: 16, top: 16, bottom: 28 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: trend.map((d, i) => (i === trend.length - 1 ? t('db.today.short') : d.date.slice(5))), ...axis, axisLabel: { color: text, fontSize: 12 } },
    yAxis: { type: 'value', ...axis },
    series: [{
      type: 'line', smooth: true, symbolSize: 6, data: trend.map((d) => d.n),
      lineStyle: { color: '#3ba7ff', width: 3 }, itemStyle: { color: '#3ba7ff' },
      areaStyle: { color: new echarts.graphic.LinearGradient(0, 0, 0, 1, [{ offset: 0, color: 'rgba(59,167,255,.45)' }, { offset: 1, color: 'rgba(59,167,255,0)' }]) },
    }],
  });
}

function drawRank(rows, title) {
  $('#rank-title').textContent = title;
  charts.rank.setOption({
    grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
    tooltip: {},
    xAxis: { type: 'value', ...axis, axisLabel: { show: false }, splitLine: { show: false } },
    yAxis: { type: 'category', inverse: true, data: rows.map((r) => r.name), ...axis },
    series: [{
      type: 'bar', barWidth: '60%', data: rows.map((r) => r.value),
      itemStyle: { color: '#ff8a4c', borderRadius: [0, 4, 4, 0] }, label: { show: true, position: 'right', color: text, fontSize: 14 },
    }],
  }, true);
}

function listItems(ul, items) {
  ul.replaceChildren(...items.map((c) => el('li', { class: c.overdue ? 'late' : null },
    el('span.num', c.number), el('span.cat', cats.name(c.category_id)),
    el('span.unit', c.unit_id ? units.name(c.unit_id) : t(`state.${c.state}`)),
    el('span.due', c.current_due ? fmtTime(c.current_due) : ''))));
}

/** The feed starts with today's latest registrations, so the screen is never empty. */
function seedFeed() {
  if (feed.length) return;
  get(`/api/cases${qs({ from: today, page_size: 14 })}`).then((r) => {
    if (feed.length) return;
    for (const c of r.items) feed.push({ at: c.registered_at, number: c.number, action: 'register', unit_id: null, district_id: c.district_id });
    drawFeed();
  }).catch(() => {});
}

function drawFeed() {
  $('#list-feed').replaceChildren(...feed.map((e) => el('li', { class: e.action === 'register' ? 'new' : null },
    el('span.t', e.at.slice(11, 19)), el('span.num', e.number), el(e.action === 'alert' ? 'b.alert' : 'b', t(`action.${e.action}`)),
    el('span.unit', e.unit_id ? units.name(e.unit_id) : e.district_id ? units.name(e.district_id) : ''))));
}

// ---- loading ----------------------------------------------------------------------------------
async function loadToday() {
  today = cityDate(0);
  const r = await getAll('/api/cases', { from: today, sort: 'oldest' }, 20000);
  todayCases.clear();
  for (const c of r.items) todayCases.set(c.id, { state: c.state, channel: c.channel, category_id: c.category_id, district_id: c.district_id, urgency: c.urgency, closed_as: c.closed_as });
  drawToday();
}

async function loadTrend() {
  const days = [...Array(30)].map((_, i) => cityDate(i - 29));
  if (analyticsOn) {
    try {
      const r = await get(`/api/analytics/volume${qs({ by: 'day', from: days[0], to: days[29] })}`);
      const m = new Map(r.series.map((x) => [x.start, x.n]));
      trend = days.map((d) => ({ date: d, n: m.get(d) || 0 }));
      drawTrend();
      return;
    } catch { /* counted below */ }
  }
  // a role without analytics: 30 searches of one item each, reading their totals
  trend = await Promise.all(days.map(async (d, i) => {
    const to = i === 29 ? cityDate(1) : days[i + 1];
    const r = await get(`/api/cases${qs({ from: d, to, page_size: 1 })}`);
    return { date: d, n: r.total };
  }));
  drawTrend();
}

let tiers = null; // [{key, rows}] from the appraisal of this month
let tierIndex = 0;
const TIER_NAMES = { districts: 'db.tier.districts', departments: 'db.tier.departments', streets: 'db.tier.streets' };

function showTier() {
  if (!tiers || !tiers.length) return;
  const tier = tiers[tierIndex % tiers.length];
  drawRank(tier.rows, `${t('db.rank')} · ${t(TIER_NAMES[tier.key] || tier.key)} · ${t('db.rank.month')}`);
}

async function loadRank() {
  if (appraisalOn) {
    try {
      const r = await get(`/api/appraisal${qs({ period: cityDate(0).slice(0, 7) })}`);
      tiers = Object.entries(r.tiers).map(([key, list]) => ({
        key,
        rows: list.filter((x) => x.composite !== null && x.composite !== undefined)
          .sort((a, b) => (a.rank || 999) - (b.rank || 999)).slice(0, 8)
          .map((x) => ({ name: nm(x), value: x.composite })),
      })).filter((x) => x.rows.length);
      if (tiers.length) { showTier(); return; }
    } catch { /* fall back below */ }
  }
  // no appraisal (the role, or nothing scored yet): overdue requests by first-level unit
  tiers = null;
  if (overdueOn) {
    try {
      const r = await get('/api/analytics/overdue');
      drawRank(r.units.filter((u) => u.n > 0).sort((a, b) => b.n - a.n).slice(0, 8).map((u) => ({ name: nm(u), value: u.n })), t('db.rank.overdue'));
      return;
    } catch { /* counted below */ }
  }
  const r = await getAll('/api/queues/overdue', {}, 4000);
  const top = (id) => { let u = units.byId.get(id); while (u && u.parent_id && units.byId.get(u.parent_id) && units.byId.get(u.parent_id).kind !== 'centre') u = units.byId.get(u.parent_id); return u; };
  const m = new Map();
  for (const c of r.items) { const u = c.unit_id ? top(c.unit_id) : null; if (u) m.set(u.id, (m.get(u.id) || 0) + 1); }
  drawRank([...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([id, n]) => ({ name: units.name(id), value: n })), t('db.rank.overdue'));
}

async function loadClusters() {
  const ul = $('#list-clusters');
  if (!clustersOn) return; // not this role's (unit handlers)
  const r = await get('/api/clusters?days=3');
  $('#clusters-n').textContent = r.clusters.length;
  ul.replaceChildren(...r.clusters.slice(0, 8).map((c) => el('li', { class: c.kind === 'similar' ? 'new' : null },
    el('span', cats.name(c.category_id)),
    el('span.unit', c.district_id ? units.name(c.district_id) : ''),
    el('span.n', t('dd.callers', { n: c.size })))));
  if (!r.clusters.length) ul.replaceChildren(el('li.muted', t('empty')));
}

async function loadLists() {
  const [open, overdue, urgent] = await Promise.all([
    get(`/api/cases${qs({ state: OPEN, page_size: 1 })}`),
    get(`/api/queues/overdue${qs({ page_size: 8 })}`),
    get(`/api/cases${qs({ state: OPEN, urgency: 'urgent', sort: 'due', page_size: 8 })}`),
  ]);
  setKpi('open', open.total);
  setKpi('overdue', overdue.total);
  setKpi('urgent', urgent.total);
  $('#overdue-n').textContent = overdue.total;
  $('#urgent-n').textContent = urgent.total;
  listItems($('#list-overdue'), overdue.items);
  listItems($('#list-urgent'), urgent.items);
}

/** Today's call figures (the server's day; rates are 0..1 or null when nothing was offered). */
async function loadCalls() {
  if (!callsOn) return;
  const r = await get('/api/analytics/calls');
  const pct = (x) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)}%`);
  for (const [id, rate] of [['calls-answer-rate', r.answer_rate], ['calls-15s-rate', r.answer_15s_rate]]) {
    const box = $(`#${id}`);
    box.querySelector('.v').textContent = pct(rate);
    box.classList.toggle('low', rate !== null && rate !== undefined && rate < 0.95); // below the standard: red
  }
  $('#calls-offered').textContent = r.offered;
  $('#calls-answered').textContent = r.answered;
  $('#calls-abandoned').textContent = r.abandoned;
  $('#calls-avg-wait').textContent = r.avg_wait_seconds === null || r.avg_wait_seconds === undefined
    ? '—' : t('db.calls.sec', { n: Number(r.avg_wait_seconds.toFixed(1)) });
  $('#calls-tile').dataset.updated = String(Date.now());
}

function stamp() {
  document.body.dataset.updated = String(Date.now());
}

// ---- live -------------------------------------------------------------------------------------
const refreshLists = debounce(() => loadLists().then(stamp).catch(() => {}), 600);
const refreshRank = debounce(() => loadRank().catch(() => {}), 5000);
const refreshClusters = debounce(() => loadClusters().catch(() => {}), 1500);
const refreshCalls = debounce(() => loadCalls().catch(() => {}), 1000);

function onCase(ev) {
  const day = ev.at.slice(0, 10);
  if (day !== today) { // midnight passed: start the new day
    if (day > today) { loadToday().catch(() => {}); loadTrend().catch(() => {}); }
  } else if (ev.action === 'register') {
    todayCases.set(ev.id, { state: ev.state, channel: ev.channel, category_id: ev.category_id, district_id: ev.district_id, urgency: ev.urgency, closed_as: null });
    if (trend.length) { trend[trend.length - 1].n++; drawTrend(); }
  }
  const c = todayCases.get(ev.id);
  if (c) {
    c.state = ev.state;
    if (ev.action === 'answer') c.closed_as = 'answered';
    if (ev.action === 'invalidate') c.closed_as = 'invalid';
  }
  if (c || ev.action === 'register') drawToday();
  feed.unshift(ev);
  feed.length = Math.min(feed.length, 14);
  drawFeed();
  stamp();
  refreshLists();
  refreshRank();
  if (ev.action === 'register' && ev.channel === 'phone') refreshCalls(); // a call was answered for it
}

const live = $('#db-live');
function setLive(s) {
  live.className = `live ${s === 'open' ? 'on' : 'off'}`;
  live.textContent = s === 'open' ? `● ${t('db.live')}` : t('db.offline');
}
setLive('connecting');
subscribe({
  onCase,
  onState: (s) => { setLive(s); if (s === 'open') { refreshLists(); refreshCalls(); } },
  onResync: () => { loadToday().catch(() => {}); refreshLists(); refreshCalls(); },
  onAnnouncement: (a) => {
    const box = $('#db-announce');
    box.replaceChildren(el('b', `${t('db.announcement')}：`), a.message, el('span.muted', a.by ? ` — ${a.by}` : ''));
    box.hidden = false;
    setTimeout(() => { box.hidden = true; }, 60000);
  },
  onAlert: (a) => {
    feed.unshift({ at: a.at, number: a.number, action: 'alert', unit_id: null, district_id: a.district_id });
    feed.length = Math.min(feed.length, 14);
    drawFeed();
  },
  onCluster: () => refreshClusters(),
});

// the clock (city time)
setInterval(() => {
  $('#db-clock').textContent = cityTime().replace('T', ' ');
}, 1000);

await Promise.all([loadToday(), loadLists(), loadTrend(), loadRank(), loadClusters(), loadCalls()].map((p) => p.catch((e) => console.error(e))));
seedFeed();
stamp();
// slow corrections: the lists turn overdue with time; the day's figures are recounted
setInterval(() => { refreshLists(); refreshCalls(); }, 30000);
setInterval(() => { loadToday().catch(() => {}); loadRank().catch(() => {}); }, 5 * 60000);
setInterval(() => loadTrend().catch(() => {}), 30 * 60000);
setInterval(() => { tierIndex++; showTier(); }, 12000);
setInterval(() => refreshClusters(), 60000);
