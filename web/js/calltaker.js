// calltaker.js — the call-taker's console: the caller's number brings up their earlier
// requests at once (GET /api/cases?phone=); the registration form (searchable category tree,
// district and street, address, urgency, confidential, text) registers with POST /api/cases;
// a question answered on the spot is registered and answered directly (action "answer",
// citing the knowledge-base article when one was used). Everything works from the keyboard;
// the new request's number is shown large. Screen pop: a call this call-taker answers on the
// phone switch fills the caller's number and looks it up (see "screen pop" below).

import { get, post, qs, latest } from './api.js';
import { t, nm, addStrings } from './i18n.js';
import {
  el, $, requireUser, field, showFormError, clearErrors, showLoading, showEmpty, showError,
  fmtTime, stateBadge, toast, isTyping, errText, put,
} from './ui.js';
import { loadCategories, loadUnits, categoryPicker } from './catalog.js';
import { subscribe } from './live.js';

addStrings({
  'ct.call': ['来电', 'Call'],
  'ct.call.ended': ['已挂断', 'ended'],
  'ct.call.cases': ['本次来电已登记：', 'Registered during this call: '],
  'ct.call.busy': ['表单中是另一位来电人尚未登记的内容。', 'The form holds another caller\'s unregistered request.'],
  'ct.call.use': ['使用此来电（清空表单）', 'Use this caller (clears the form)'],
  'ct.call.dismiss': ['关闭来电提示', 'Dismiss the call'],
  'ct.pop.on': ['来电弹屏已连接', 'Screen pop connected'],
  'ct.pop.off': ['来电弹屏未连接，正在重连…', 'Screen pop disconnected, reconnecting…'],
});

await requireUser(['calltaker'], '/calltaker.html');
const main = $('#main');
let cats, units;
try {
  [cats, units] = await Promise.all([loadCategories(), loadUnits()]);
} catch (e) {
  showError(main, e, () => location.reload());
  throw e;
}

// ---- the form -----------------------------------------------------------------------------
const form = el('form#reg-form', { novalidate: true, autocomplete: 'off' });
const phone = el('input#caller_phone', { name: 'caller_phone', type: 'tel', form: 'reg-form', placeholder: t('ct.caller.placeholder'), inputmode: 'tel' });
const callerName = el('input#caller_name', { name: 'caller_name', type: 'text', form: 'reg-form' });
const historyBox = el('div.caller-history', { 'aria-live': 'polite' }, el('p.muted.small', t('ct.history.hint')));

const picker = categoryPicker(cats, { onPick: (c) => { urgency.options[0].textContent = `${t('ct.default_urgency')} · ${t(`urgency.${c.urgency}`)}`; districtSel.focus(); suggestUnit(); } });
const districtSel = el('select#district_id', { name: 'district_id' },
  el('option', { value: '' }, t('f.choose')), units.districts.map((d) => el('option', { value: d.id }, nm(d))));
const streetSel = el('select#street_id', { name: 'street_id', disabled: true }, el('option', { value: '' }, t('f.choose')));
districtSel.addEventListener('change', () => {
  const d = Number(districtSel.value);
  streetSel.replaceChildren(el('option', { value: '' }, t('f.choose')), ...(d ? units.streetsOf(d) : []).map((s) => el('option', { value: s.id }, nm(s))));
  streetSel.disabled = !d;
  suggestUnit();
});
const address = el('input#address', { name: 'address', type: 'text' });
const urgency = el('select#urgency', { name: 'urgency' },
  el('option', { value: '' }, t('ct.default_urgency')),
  el('option', { value: 'normal' }, t('urgency.normal')), el('option', { value: 'urgent' }, t('urgency.urgent')));
const confidential = el('input#confidential', { name: 'confidential', type: 'checkbox' });
const title = el('input#title', { name: 'title', type: 'text' });
const text = el('textarea#text', { name: 'text', rows: 6 });

form.append(
  el('div.row2',
    field(t('f.category'), picker.input, { required: true, field: 'category_id', cls: 'grow' })),
  el('div.row3',
    field(t('f.district'), districtSel),
    field(t('f.street'), streetSel),
    field(t('f.urgency'), urgency)),
  field(t('f.address'), address),
  field(t('f.title'), title, { optional: true }),
  field(t('f.text'), text, { required: true }),
  el('label.check', { for: 'confidential' }, confidential, ' ', t('f.confidential'), el('span.muted.small', ` — ${t('f.confidential.hint')}`)),
  el('div.form-error', { role: 'alert' }),
  el('div.buttons',
    el('button#register.primary.big', { type: 'submit' }, t('ct.register'), el('kbd', 'Ctrl+Enter')),
    el('button.ghost', { type: 'button', onclick: () => reset() }, t('ct.reset'))));
