"""The access matrix (issue 8): every endpoint × every role × own unit / other unit / anonymous
→ the expected status. test_access_matrix.py runs every cell against the real server.

How a cell's expectation follows from a row:
  anonymous                         → 401 on a protected route; the row's `ok` on a public one
  a role the route does not allow   → 403 (the dispatcher's role check)
  an allowed role                   → the row's `ok` status, for the own and the other object
  ... except a unit handler on a unit-scoped row (scope="unit" or "case"), which gets `ok` on
      its own unit's object and 403 on the other unit's (404 on another unit's request, the
      answer to a request that does not exist, issue 20); and on a list row (scope="list") 200
      both times, with the own unit's object listed and the other's not (`seen` below): its
      request number, or what the row's `listed` names (a unit's code, an article's title).
  a public route                    → every caller the same answer, whoever they are

Probes never change anything: writes send a body with an unknown field (400 once the role, the
unit and the object have been checked), name an object that does not exist (404), or, where the
body is read before the unit is checked, refer to one that does not exist (422). The route
tables in src/api/*.c are read so that the roles here are checked against the source and a route
missing from ROWS is still swept with rules derived from its declared roles (DERIVED)."""
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

ROLES = ("calltaker", "dispatcher", "handler", "visitor", "supervisor", "admin", "integrator")
STAFF = frozenset(ROLES) - {"integrator"}
ALL = frozenset(ROLES)
PUBLIC = frozenset()
ADMIN = frozenset({"admin"})
PEOPLE = frozenset({"admin", "supervisor", "dispatcher", "handler"})
REGISTRARS = frozenset({"calltaker", "integrator"})
CALL_BACK = frozenset({"calltaker", "dispatcher", "visitor", "supervisor"})
AUDITORS = frozenset({"admin", "supervisor"})
CENTRE_ANALYSTS = frozenset({"admin", "supervisor", "dispatcher"})  # analytics.c
APPRAISERS = CENTRE_ANALYSTS | {"handler"}                           # appraisal.c
KB_WRITERS = frozenset({"calltaker", "dispatcher", "admin", "handler"})  # kb.c
SUGGESTERS = frozenset({"calltaker", "dispatcher"})                 # suggest.c
MERGERS = frozenset({"admin", "calltaker", "dispatcher", "supervisor"})  # duplicates.c
CENTRE_STAFF = STAFF - {"handler"}
INTEGRATORS = frozenset({"integrator"})                             # calls.c
CALLTAKERS = frozenset({"calltaker"})
CALL_READERS = CENTRE_ANALYSTS | CALLTAKERS

PERIOD = "period=2026-11"  # any period that parses: the units are listed whatever their volume

BAD = {"x": 1}  # an unknown field: 400 unknown_field once everything else has passed


class Row:
    """One endpoint probe. path may hold {unit}, {case}, {number}, {category}, {user}, {article}:
    the own object's, or the other unit's for the "other" column (for unscoped rows both are the
    own)."""

    def __init__(self, method, pattern, roles, path=None, body=None, ok=200, scope=None,
                 stream=False, fresh=False, listed="number", note=""):
        self.method, self.pattern, self.roles = method, pattern, frozenset(roles)
        self.path = path or pattern
        self.body = body
        self.ok = ok
        self.scope = scope    # None, "unit" (403 outside), "case" (404 outside), "list" (filtered out)
        self.stream = stream  # an event stream: read the status line only
        self.fresh = fresh    # needs its own session (logout ends it)
        self.listed = listed  # list rows: the object's key whose value shows it in the answer
        self.note = note

    @property
    def public(self):
        return not self.roles

    def expect(self, role, scope):
        """The expected status of role (None: anonymous) on the own or other object."""
        if role is None:
            return self.ok if self.public else 401
        if not self.public and role not in self.roles:
            return 403
        if role == "handler" and scope == "other" and self.scope in ("unit", "case"):
            return 403 if self.scope == "unit" else 404  # a request: as if there were none
        return self.ok

    def seen(self, role, scope):
        """For list rows: is the probed request in the answer?"""
        return not (role == "handler" and scope == "other")

    def __repr__(self):
        return f"{self.method} {self.path}"


