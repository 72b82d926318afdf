// admin_kit.js — what every tab of the administrator's console (admin.js) is built from: the
// unit and category trees (reloaded after every change), form controls, the list-beside-form
// layout, a two-click confirm button, and onSubmit, which puts the server's error next to its
// field. A tab is `async function (box)` that fills `box`; admin.js lists the tabs.

import { get } from './api.js';
import { makeCategories, makeUnits } from './catalog.js';
import { t, nm } from './i18n.js';
import { el, showFormError, clearErrors, toast, errText, put } from './ui.js';

// ---- shared data: the unit and category trees, reloaded after every change -------------------
// (catalog.js builds them; reloaded here after every change rather than cached per page)
export const data = { units: makeUnits([]), cats: makeCategories([]) };

/** Depth-first order of a catalog.js tree, each item with its depth. */
export function treeOrder(tree) {
  const out = [];
  const walk = (p, depth) => { for (const k of tree.kids.get(p) || []) { out.push({ item: k, depth }); walk(k.id, depth + 1); } };
  walk(0, 0);
  return out;
}

export async function loadUnits() {
  data.units = makeUnits((await get('/api/units')).units);
}
export async function loadCats() {
  data.cats = makeCategories((await get('/api/categories')).categories);
}
export const unitName = (id) => (id ? data.units.name(id) : '—');
export const catPath = (id) => data.cats.pathName(id);

// ---- small form helpers ------------------------------------------------------------------------
export const pad = (depth) => '\u3000'.repeat(depth);

/** <select> of a tree (units or categories), indented by depth; `keep` filters the items. */
export function treeSelect(name, tree, { keep = () => true, selected, empty, label = nm } = {}) {
  const s = el('select', { name });
  if (empty !== undefined) s.append(el('option', { value: '' }, empty));
  for (const { item, depth } of treeOrder(tree)) {
    if (!keep(item)) continue;
    s.append(el('option', { value: item.id, selected: item.id === selected }, pad(depth) + label(item)));
  }
  return s;
}

export function choice(name, values, prefix, { selected, empty } = {}) {
  return el('select', { name },
    empty !== undefined ? el('option', { value: '' }, empty) : null,
    values.map((v) => el('option', { value: v, selected: v === selected }, t(`${prefix}.${v}`))));
}

export function text(name, value, attrs = {}) {
  return el('input', { type: 'text', name, value: value ?? '', autocomplete: 'off', spellcheck: false, ...attrs });
}

/** A checkbox in a .field wrapper that server errors on `name` land in. */
export function checkField(name, label, checked) {
  const input = el('input', { type: 'checkbox', name, checked: !!checked });
  return el('div.field', { dataset: { field: name } }, el('label.check', input, ' ', label));
}

export const val = (form, name) => {
  const c = form.elements.namedItem(name);
  return c ? (c.type === 'checkbox' ? c.checked : c.value) : undefined;
};
/** An id from a select ('' → null), a number from a text box (kept as text when it is not one,
 *  for the server to say what is wrong). */
export const idOrNull = (v) => (v === '' || v === undefined ? null : Number(v));
export const num = (v) => (/^\s*\d+\s*$/.test(v) ? Number(v) : v);

export function activeBadge(on) {
  return on ? el('span.badge.pub', t('adm.active')) : el('span.badge', t('adm.inactive'));
}

/** A button that asks once more (`confirm`, by default "really remove?") before doing something
 *  that cannot be undone. */
export function confirmButton(label, action, { confirm = t('adm.confirm'), ...attrs } = {}) {
  let armed = false;
  const b = el('button.small.danger-ghost', {
    type: 'button', ...attrs,
    onclick: async () => {
      if (!armed) {
        armed = true;
        b.textContent = confirm;
        setTimeout(() => { armed = false; b.textContent = label; }, 4000);
        return;
      }
      b.disabled = true;
      try { await action(); } catch (e) { toast(errText(e), 'error'); b.disabled = false; }
    },
  }, label);
  return b;
}

/** Submits a form: clears its errors, runs fn, shows the server's error next to the field. */
export function onSubmit(form, fn) {
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const btn = form.querySelector('button[type=submit]');
    if (btn) btn.disabled = true;
    try { await fn(); } catch (e) { showFormError(form, e); } finally { if (btn) btn.disabled = false; }
  });
}

export function formCard(title, form, extra) {
  return el('section.card.adm-form', el('div.card-head', el('h2', title), extra || null), form);
}

export function formButtons(submitLabel, onCancel) {
  return [el('div.form-error', { role: 'alert' }),
    el('div.buttons', el('button.primary', { type: 'submit' }, submitLabel),
      onCancel ? el('button.ghost', { type: 'button', onclick: onCancel }, t('cancel')) : null)];
}

/** The layout of every tab: the list (with its tools above it) beside the form. */
export function layout(box, tools) {
  const list = el('div.adm-list.card');
  const side = el('div.adm-side');
  put(box, el('div.adm-grid', el('div.adm-main', tools || null, list), side));
  return { list, side };
}

