// admin_words.js — the administrator's console's tab for the sensitive words and the
// routing-suggestion model. A request whose title or text contains one of the words is made
// urgent when it is registered, on every channel, and raises an alert on the dashboards and the
// dispatch desk (api/alerts.c); the list is edited as a whole, one word a line
// (GET/PUT /api/admin/sensitive-words), the server judging every word. The model is what
// suggests categories and units while a request is registered (`hotline train` stores it; the
// server picks up a new version by itself within seconds): its status
// (GET /api/admin/model) and a button to load the newest version now
// (POST /api/admin/model/reload).

import { api, get, post, ApiError } from './api.js';
import { t, addStrings } from './i18n.js';
import { el, field, put, showLoading, showEmpty, showError, showFormError, toast, errText, fmtTime } from './ui.js';
import { val, onSubmit, formCard, formButtons, layout } from './admin_kit.js';

addStrings({
  'adm.tab.words': ['敏感词与模型', 'Sensitive words & model'],
  'wrd.list': ['当前敏感词（{n} 个）', 'Sensitive words now ({n})'],
  'wrd.none': ['没有敏感词：不会因文字内容把工单标为紧急', 'No sensitive words: no request is made urgent for its wording'],
  'wrd.edit': ['编辑敏感词', 'Edit the sensitive words'],
  'wrd.words': ['敏感词（每行一个）', 'Sensitive words (one a line)'],
  'wrd.words.hint': ['每个词 1–32 字节（约 10 个汉字），最多 500 个；英文字母不区分大小写，重复的词会合并，空行忽略。',
    'Each word 1–32 bytes (about 10 Chinese characters), at most 500; letters match in any case, repeats are merged, empty lines ignored.'],
  'wrd.about': ['登记工单时（电话、市民端、Open311 等所有渠道），标题或内容包含任一敏感词，工单即自动标为紧急（30 分钟内派单），并在大屏和派单台发出告警。保存后立即对新登记的工单生效。',
    'When a request is registered on any channel (phone, resident portal, Open311…), a title or text containing any of these words makes it urgent (dispatch within 30 minutes) and raises an alert on the dashboards and the dispatch desk. Saving takes effect for the next registration.'],
  'wrd.save': ['保存敏感词', 'Save the words'],
  'wrd.saved': ['已保存 {n} 个敏感词', '{n} sensitive words saved'],
  'wrd.line': ['第 {n} 行「{w}」', 'line {n}, “{w}”'],
  'wrd.model': ['派单建议模型', 'Routing-suggestion model'],
  'wrd.model.about': ['受理和派单时推荐分类与承办单位的模型，由 hotline train 根据历史工单训练；服务器每 10 秒检查一次新版本，“重新加载”立即加载最新版本。',
    'Suggests categories and units while requests are registered and dispatched; hotline train trains it on past requests. The server looks for a new version every 10 seconds; Reload loads the newest one now.'],
  'wrd.model.none': ['尚未加载模型（还没有训练过）：受理时没有智能推荐。', 'No model loaded (none trained yet): no suggestions while registering.'],
  'wrd.model.version': ['版本', 'Version'],
  'wrd.model.trained_at': ['训练时间', 'Trained'],
  'wrd.model.categories': ['分类模型', 'Category model'],
  'wrd.model.units': ['单位模型', 'Unit model'],
  'wrd.model.size': ['{k} 类，{s} 条样本', '{k} classes, {s} samples'],
  'wrd.model.untrained': ['未训练', 'not trained'],
  'wrd.model.reload': ['重新加载', 'Reload'],
  'wrd.model.reloaded_new': ['已加载新版本 {v}', 'Version {v} loaded'],
  'wrd.model.reloaded_same': ['已重新加载，仍为版本 {v}（没有更新的版本）', 'Reloaded: still version {v} (nothing newer)'],
  'wrd.model.reloaded_none': ['没有可加载的模型，请先运行 hotline train', 'Nothing to load: run hotline train first'],
});