// the category input lives in the picker's wrapper: put the wrapper where the input was
picker.input.replaceWith(picker.root);
picker.root.prepend(picker.input);

// ---- direct answer and knowledge base -------------------------------------------------------
const answer = el('textarea#answer', { name: 'answer', rows: 5 });
const articleId = el('input', { type: 'hidden', name: 'article_id' });
const answerForm = el('form#answer-form', { novalidate: true },
  field(t('ct.answer.label'), answer, { hint: t('ct.answer.hint') }), articleId,
  el('div.form-error', { role: 'alert' }),
  el('div.buttons', el('button#register-answer.secondary', { type: 'button', onclick: () => submit(true) }, t('ct.answer'))));

const kbResults = el('div.kb-results');
const kbInput = el('input#kb-q', { type: 'search', placeholder: t('ct.kb.placeholder'), 'aria-label': t('ct.kb') });
let kbTimer = null;
const kbLookups = latest();
kbInput.addEventListener('input', () => { clearTimeout(kbTimer); kbTimer = setTimeout(kbSearch, 250); });
async function kbSearch() {
  const q = kbInput.value.trim();
  if (!q) { kbLookups.cancel(); kbResults.replaceChildren(); return; }
  const turn = kbLookups.next();
  showLoading(kbResults);
  try {
    const r = await turn.get(`/api/kb/search${qs({ q, page_size: 8 })}`);
    if (!r.items.length) { showEmpty(kbResults, t('ct.kb.none')); return; }
    kbResults.replaceChildren(...r.items.map((a) => el('div.kb-item', { dataset: { id: a.id } },
      el('b', a.title), el('span.muted.small', ` · ${a.unit_name}`),
      a.snippet ? el('p.small', highlight(a.snippet)) : null,
      el('button.ghost.small', {
        type: 'button', onclick: async () => {
          // a search gives a snippet; the answer is the whole article's text
          let body = a.snippet || '';
          try { body = (await get(`/api/kb/articles/${a.id}`)).body; } catch { /* keep the snippet */ }
          answer.value = body.replace(/[【】]/g, '');
          articleId.value = a.id;
          answer.focus();
        },
      }, t('ct.kb.use')))));
  } catch (e) {
    showError(kbResults, e);
  }
}

// ---- suggestions (GET /api/suggest: the likeliest categories and units for the text) -------
const suggestBox = el('div.suggest-box', { 'aria-live': 'polite' }, el('p.muted.small', t('ct.suggest.none')));
let sugTimer = null;
const sugLookups = latest();
for (const i of [text, title]) i.addEventListener('input', () => { clearTimeout(sugTimer); sugTimer = setTimeout(suggest, 350); });
districtSel.addEventListener('change', () => { if (text.value.trim()) suggest(); });
async function suggest() {
  const q = text.value.trim();
  if (q.length < 4) return;
  try {
    const r = await sugLookups.next().get(`/api/suggest${qs({ text: q, title: title.value.trim(), district: districtSel.value, category: picker.value() })}`);
    const pct = (x) => `${Math.round(x * 100)}%`;
    const cs = r.categories.filter((c) => c.confidence >= 0.05);
    const us = r.units.filter((u) => u.confidence >= 0.05);
    put(suggestBox,
      el('h4', t('ct.suggest.cat')),
      cs.length ? el('div.chips', cs.map((c, i) => el('button.chip', {
        type: 'button', id: i === 0 ? 'suggest-cat-0' : null, title: cats.pathName(c.id),
        onclick: () => { picker.set(c.id); suggest(); },
      }, `${nm(c)} · ${pct(c.confidence)}`))) : el('p.muted.small', t('none')),
      el('h4', t('ct.suggest.unit')),
      us.length ? el('ul.sug-units', us.map((u) => el('li', nm(u), el('span.muted.small', ` ${pct(u.confidence)}`)))) : el('p.muted.small', t('none')),
      r.catalogue_unit ? el('p.small', `${t('f.suggested_unit', { u: nm(r.catalogue_unit) })}`) : null,
      r.model ? null : el('p.muted.small', t('ct.suggest.nomodel')));
  } catch { /* suggestions are a help, not a step */ }
}
const routeLookups = latest();
async function suggestUnit() {
  const c = picker.value();
  if (!c) { routeLookups.cancel(); return; }
  try {
    const r = await routeLookups.next().get(`/api/routing/resolve${qs({ category: c, district: districtSel.value })}`);
    $('#route-hint').textContent = t('f.suggested_unit', { u: nm(r.unit) });
  } catch {
    $('#route-hint').textContent = '';
  }
}