# Each action of the lifecycle with the roles that may take it (core/lifecycle.c, docs/product.md).
ACTIONS = {
    "answer": {"calltaker"},
    "invalidate": {"calltaker", "dispatcher"},
    "merge": {"calltaker", "dispatcher"},
    "dispatch": {"dispatcher"},
    "redispatch": {"handler"},
    "sign": {"handler"},
    "request_return": {"handler"},
    "approve_return": {"dispatcher"},
    "reject_return": {"dispatcher"},
    "request_extension": {"handler"},
    "approve_extension": {"dispatcher"},
    "reject_extension": {"dispatcher"},
    "urge": {"dispatcher", "supervisor"},
    "supervise": {"supervisor"},
    "progress": {"handler"},
    "reply": {"handler"},
    "visit": {"visitor"},
    "reopen": {"visitor", "dispatcher"},
    "close": {"dispatcher"},
}

ROWS = [
    # auth.c
    Row("POST", "/api/auth/login", PUBLIC, body=BAD, ok=400),
    Row("POST", "/api/auth/logout", ALL, ok=204, fresh=True),
    Row("GET", "/api/auth/me", ALL),
    Row("GET", "/api/admin/tokens", ADMIN),
    Row("POST", "/api/admin/tokens", ADMIN, body=BAD, ok=400),
    Row("DELETE", "/api/admin/tokens/:id", ADMIN, path="/api/admin/tokens/999999", ok=404),
    # ops.c
    Row("GET", "/healthz", PUBLIC),
    Row("GET", "/metrics", PUBLIC),
    # units.c
    Row("GET", "/api/units", ALL),
    Row("GET", "/api/units/:id", STAFF, path="/api/units/{unit}", scope="unit"),
    Row("GET", "/api/units/:id/users", PEOPLE, path="/api/units/{unit}/users", scope="unit"),
    Row("POST", "/api/admin/units", ADMIN, body=BAD, ok=400),
    Row("PATCH", "/api/admin/units/:id", ADMIN, path="/api/admin/units/{unit}", body=BAD, ok=400),
    # categories.c
    Row("GET", "/api/categories", ALL),
    Row("GET", "/api/categories/:id", ALL, path="/api/categories/{category}"),
    Row("POST", "/api/admin/categories", ADMIN, body=BAD, ok=400),
    Row("PATCH", "/api/admin/categories/:id", ADMIN, path="/api/admin/categories/{category}",
        body=BAD, ok=400),
    # routing.c
    Row("GET", "/api/routing", STAFF),
    Row("GET", "/api/routing/resolve", ALL, path="/api/routing/resolve?category={category}"),
    Row("PUT", "/api/admin/routing", ADMIN, body=BAD, ok=400),
    Row("DELETE", "/api/admin/routing/:id", ADMIN, path="/api/admin/routing/999999", ok=404),
    # calendar.c
    Row("GET", "/api/calendar", ALL),
    Row("GET", "/api/calendar/due", ALL,
        path="/api/calendar/due?from=2026-03-02T09:00:00%2B08:00&amount=1&unit=working_days"),
    Row("PUT", "/api/admin/calendar/:date", ADMIN, path="/api/admin/calendar/2031-01-06",
        body=BAD, ok=400),
    Row("DELETE", "/api/admin/calendar/:date", ADMIN, path="/api/admin/calendar/2031-01-06",
        ok=404),
    # time_limits.c
    Row("GET", "/api/time-limits", STAFF),
    Row("GET", "/api/time-limits/resolve", ALL,
        path="/api/time-limits/resolve?stage=reply&urgency=normal&request_type=help"),
    Row("PUT", "/api/admin/time-limits", ADMIN, body=BAD, ok=400),
    Row("DELETE", "/api/admin/time-limits/:id", ADMIN, path="/api/admin/time-limits/999999",
        ok=404),
    # users.c
    Row("GET", "/api/admin/users", ADMIN),
    Row("GET", "/api/admin/users/:id", ADMIN, path="/api/admin/users/{user}"),
    Row("POST", "/api/admin/users", ADMIN, body=BAD, ok=400),
    Row("PATCH", "/api/admin/users/:id", ADMIN, path="/api/admin/users/{user}", body=BAD, ok=400),
    # events.c
    Row("GET", "/api/events/stream", STAFF, stream=True),
    Row("POST", "/api/events/announce", AUDITORS, body=BAD, ok=400),
    # cases.c
    Row("POST", "/api/cases", REGISTRARS, body=BAD, ok=400),
    Row("GET", "/api/cases", STAFF, path="/api/cases?number={number}", scope="list"),
    Row("GET", "/api/cases/:id", STAFF, path="/api/cases/{case}", scope="case"),
    Row("GET", "/api/queues/:name", STAFF, path="/api/queues/to_sign?number={number}",
        scope="list"),
    Row("POST", "/api/public/cases", PUBLIC, body=BAD, ok=400),
    Row("GET", "/api/public/catalog", PUBLIC),
    Row("GET", "/api/public/cases/:number", PUBLIC,
        path="/api/public/cases/{number}?phone=13000000000", ok=404),
    # reveal.c
    Row("POST", "/api/cases/:id/reveal", CALL_BACK, path="/api/cases/{case}/reveal", body=BAD,
        ok=400, scope="case"),
    # audit.c
    Row("GET", "/api/admin/audit", AUDITORS),
    # export.c: a unit's export holds only its own requests
    Row("GET", "/api/export/cases.csv", STAFF, path="/api/export/cases.csv?number={number}",
        scope="list"),
    Row("GET", "/api/export/cases.xlsx", STAFF, path="/api/export/cases.xlsx?number={number}",
        scope="list"),
    # export_appraisal.c: a unit's workbook holds its own subtree (the tier sheets' unit codes;
    # a workbook's text is read out of the zip)
    Row("GET", "/api/export/appraisal.xlsx", APPRAISERS,
        path=f"/api/export/appraisal.xlsx?{PERIOD}", scope="list", listed="code"),
    # duplicates.c
    Row("GET", "/api/cases/:id/duplicates", MERGERS, path="/api/cases/{case}/duplicates",
        scope="case"),
    Row("GET", "/api/clusters", CENTRE_STAFF),
    # alerts.c
    Row("GET", "/api/admin/sensitive-words", ADMIN),
    Row("PUT", "/api/admin/sensitive-words", ADMIN, body=BAD, ok=400),
    # analytics.c: the city's aggregates are the centre's; a handler gets durations and overdue
    # of its own subtree only, and names no unit to ask about (so no other unit's 403 here).
    # The probe requests are neither signed nor overdue yet: what a handler's answer lists is
    # left to test_appraisal.py (test_analytics_see_the_fixture).
    Row("GET", "/api/analytics/volume", CENTRE_ANALYSTS,
        path=f"/api/analytics/volume?{PERIOD}&district={{unit}}"),
    Row("GET", "/api/analytics/breakdown", CENTRE_ANALYSTS,
        path=f"/api/analytics/breakdown?{PERIOD}&by=district"),
    Row("GET", "/api/analytics/hot-topics", CENTRE_ANALYSTS,
        path=f"/api/analytics/hot-topics?{PERIOD}"),
    Row("GET", "/api/analytics/hot-places", CENTRE_ANALYSTS,
        path=f"/api/analytics/hot-places?{PERIOD}"),
    Row("GET", "/api/analytics/durations", APPRAISERS,
        path=f"/api/analytics/durations?{PERIOD}&by=unit"),
    Row("GET", "/api/analytics/overdue", APPRAISERS),
    # appraisal.c: a handler sees its own subtree's units, and drills only into them
    Row("GET", "/api/appraisal", APPRAISERS, path=f"/api/appraisal?{PERIOD}", scope="list",
        listed="code"),
    Row("GET", "/api/appraisal/schemes", APPRAISERS),
    Row("GET", "/api/appraisal/:id/drill", APPRAISERS,
        path=f"/api/appraisal/{{unit}}/drill?indicator=response&part=denominator&{PERIOD}",
        scope="unit"),
    Row("POST", "/api/admin/appraisal/schemes", ADMIN, body=BAD, ok=400),
    # kb.c: every article is read by all staff; a handler writes only its own subtree's, and
    # its maintenance report holds only those
    Row("GET", "/api/kb/search", STAFF, path="/api/kb/search?q=matrix"),
    Row("GET", "/api/kb/articles", STAFF),
    Row("GET", "/api/kb/articles/:id", STAFF, path="/api/kb/articles/{article}"),
    Row("GET", "/api/kb/maintenance", STAFF, scope="list", listed="article_title"),
    # the body is checked before the article's unit: BAD would answer 400 on the other unit's
    # article too. A unit that does not exist is refused (422) only after the unit check.
    Row("PATCH", "/api/kb/articles/:id", KB_WRITERS, path="/api/kb/articles/{article}",
        body={"unit_id": 999999}, ok=422, scope="unit"),
    # ... and a new article's unit is checked last of all, after what any probe could fail on:
    # the role only
    Row("POST", "/api/kb/articles", KB_WRITERS, body=BAD, ok=400),
    # calls.c: the switch reports calls; a call-taker has a call in progress and lists their
    # own calls (the list's own-only rule is test_calls.py's); the centre lists and sums them.
    # Calls belong to no unit, and no handler may read them.
    Row("POST", "/api/calls", INTEGRATORS, body=BAD, ok=400),
    Row("GET", "/api/calls/current", CALLTAKERS),
    Row("GET", "/api/calls", CALL_READERS),
    Row("GET", "/api/analytics/calls", CENTRE_ANALYSTS, path=f"/api/analytics/calls?{PERIOD}"),
    # case_attachments.c, attachment_download.c: files on the requests the caller may read; a
    # JSON body is no upload (415 once the role and the request have been checked)
    Row("POST", "/api/cases/:id/attachments", STAFF, path="/api/cases/{case}/attachments",
        body=BAD, ok=415, scope="case"),
    Row("GET", "/api/cases/:id/attachments", STAFF, path="/api/cases/{case}/attachments",
        scope="case"),
    Row("GET", "/api/attachments/:id", STAFF, path="/api/attachments/99999999", ok=404),
    Row("GET", "/api/public/attachments/:id", PUBLIC, path="/api/public/attachments/99999999",
        ok=404),
    Row("GET", "/api/attachments/:id/thumbnail", STAFF, path="/api/attachments/99999999/thumbnail",
        ok=404),
    Row("GET", "/api/public/attachments/:id/thumbnail", PUBLIC,
        path="/api/public/attachments/99999999/thumbnail", ok=404),
    # suggest.c
    Row("GET", "/api/suggest", SUGGESTERS, path="/api/suggest?text=water"),
    Row("GET", "/api/cases/:id/suggestions", SUGGESTERS, path="/api/cases/{case}/suggestions",
        scope="case"),
    Row("GET", "/api/admin/model", ADMIN),
    # loads the newest models already trained: nothing in the store changes
    Row("POST", "/api/admin/model/reload", ADMIN),
] + [
    # case_actions.c: one row per action of POST /api/cases/:id/:action
    Row("POST", "/api/cases/:id/:action", roles, path=f"/api/cases/{{case}}/{name}", body=BAD,
        ok=400, scope="case", note=name)
    for name, roles in ACTIONS.items()
]

