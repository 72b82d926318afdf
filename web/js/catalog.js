// catalog.js — the category tree and the unit tree, loaded once per page, with names in the
// current language; and the searchable category picker (a keyboard combobox).

import { get } from './api.js';
import { t, nm } from './i18n.js';
import { el } from './ui.js';

function tree(list) {
  const byId = new Map(list.map((x) => [x.id, x]));
  const kids = new Map();
  for (const x of list) {
    const p = x.parent_id || 0;
    if (!kids.has(p)) kids.set(p, []);
    kids.get(p).push(x);
  }
  return { byId, kids };
}

export function makeCategories(list) {
  const { byId, kids } = tree(list);
  const path = (id) => {
    const out = [];
    for (let c = byId.get(id); c; c = byId.get(c.parent_id)) out.unshift(c);
    return out;
  };
  const leaves = list.filter((c) => c.level === 3 && c.active !== false).map((c) => {
    const p = path(c.id);
    return {
      ...c, path: p,
      label: p.map(nm).join(' › '),
      hay: [p.map((x) => `${x.name_zh} ${x.name_en}`).join(' '), c.keywords || '', c.code].join(' ').toLowerCase(),
    };
  });
  return {
    list, byId, kids, leaves,
    name: (id) => nm(byId.get(id)) || `#${id}`,
    pathName: (id) => path(id).map(nm).join(' › ') || `#${id}`,
    top: (id) => path(id)[0],
    second: (id) => path(id)[1] || path(id)[0],
  };
}

let catsP = null;
export function loadCategories() {
  if (!catsP) catsP = get('/api/categories').then((r) => makeCategories(r.categories));
  return catsP;
}

export function makeUnits(list) {
  const { byId, kids } = tree(list);
  const below = (id) => {
    const out = [];
    const walk = (p) => { for (const k of kids.get(p) || []) { out.push(k); walk(k.id); } };
    walk(id);
    return out;
  };
  return {
    list, byId, kids, below,
    name: (id) => nm(byId.get(id)) || `#${id}`,
    districts: list.filter((u) => u.kind === 'district' && u.active !== false),
    streetsOf: (d) => (kids.get(d) || []).filter((u) => u.kind === 'street' && u.active !== false),
    dispatchable: list.filter((u) => u.kind !== 'centre' && u.active !== false),
  };
}

let unitsP = null;
export function loadUnits() {
  if (!unitsP) unitsP = get('/api/units').then((r) => makeUnits(r.units));
  return unitsP;
}

const KIND_ORDER = ['district', 'department', 'utility', 'street'];
/** <select> of units grouped by kind (optgroups), with `suggested` marked. */
export function unitSelect(units, list, { name = 'unit_id', suggested, multiple, required } = {}) {
  const s = el('select', { name, multiple: !!multiple, required: !!required, size: multiple ? 5 : null });
  if (!multiple) s.append(el('option', { value: '' }, t('f.choose')));
  for (const kind of KIND_ORDER) {
    const group = list.filter((u) => u.kind === kind);
    if (!group.length) continue;
    const og = el('optgroup', { label: t(`kind.${kind}`) });
    for (const u of group) {
      const parent = u.kind === 'street' ? units.byId.get(u.parent_id) : null;
      og.append(el('option', { value: u.id, selected: u.id === suggested },
        (parent ? `${nm(parent)} · ` : '') + nm(u) + (u.id === suggested ? ` ★ ${t('f.suggested')}` : '')));
    }
    s.append(og);
  }
  return s;
}

/** A searchable category picker: type words (Chinese, English, keyword or code), ↑/↓ to move,
 *  Enter to choose, Esc to close. Empty input lists the whole tree. Its wrapper carries
 *  data-field="category_id" so that server errors land next to it. */