/** 【term】 from the server's snippets as <mark>term</mark>, without any HTML parsing. */
function highlight(sn) {
  return sn.split(/【|】/).map((part, i) => (i % 2 ? el('mark', part) : part));
}

// ---- caller lookup --------------------------------------------------------------------------
let lookupTimer = null;
let lastLookup = '';
const callerLookups = latest(); // typing on: an older number's answer never replaces a newer one's
phone.addEventListener('input', () => {
  clearTimeout(lookupTimer);
  lookupTimer = setTimeout(() => lookup(false), 250);
});
phone.addEventListener('keydown', (e) => {
  if (e.key === 'Enter') { e.preventDefault(); lookup(true); callerName.focus(); }
});
async function lookup(force) {
  const digits = phone.value.replace(/\D/g, '');
  if (digits.length < 7 || digits.length > 20) { // not (yet) a phone; registering says so next to the field
    callerLookups.cancel();
    lastLookup = '';
    historyBox.replaceChildren(el('p.muted.small', t('ct.history.hint')));
    return;
  }
  if (digits === lastLookup && !force) return;
  lastLookup = digits;
  const turn = callerLookups.next();
  showLoading(historyBox);
  try {
    const r = await turn.get(`/api/cases${qs({ phone: digits, page_size: 20 })}`);
    if (!r.total) { showEmpty(historyBox, t('ct.history.none')); return; }
    const known = r.items.find((c) => c.caller && c.caller.name);
    if (known && !callerName.value) callerName.value = known.caller.name;
    historyBox.replaceChildren(
      el('p.small', el('b', t('total', { n: r.total }))),
      el('ul.history-list', r.items.map((c) => el('li',
        el('div', el('a', { href: `/case.html?id=${c.id}`, target: '_blank' }, c.number), ' ', stateBadge(c.state, c.closed_as)),
        el('div.small.muted', fmtTime(c.registered_at, true), ' · ', cats.name(c.category_id)),
        el('div.small.clip', c.title || c.text)))));
  } catch (e) {
    showError(historyBox, e, () => lookup(true));
  }
}

// ---- screen pop (来电弹屏) ----------------------------------------------------------------------
// The phone switch reports its calls to the server (POST /api/calls); a call answered by this
// call-taker comes as a `call` event on this user's stream only, and GET /api/calls/current
// gives the call in progress (or just ended) after a load or a dropped stream. Its number goes
// into the caller box and is looked up through the same path as a typed number. A form that
// already holds something else is never overwritten: the banner asks first. The request
// registered during the call is linked to it by the server (same call-taker, same number).
const callBanner = el('div#call-banner.call-banner', { hidden: true, role: 'status', 'aria-live': 'assertive' });
const popState = el('p#pop-state.pop-state.small');
let call = null; // the call on the banner: {id, call_id, caller, answered_at, ended_at?, cases?}
let callStatus = ''; // 'used' (in the form), 'waiting' (the form was busy), 'registered'
const seenCalls = new Set(); // ids already handled: the stream and /current both report a call

/** Nothing typed, and no registration dialog still open: a call may fill the form. */
function formClean() {
  return ![phone, callerName, title, text, address, answer, picker.input].some((i) => i.value.trim())
    && !picker.value() && !districtSel.value && !document.querySelector('.overlay');
}

function takeCall(c) {
  if (!c || !c.caller || seenCalls.has(c.id)) return;
  seenCalls.add(c.id);
  call = c;
  if (phone.value.replace(/\D/g, '') === c.caller) callStatus = 'used'; // typed already
  else if (c.cases && c.cases.length) callStatus = 'registered'; // a reload after registering
  else if (formClean()) { useCall(); return; }
  else callStatus = 'waiting';
  drawBanner();
}

/** Puts the call's number in the (cleared) form and looks the caller up at once. */
function useCall() {
  if (!formClean()) reset({ keepCall: true });
  callStatus = 'used';
  phone.value = call.caller;
  lookup(true);
  drawBanner();
  // like Enter in the number box, move on to the name; not when the focus is elsewhere at work
  if (document.activeElement === phone || document.activeElement === document.body) callerName.focus();
}