# Open311 GeoReport v2 (open311*.c): public, so every caller gets the same answer. The ok
# statuses are the spec's for these probes; a route not listed here is swept by DERIVED.
OPEN311_ROWS = [
    Row("GET", "/open311/v2/discovery.json", PUBLIC),
    Row("GET", "/open311/v2/discovery.xml", PUBLIC),
    Row("GET", "/open311/v2/services.json", PUBLIC),
    Row("GET", "/open311/v2/services.xml", PUBLIC),
    Row("GET", "/open311/v2/requests.json", PUBLIC),
    Row("GET", "/open311/v2/requests.xml", PUBLIC),
    Row("GET", "/open311/v2/requests/:file", PUBLIC, path="/open311/v2/requests/{number}.json"),
    Row("GET", "/open311/v2/services/:file", PUBLIC,
        path="/open311/v2/services/" + "010101" + ".json"),
    Row("GET", "/open311/v2/tokens/:file", PUBLIC, path="/open311/v2/tokens/x.json", ok=404),
    Row("GET", "/open311/v2/servicerequestupdates.json", PUBLIC),
    Row("GET", "/open311/v2/servicerequestupdates.xml", PUBLIC),
    # a JSON body is not the spec's form: 400, after the rate limit and the CSRF check
    Row("POST", "/open311/v2/requests.json", PUBLIC, body=BAD, ok=400),
    Row("POST", "/open311/v2/requests.xml", PUBLIC, body=BAD, ok=400),
]