export function categoryPicker(cats, { onPick, id = 'cat-input', placeholder } = {}) {
  const listId = `${id}-list`;
  const input = el('input', {
    id, type: 'text', role: 'combobox', autocomplete: 'off', spellcheck: false,
    'aria-expanded': 'false', 'aria-controls': listId, 'aria-autocomplete': 'list',
    placeholder: placeholder || t('ct.cat.placeholder'),
  });
  const hidden = el('input', { type: 'hidden', name: 'category_id' });
  const list = el('ul.combo-list', { id: listId, role: 'listbox', hidden: true });
  const root = el('div.combo', { dataset: { field: 'category_id' } }, input, hidden, list);
  let options = [];
  let active = -1;
  let chosen = null;

  const render = () => {
    const q = input.value.trim().toLowerCase();
    const words = q && !(chosen && input.value === chosen.label) ? q.split(/\s+/) : [];
    const found = words.length ? cats.leaves.filter((c) => words.every((w) => c.hay.includes(w))) : cats.leaves;
    options = found.slice(0, words.length ? 60 : 400);
    list.replaceChildren();
    let lastGroup = null;
    options.forEach((c, i) => {
      const group = c.path.slice(0, 2).map(nm).join(' › ');
      if (!words.length && group !== lastGroup) {
        list.append(el('li.group', { role: 'presentation' }, group));
        lastGroup = group;
      }
      list.append(el('li', {
        id: `${id}-opt-${c.id}`, role: 'option', 'aria-selected': i === active ? 'true' : 'false',
        dataset: { i },
        onmousedown: (e) => { e.preventDefault(); pick(c); },
      }, words.length ? el('span.muted', c.path.slice(0, 2).map(nm).join(' › ') + ' › ') : null,
      el('b', nm(c)), c.urgency === 'urgent' ? el('span.badge.urgent', t('urgency.urgent')) : null,
      el('span.muted.small', ` ${t(`type.${c.request_type}`)}`)));
    });
    if (!options.length) list.append(el('li.none', { role: 'presentation' }, t('ct.cat.none')));
    mark();
  };
  const mark = () => {
    for (const li of list.querySelectorAll('[role=option]')) {
      const on = Number(li.dataset.i) === active;
      li.setAttribute('aria-selected', on ? 'true' : 'false');
      if (on) {
        input.setAttribute('aria-activedescendant', li.id);
        li.scrollIntoView({ block: 'nearest' });
      }
    }
    if (active < 0) input.removeAttribute('aria-activedescendant');
  };
  const open = () => { list.hidden = false; input.setAttribute('aria-expanded', 'true'); };
  const close = () => { list.hidden = true; input.setAttribute('aria-expanded', 'false'); active = -1; };
  const pick = (c) => {
    chosen = c;
    hidden.value = String(c.id);
    input.value = c.label;
    close();
    root.classList.add('chosen');
    if (onPick) onPick(c);
  };

  input.addEventListener('input', () => {
    chosen = null;
    hidden.value = '';
    root.classList.remove('chosen');
    active = 0;
    render();
    open();
  });
  input.addEventListener('focus', () => { if (!chosen) { render(); open(); } });
  input.addEventListener('blur', () => setTimeout(close, 100));
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (list.hidden) { render(); open(); }
      active = Math.max(0, Math.min(options.length - 1, active + (e.key === 'ArrowDown' ? 1 : -1)));
      mark();
    } else if (e.key === 'Enter') {
      if (!list.hidden && options[active]) { e.preventDefault(); pick(options[active]); }
    } else if (e.key === 'Escape') {
      if (!list.hidden) { e.preventDefault(); close(); }
    }
  });

  return {
    root, input,
    value: () => (hidden.value ? Number(hidden.value) : null),
    chosen: () => chosen,
    set: (catId) => { const c = cats.leaves.find((x) => x.id === catId); if (c) pick(c); },
    clear: () => { chosen = null; hidden.value = ''; input.value = ''; root.classList.remove('chosen'); close(); },
  };
}
