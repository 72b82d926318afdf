// portal.js — the resident portal, no login: file a request (category, text, the district
// picked on the city's map, address, contact) with POST /api/public/cases, and track one by
// its number and phone with GET /api/public/cases/:number?phone= (the public history only).
// The catalogue (active categories, districts and their streets, and the city's UTC offset for
// the dates shown) comes from the public GET /api/public/catalog.

import { get, post, publicCatalog, ApiError } from './api.js';
import { t, nm, applyI18n } from './i18n.js';
import { el, $, $$, field, showFormError, clearErrors, showError, showLoading, fmtTime, langButton } from './ui.js';
import { makeCategories, categoryPicker } from './catalog.js';

applyI18n();
const top = $('#top');
top.replaceChildren(
  el('a.brand', { href: '/portal.html' }, el('span.logo', '12345'), el('span', `${t('app.city')} · ${t('pt.title')}`)),
  el('div.spacer'), langButton(), el('a.ghost.button', { href: '/' }, t('pt.staff')));

const main = $('#main');
let catalog, geo;
try {
  [catalog, geo] = await Promise.all([publicCatalog(), get('/vendor/districts.geojson')]);
} catch (e) {
  showError(main, e, () => location.reload());
  throw e;
}
const cats = makeCategories(catalog.categories);
const districtByCode = new Map(catalog.districts.map((d) => [d.code, d]));

// ---- the district map: an SVG drawn from the city's polygons -------------------------------
function districtMap(onPick) {
  const feats = geo.features.filter((f) => districtByCode.has(f.properties.code));
  let minx = Infinity, miny = Infinity, maxx = -Infinity, maxy = -Infinity;
  const rings = (g) => (g.type === 'Polygon' ? [g.coordinates] : g.coordinates);
  for (const f of feats) for (const poly of rings(f.geometry)) for (const [x, y] of poly[0]) {
    minx = Math.min(minx, x); maxx = Math.max(maxx, x); miny = Math.min(miny, y); maxy = Math.max(maxy, y);
  }
  const kx = Math.cos(((miny + maxy) / 2) * Math.PI / 180);
  const W = 480, pad = 8;
  const s = (W - 2 * pad) / ((maxx - minx) * kx);
  const H = Math.round((maxy - miny) * s + 2 * pad);
  const px = (x) => pad + (x - minx) * kx * s;
  const py = (y) => pad + (maxy - y) * s;
  const NS = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.setAttribute('class', 'district-map');
  svg.setAttribute('role', 'radiogroup');
  svg.setAttribute('aria-label', t('f.district'));
  const marker = document.createElementNS(NS, 'circle');
  marker.setAttribute('r', '5');
  marker.setAttribute('class', 'pin');
  marker.style.display = 'none';
  for (const f of feats) {
    const d = districtByCode.get(f.properties.code);
    const path = document.createElementNS(NS, 'path');
    path.setAttribute('d', rings(f.geometry).map((poly) => poly.map((ring) =>
      ring.map(([x, y], i) => `${i ? 'L' : 'M'}${px(x).toFixed(1)},${py(y).toFixed(1)}`).join('') + 'Z').join('')).join(''));
    path.setAttribute('tabindex', '0');
    path.setAttribute('role', 'radio');
    path.setAttribute('aria-checked', 'false');
    path.setAttribute('aria-label', nm(d));
    path.dataset.code = d.code;
    const pick = (lngLat) => {
      for (const p of svg.querySelectorAll('path')) p.setAttribute('aria-checked', p === path ? 'true' : 'false');
      if (lngLat) {
        marker.setAttribute('cx', px(lngLat[0]));
        marker.setAttribute('cy', py(lngLat[1]));
        marker.style.display = '';
      } else marker.style.display = 'none';
      onPick(d, lngLat);
    };
    path.addEventListener('click', (e) => {
      const pt = svg.createSVGPoint();
      pt.x = e.clientX; pt.y = e.clientY;
      const m = pt.matrixTransform(svg.getScreenCTM().inverse());
      pick([minx + (m.x - pad) / (kx * s), maxy - (m.y - pad) / s]);
    });
    path.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); pick(null); } });
    svg.append(path);
    // the label at the ring's average point
    const ring = rings(f.geometry)[0][0];
    const cx = ring.reduce((a, p) => a + p[0], 0) / ring.length;
    const cy = ring.reduce((a, p) => a + p[1], 0) / ring.length;
    const label = document.createElementNS(NS, 'text');
    label.setAttribute('x', px(cx).toFixed(1));
    label.setAttribute('y', py(cy).toFixed(1));
    label.setAttribute('text-anchor', 'middle');
    label.textContent = nm(d);
    svg.append(label);
  }
  svg.append(marker);
  svg.select = (code) => {
    for (const p of svg.querySelectorAll('path')) p.setAttribute('aria-checked', p.dataset.code === code ? 'true' : 'false');
    marker.style.display = 'none';
  };
  return svg;
}

