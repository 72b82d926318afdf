#!/usr/bin/env node
// web-catalog.mjs — writes the resident portal's catalogue (leaf categories and districts
// with their streets, with the ids `hotline init --demo` gives them) from data/demo/, because
// the categories and units endpoints need a login and the portal has none.
// Ids follow the seed's order (src/cli/seed.c): units in file order, categories depth-first.
// usage: node scripts/web-catalog.mjs data/demo web/vendor/public-catalog.json
import { readFileSync, writeFileSync, renameSync } from 'node:fs';

const [dir = 'data/demo', out = 'web/vendor/public-catalog.json'] = process.argv.slice(2);
const units = JSON.parse(readFileSync(`${dir}/units.json`, 'utf8'));
const tree = JSON.parse(readFileSync(`${dir}/categories.json`, 'utf8'));

const unitId = new Map(units.map((u, i) => [u.code, i + 1]));
const districts = units.filter((u) => u.kind === 'district').map((d) => ({
  id: unitId.get(d.code), code: d.code, name_zh: d.name_zh, name_en: d.name_en,
  streets: units.filter((s) => s.kind === 'street' && s.parent === d.code)
    .map((s) => ({ id: unitId.get(s.code), code: s.code, name_zh: s.name_zh, name_en: s.name_en })),
}));

const categories = [];
let next = 1;
const walk = (nodes, parentId, level) => {
  for (const n of nodes) {
    const id = next++;
    const c = { id, parent_id: parentId, code: n.code, name_zh: n.name_zh, name_en: n.name_en, level };
    if (n.request_type) Object.assign(c, { request_type: n.request_type, urgency: n.urgency, keywords: (n.keywords || []).join(' ') });
    categories.push(c);
    if (n.children) walk(n.children, id, level + 1);
  }
};
walk(tree, null, 1);

writeFileSync(`${out}.tmp`, JSON.stringify({ source: dir, categories, districts }));
renameSync(`${out}.tmp`, out);