function dropCall() {
  call = null;
  callStatus = '';
  drawBanner();
}

function drawBanner() {
  callBanner.hidden = !call;
  if (!call) { callBanner.replaceChildren(); return; }
  const at = (call.answered_at || '').slice(11, 19);
  put(callBanner,
    el('div.call-line',
      el('b', t('ct.call')), ' ', el('span.call-number', call.caller),
      el('button.call-x', { type: 'button', title: t('ct.call.dismiss'), 'aria-label': t('ct.call.dismiss'), onclick: dropCall }, '×')),
    el('div.call-id.small.muted', [at, call.ended_at ? t('ct.call.ended') : '', `#${call.call_id}`].filter(Boolean).join(' · ')),
    callStatus === 'registered' && call.cases && call.cases.length ? el('div.small', t('ct.call.cases'),
      call.cases.map((k, i) => [i ? '、' : '', el('a', { href: `/case.html?id=${k.id}`, target: '_blank' }, k.number)])) : null,
    callStatus === 'waiting' && !formClean() ? el('div.small', t('ct.call.busy')) : null,
    callStatus === 'waiting' || callStatus === 'registered'
      ? el('button#use-call.primary.small', { type: 'button', onclick: useCall }, t('ct.call.use')) : null);
  callBanner.dataset.callId = call.id;
  callBanner.dataset.status = callStatus;
}

async function loadCurrentCall() {
  try {
    const r = await get('/api/calls/current');
    takeCall(r.call);
  } catch { /* the banner is a help: typing the number still works */ }
}

// each (re)opening of the stream asks for the call in progress too: a call answered before
// the stream was open, or while it was down, is not missed
subscribe({
  onCall: takeCall,
  onResync: loadCurrentCall,
  onState: (s) => {
    popState.textContent = s === 'open' ? `● ${t('ct.pop.on')}` : t('ct.pop.off');
    popState.classList.toggle('on', s === 'open');
    if (s === 'open') loadCurrentCall();
  },
});
loadCurrentCall();

// ---- register -------------------------------------------------------------------------------
let busy = false;
async function submit(withAnswer) {
  if (busy) return;
  clearErrors(form);
  clearErrors(answerForm);
  const b = { text: text.value, category_id: picker.value() || 0 };
  if (!picker.value() && picker.input.value.trim()) {
    // a typed but unchosen category: choose the only match, else let the server say so
    const q = picker.input.value.trim().toLowerCase();
    const found = cats.leaves.filter((c) => q.split(/\s+/).every((w) => c.hay.includes(w)));
    if (found.length === 1) { picker.set(found[0].id); b.category_id = found[0].id; }
  }
  if (phone.value.trim()) b.caller_phone = phone.value.trim();
  if (callerName.value.trim()) b.caller_name = callerName.value.trim();
  if (title.value.trim()) b.title = title.value.trim();
  if (address.value.trim()) b.address = address.value.trim();
  if (streetSel.value) b.street_id = Number(streetSel.value);
  if (districtSel.value) b.district_id = Number(districtSel.value);
  if (urgency.value) b.urgency = urgency.value;
  if (confidential.checked) b.confidential = true;
  if (withAnswer && !answer.value.trim()) {
    showFormError(answerForm, { field: 'answer', code: 'missing_field', message: t('err.missing_field') });
    return;
  }
  busy = true;
  for (const btn of document.querySelectorAll('#register, #register-answer')) btn.disabled = true;
  let created = null;
  try {
    created = await post('/api/cases', b);
    if (withAnswer) {
      const ab = { answer: answer.value.trim() };
      if (articleId.value) ab.article_id = Number(articleId.value);
      await post(`/api/cases/${created.id}/answer`, ab);
    }
    showSaved(created, withAnswer);
  } catch (e) {
    if (created) { showSaved(created, false); showFormError(answerForm, e); }
    else showFormError(form, e);
  } finally {
    busy = false;
    for (const btn of document.querySelectorAll('#register, #register-answer')) btn.disabled = false;
  }
}
form.addEventListener('submit', (e) => { e.preventDefault(); submit(false); });