// ---- file a request -------------------------------------------------------------------------
let lngLat = null;
const picker = categoryPicker(cats, { id: 'pt-cat' });
const districtSel = el('select#pt-district', { name: 'district_id' }, el('option', { value: '' }, t('f.choose')),
  catalog.districts.map((d) => el('option', { value: d.id, dataset: { code: d.code } }, nm(d))));
const streetSel = el('select#pt-street', { name: 'street_id', disabled: true }, el('option', { value: '' }, t('f.choose')));
const setStreets = (d) => {
  streetSel.replaceChildren(el('option', { value: '' }, t('f.choose')), ...(d ? d.streets : []).map((s) => el('option', { value: s.id }, nm(s))));
  streetSel.disabled = !d;
};
const map = districtMap((d, ll) => {
  districtSel.value = String(d.id);
  setStreets(d);
  lngLat = ll;
  chosen.textContent = nm(d);
});
const chosen = el('span.chosen-district', t('pt.map.none'));
districtSel.addEventListener('change', () => {
  const d = catalog.districts.find((x) => String(x.id) === districtSel.value);
  map.select(d ? d.code : null);
  setStreets(d);
  lngLat = null;
  chosen.textContent = d ? nm(d) : t('pt.map.none');
});

const fileForm = el('form#file-form.card', { novalidate: true, autocomplete: 'on' },
  el('div.portal-grid',
    el('div',
      field(t('f.category'), picker.input, { required: true, field: 'category_id' }),
      field(t('f.title'), el('input#pt-title', { name: 'title', type: 'text' }), { optional: true }),
      field(t('f.text'), el('textarea#pt-text', { name: 'text', rows: 6 }), { required: true }),
      el('div.row2',
        field(t('f.caller_name'), el('input#pt-name', { name: 'caller_name', type: 'text', autocomplete: 'name' }), { optional: true }),
        field(t('f.caller_phone'), el('input#pt-phone', { name: 'caller_phone', type: 'tel', autocomplete: 'tel' }), { required: true, hint: t('pt.phone.hint') })),
      el('label.check', el('input#pt-conf', { type: 'checkbox', name: 'confidential' }), ' ', t('pt.confidential'))),
    el('div',
      el('div.field', { dataset: { field: 'district_id' } }, el('span.label', t('pt.where')), map, el('div.small', `${t('f.district')}: `, chosen)),
      el('div.row2', field(t('f.district'), districtSel), field(t('f.street'), streetSel)),
      field(t('f.address'), el('input#pt-address', { name: 'address', type: 'text', autocomplete: 'street-address' })))),
  el('div.form-error', { role: 'alert' }),
  el('div.buttons', el('button#pt-submit.primary.big', { type: 'submit' }, t('pt.submit'))));
picker.input.replaceWith(picker.root);
picker.root.prepend(picker.input);

