// hotline — the landing page: server status, login, and the caller's work lists.
const $ = (sel) => document.querySelector(sel);
let csrf = null;

async function api(method, path, body) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (csrf && method !== 'GET') headers['X-CSRF-Token'] = csrf;
  const r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = r.status === 204 ? null : await r.json().catch(() => null);
  return { status: r.status, data };
}

const QUEUES = {
  calltaker: ['to_dispatch'],
  dispatcher: ['to_dispatch', 'returns', 'extensions', 'due_soon', 'overdue'],
  handler: ['to_sign', 'in_hand', 'due_soon', 'overdue'],
  visitor: ['to_visit'],
  supervisor: ['overdue', 'due_soon'],
  admin: ['overdue'],
};
const QUEUE_NAMES = {
  to_dispatch: '待派单 To dispatch', to_sign: '待签收 To sign', in_hand: '办理中 In hand',
  due_soon: '24小时内到期 Due within 24 h', overdue: '已超期 Overdue', returns: '退单待审 Returns',
  extensions: '延期待审 Extensions', to_visit: '待回访 To visit',
};

function cell(text, cls) {
  const td = document.createElement('td');
  td.textContent = text;
  if (cls) td.className = cls;
  return td;
}

async function showHome(user) {
  $('#login-box').hidden = true;
  $('#home').hidden = false;
  $('#who').textContent = `${user.display_name} · ${user.unit ? user.unit.name_zh : ''} · ${user.role}`;
  const qbody = $('#queues tbody');
  qbody.replaceChildren();
  for (const q of QUEUES[user.role] || []) {
    const r = await api('GET', `/api/queues/${q}?page_size=1`);
    const tr = document.createElement('tr');
    tr.append(cell(QUEUE_NAMES[q]), cell(r.status === 200 ? String(r.data.total) : '—'));
    qbody.append(tr);
  }
  const lbody = $('#latest tbody');
  lbody.replaceChildren();
  const r = await api('GET', '/api/cases?page_size=20');
  if (r.status !== 200) return;
  for (const c of r.data.items) {
    const tr = document.createElement('tr');
    tr.append(cell(c.number), cell(c.state), cell(c.text.slice(0, 40)),
              cell(c.current_due ? c.current_due.replace('T', ' ').slice(0, 16) : '', c.overdue ? 'overdue' : ''));
    lbody.append(tr);
  }
}

function showLogin() {
  $('#home').hidden = true;
  $('#login-box').hidden = false;
}

$('#login-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const f = new FormData(ev.target);
  const r = await api('POST', '/api/auth/login', { username: f.get('username'), password: f.get('password') });
  if (r.status !== 200) {
    $('#login-error').textContent = r.data && r.data.error ? r.data.error.message : `error ${r.status}`;
    return;
  }
  $('#login-error').textContent = '';
  csrf = r.data.csrf_token;
  showHome(r.data.user);
});

$('#logout').addEventListener('click', async () => {
  await api('POST', '/api/auth/logout');
  csrf = null;
  showLogin();
});

(async () => {
  const h = await api('GET', '/healthz');
  $('#health').textContent = h.status === 200 ? '服务正常 service up' : '服务异常 service down';
  const me = await api('GET', '/api/auth/me');
  if (me.status === 200) {
    csrf = me.data.csrf_token;
    showHome(me.data.user);
  } else {
    showLogin();
  }
})();