export async function wordsTab(box) {
  const model = el('section.card#model-card');
  const { list, side } = layout(box, model);
  let words = [];

  // ---- the words -------------------------------------------------------------------------------
  function renderList() {
    if (!words.length) { showEmpty(list, t('wrd.none')); return; }
    put(list, el('div.wrd-list',
      el('h2', t('wrd.list', { n: words.length })),
      el('div#words-chips', words.map((w) => el('span.chip', w)))));
  }

  function showForm() {
    const area = el('textarea#wrd-words', { name: 'words', rows: 14, spellcheck: false }, words.join('\n'));
    const form = el('form#words-form', { novalidate: true, autocomplete: 'off' },
      el('p.hint', t('wrd.about')),
      field(t('wrd.words'), area, { hint: t('wrd.words.hint') }),
      formButtons(t('wrd.save')));
    onSubmit(form, async () => {
      // one word a line; spaces around a word are dropped (they would make it match only with
      // those spaces), empty lines too; what is left goes to the server as typed
      const lines = val(form, 'words').split('\n');
      const sent = [], lineOf = [];
      lines.forEach((l, i) => { const w = l.trim(); if (w) { sent.push(w); lineOf.push(i); } });
      try {
        words = (await api('PUT', '/api/admin/sensitive-words', { words: sent })).words;
      } catch (e) {
        // the server names the word by its place in the list sent (the error's `index`); the
        // person needs the line, so say it and select it
        const i = e instanceof ApiError && e.field === 'words' ? e.index : null;
        if (i === null || lineOf[i] === undefined) throw e;
        showFormError(form, new ApiError(e.status, { error: {
          code: e.code, field: e.field, message: `${e.message} — ${t('wrd.line', { n: lineOf[i] + 1, w: sent[i] })}` } }));
        const start = lines.slice(0, lineOf[i]).reduce((n, l) => n + l.length + 1, 0);
        area.setSelectionRange(start, start + lines[lineOf[i]].length);
        return;
      }
      toast(t('wrd.saved', { n: words.length }));
      renderList();
      area.value = words.join('\n'); // as stored: sorted, repeats merged
    });
    put(side, formCard(t('wrd.edit'), form));
  }

  // ---- the model -------------------------------------------------------------------------------
  let version = null;
  const result = el('div.wrd-result', { role: 'status' });
  function renderModel(m) {
    version = m ? m.version : null;
    // a model that was not trained (too few requests of that kind) is reported with 0 classes
    const size = (k, s) => (k ? t('wrd.model.size', { k, s }) : el('span.muted', t('wrd.model.untrained')));
    put(model,
      el('div.card-head', el('h2', t('wrd.model')),
        el('button.ghost#model-reload', { type: 'button', onclick: reload }, t('wrd.model.reload'))),
      el('p.hint', t('wrd.model.about')),
      m ? el('dl.wrd-model',
        el('dt', t('wrd.model.version')), el('dd', String(m.version)),
        el('dt', t('wrd.model.trained_at')), el('dd', fmtTime(m.trained_at, true)),
        el('dt', t('wrd.model.categories')), el('dd', size(m.categories, m.category_samples)),
        el('dt', t('wrd.model.units')), el('dd', size(m.units, m.unit_samples)))
        : el('p.notice.warn', t('wrd.model.none')),
      result);
  }
  async function reload(ev) {
    const btn = ev.currentTarget;
    btn.disabled = true;
    const before = version;
    let r;
    try {
      r = await post('/api/admin/model/reload');
    } catch (e) {
      put(result, el('span.field-error', errText(e)));
      btn.disabled = false;
      return;
    }
    renderModel(r.model); // builds a new button and puts `result` back under it
    put(result, !r.model ? t('wrd.model.reloaded_none')
      : t(r.model.version === before ? 'wrd.model.reloaded_same' : 'wrd.model.reloaded_new', { v: r.model.version }));
  }

  showLoading(list);
  showLoading(model);
  let m;
  try {
    [words, m] = await Promise.all([get('/api/admin/sensitive-words').then((r) => r.words), get('/api/admin/model').then((r) => r.model)]);
  } catch (e) { showError(list, e, () => wordsTab(box)); put(model); return; }
  renderList();
  renderModel(m);
  showForm();
}