fileForm.addEventListener('submit', async (e) => {
  e.preventDefault();
  clearErrors(fileForm);
  const f = new FormData(fileForm);
  const b = { category_id: picker.value() || 0, text: String(f.get('text') || ''), caller_phone: String(f.get('caller_phone') || '') };
  for (const k of ['title', 'caller_name', 'address']) if (String(f.get(k) || '').trim()) b[k] = String(f.get(k)).trim();
  if (streetSel.value) b.street_id = Number(streetSel.value);
  else if (districtSel.value) b.district_id = Number(districtSel.value);
  if (lngLat) { b.lng = Math.round(lngLat[0] * 1e6) / 1e6; b.lat = Math.round(lngLat[1] * 1e6) / 1e6; }
  if (f.get('confidential')) b.confidential = true;
  const btn = $('#pt-submit');
  btn.disabled = true;
  try {
    const r = await post('/api/public/cases', b);
    fileBox.replaceChildren(el('div.card.saved',
      el('h2', t('pt.saved')), el('p', t('pt.saved.keep')),
      el('div#pt-number.big-number', r.number),
      el('p.muted', fmtTime(r.registered_at, true)),
      el('div.buttons',
        el('button.primary', { type: 'button', onclick: () => { trackNumber.value = r.number; trackPhone.value = b.caller_phone; showTab('track'); trackForm.requestSubmit(); } }, t('pt.track')),
        el('button.ghost', { type: 'button', onclick: () => location.reload() }, t('pt.file')))));
  } catch (err) {
    showFormError(fileForm, err);
  } finally {
    btn.disabled = false;
  }
});

// ---- track a request ------------------------------------------------------------------------
const trackNumber = el('input#tr-number', { name: 'number', type: 'text', placeholder: '20261127-00001', autocomplete: 'off' });
const trackPhone = el('input#tr-phone', { name: 'phone', type: 'tel', autocomplete: 'tel' });
const trackResult = el('div.track-result', { 'aria-live': 'polite' });
const trackForm = el('form#track-form.card', { novalidate: true },
  el('div.row3', field(t('f.number'), trackNumber, { required: true }), field(t('f.caller_phone'), trackPhone, { required: true }),
    el('div.field.align-end', el('button.primary', { type: 'submit' }, t('pt.track.go')))),
  el('div.form-error', { role: 'alert' }));
trackForm.addEventListener('submit', async (e) => {
  e.preventDefault();
  clearErrors(trackForm);
  const n = trackNumber.value.trim();
  if (!n) { showFormError(trackForm, new ApiError(400, { error: { code: 'missing_field', message: t('err.missing_field'), field: 'number' } })); return; }
  showLoading(trackResult);
  try {
    const r = await get(`/api/public/cases/${encodeURIComponent(n)}?phone=${encodeURIComponent(trackPhone.value.trim())}`);
    trackResult.replaceChildren(el('div.card',
      el('div.case-head', el('h2.case-number', r.number), el(`span.badge.st-${r.state}`, t(`state.${r.state}`))),
      el('p.muted', `${t('f.registered_at')} ${fmtTime(r.registered_at, true)}`),
      r.reply_text ? el('div.reply', el('h4', t('pt.reply')), el('p', r.reply_text)) : null,
      el('h4', t('pt.history')),
      el('ol.timeline', r.history.map((h) => el(`li.ev-${h.action}`,
        el('div.ev-head', el('time', fmtTime(h.at, true)), el('b', t(`action.${h.action}`))))))));
  } catch (err) {
    if (err.code === 'not_found') trackResult.replaceChildren(el('div.state.empty', { role: 'alert' }, t('pt.track.notfound')));
    else showError(trackResult, err);
  }
});

// ---- tabs -----------------------------------------------------------------------------------
const fileBox = el('div#file-box', fileForm);
const trackBox = el('div#track-box', { hidden: true }, trackForm, trackResult);
const tabs = el('div.tabs', { role: 'tablist' },
  el('button.tab', { type: 'button', role: 'tab', id: 'tab-file', dataset: { key: 'file' }, onclick: () => showTab('file') }, t('pt.file')),
  el('button.tab', { type: 'button', role: 'tab', id: 'tab-track', dataset: { key: 'track' }, onclick: () => showTab('track') }, t('pt.track')));
function showTab(k) {
  for (const b of $$('.tab', tabs)) b.setAttribute('aria-selected', b.dataset.key === k ? 'true' : 'false');
  fileBox.hidden = k !== 'file';
  trackBox.hidden = k !== 'track';
  history.replaceState(null, '', `#${k}`);
}
main.replaceChildren(el('div.portal',
  el('div.portal-head', el('h1', t('pt.title')), el('p.muted', t('pt.sub'))), tabs, fileBox, trackBox));
showTab(location.hash === '#track' ? 'track' : 'file');