function showSaved(c, answered) {
  // the call's request is in: "next call" then takes the banner away
  if (call && callStatus === 'used') callStatus = 'registered';
  const next = el('button#next-call.primary.big', { type: 'button', onclick: () => { dlg.remove(); reset(); } }, t('ct.next'));
  const dlg = el('div.overlay', { role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'saved-title' },
    el('div.dialog.saved',
      el('h2#saved-title', answered ? t('ct.saved.answered') : t('ct.saved')),
      el('p', t('ct.saved.tell')),
      el('div#saved-number.big-number', { 'aria-live': 'assertive' }, c.number),
      el('p.muted', cats.pathName(c.category_id)),
      dupHints(c),
      el('div.buttons', next, el('a.ghost.button', { href: `/case.html?id=${c.id}`, target: '_blank' }, t('f.open_case')))));
  dlg.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') { dlg.remove(); reset(); }
    if (e.key === 'Tab') { // keep the focus inside the dialog
      const f = [...dlg.querySelectorAll('button, a')];
      const i = f.indexOf(document.activeElement);
      e.preventDefault();
      f[(i + (e.shiftKey ? f.length - 1 : 1)) % f.length].focus();
    }
  });
  document.body.append(dlg);
  next.focus();
  toast(`${c.number} · ${t('ct.saved')}`);
}

/** The registration's duplicate hints (open requests likely about the same problem), each
 *  with a button that merges the new request into it. */
function dupHints(c) {
  const hints = c.duplicate_hints.slice(0, 3);
  if (!hints.length || c.state !== 'registered') return null;
  return el('div.dup-hints',
    el('h4', t('ct.dups')),
    el('ul', hints.map((h) => el('li',
      el('a', { href: `/case.html?id=${h.id}`, target: '_blank' }, h.number), ' ', stateBadge(h.state), ' ',
      el('span.muted.small', h.reasons.map((r) => t(`dup.${r}`)).join(' · ')), ' ',
      el('button.ghost.small', {
        type: 'button', onclick: async (e) => {
          try {
            await post(`/api/cases/${c.id}/merge`, { into: h.id });
            e.target.replaceWith(el('b.ok', `${t('action.merge')} ✓`));
            toast(`${c.number} → ${h.number}`);
          } catch (err) { toast(errText(err), 'error'); }
        },
      }, t('ct.dups.merge'))))));
}

/** Clears the form. A call that waited for the form fills it now; the call whose request was
 *  registered leaves; a call that was in the form stays on the banner with "use this caller". */
function reset({ keepCall = false } = {}) {
  form.reset();
  answerForm.reset();
  for (const i of [phone, callerName, kbInput]) i.value = '';
  articleId.value = '';
  picker.clear();
  streetSel.disabled = true;
  lastLookup = '';
  for (const l of [callerLookups, kbLookups, routeLookups]) l.cancel(); // their answers are the last caller's
  clearErrors(form);
  clearErrors(answerForm);
  historyBox.replaceChildren(el('p.muted.small', t('ct.history.hint')));
  kbResults.replaceChildren();
  $('#route-hint').textContent = '';
  phone.focus();
  if (keepCall || !call) return;
  if (callStatus === 'waiting') useCall();
  else if (callStatus === 'registered') dropCall();
  else { callStatus = 'waiting'; drawBanner(); }
}

// ---- layout ---------------------------------------------------------------------------------
main.replaceChildren(
  el('section.ct-caller.card',
    el('h2', t('ct.caller')),
    popState, callBanner,
    field(t('f.caller_phone'), phone),
    field(t('f.caller_name'), callerName, { optional: true }),
    el('h3', t('ct.history')), historyBox),
  el('section.ct-form.card',
    el('div.card-head', el('h2', t('ct.form')), el('span.muted.small.keys', t('ct.keys'))),
    form, el('p#route-hint.small.muted', { 'aria-live': 'polite' })),
  el('section.ct-side.card',
    el('h2', t('ct.kb')),
    kbInput, kbResults,
    answerForm,
    el('h2', t('ct.suggest')), suggestBox));

document.addEventListener('keydown', (e) => {
  // Alt+letter (Alt+digits switch tabs in Chrome on Linux; Alt+D and Alt+F are the browser's)
  if (e.altKey && !e.ctrlKey && !e.metaKey) {
    const target = { KeyP: phone, KeyC: picker.input, KeyT: text, KeyK: kbInput }[e.code];
    if (target) { e.preventDefault(); target.focus(); }
  }
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !document.querySelector('.overlay')) {
    e.preventDefault();
    submit(false);
  }
  if (e.key === 'F2' && !isTyping(e.target)) { e.preventDefault(); phone.focus(); }
});
phone.focus();