# ---- the route tables of the source ----------------------------------------------------------

def _defines(text):
    """#define NAME body (continuation lines joined) of a C file."""
    text = re.sub(r"/\*.*?\*/", " ", text.replace("\\\n", " "), flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    return {m.group(1): m.group(2) for m in
            re.finditer(r"^[ \t]*#define[ \t]+(\w+)(?!\()[ \t]+(.*)$", text, re.M)}


def _expand(expr, defs, depth=0):
    if depth > 10:
        raise ValueError(expr)
    return re.sub(r"\b[A-Z_][A-Z0-9_]*\b",
                  lambda m: "(" + _expand(defs[m.group(0)], defs, depth + 1) + ")"
                  if m.group(0) in defs else m.group(0), expr)


ROLE_INDEX = {r: i for i, r in enumerate(ROLES)}  # the order of enum role in core/role.h


def roles_of(expr, defs):
    """The role set of a route's roles expression: ROLE_BIT()s and named sets combined with
    |, & and ~, evaluated as the C compiler would."""
    full = _expand(expr, defs)
    full = re.sub(r"ROLE_BIT\(\s*(?:\(\s*ROLE_(\w+)\s*\)|ROLE_(\w+))\s*\)",
                  lambda m: str(1 << ROLE_INDEX[(m.group(1) or m.group(2)).lower()]), full)
    full = re.sub(r"\bAPI_PUBLIC\b", "0", full)
    full = re.sub(r"\b(\d+)[uU]\b", r"\1", full)
    if not re.fullmatch(r"[\d\s()|&~]+", full):
        raise ValueError(f"cannot evaluate roles {expr!r}: {full!r}")
    bits = eval(full) & ((1 << len(ROLES)) - 1)  # noqa: S307 (digits and operators only)
    return frozenset(r for r, i in ROLE_INDEX.items() if bits & (1 << i))


def source_routes():
    """{(method, pattern): roles} of every route registered in api.c's tables[]."""
    api_dir = REPO / "src" / "api"
    base = {}
    for h in sorted((REPO / "src" / "core").glob("*.h")):  # role.h, caller_view.h's role sets
        base.update(_defines(h.read_text()))
    base.pop("ROLE_BIT", None)
    api_c = (api_dir / "api.c").read_text()
    m = re.search(r"tables\[\]\s*=\s*\{(.*?)\};", api_c, re.S)
    registered = set(re.findall(r"\b(api_\w+_routes)\b", m.group(1))) if m else set()
    out = {}
    for f in sorted(api_dir.glob("*.c")):
        text = f.read_text()
        defs = dict(base)
        defs.update(_defines(text))
        for name, body in re.findall(r"const api_route (api_\w+_routes)\[\]\s*=\s*\{(.*?)\};",
                                     text, re.S):
            if name not in registered:
                continue
            for method, pattern, roles in re.findall(
                    r'\{\s*"([A-Z]+)"\s*,\s*"([^"]+)"\s*,\s*\w+\s*,\s*([^}]*?)\s*\}', body):
                out[(method, pattern)] = roles_of(roles, defs)
    return out


SOURCE = source_routes()


def _concrete(pattern):
    path = pattern.replace(":id", "999999").replace(":date", "2031-01-06")
    return re.sub(r":\w+", "x", path)


def all_rows():
    """The explicit rows of routes that exist, then a derived row for every other route."""
    rows = [r for r in ROWS + OPEN311_ROWS if (r.method, r.pattern) in SOURCE]
    covered = {(r.method, r.pattern) for r in rows}
    derived = []
    for (method, pattern), roles in sorted(SOURCE.items()):
        if (method, pattern) not in covered:
            derived.append(Row(method, pattern, roles, path=_concrete(pattern),
                               body=None if method in ("GET", "DELETE") else BAD, ok=None,
                               note="derived"))
    return rows, derived


EXPLICIT, DERIVED = all_rows()
