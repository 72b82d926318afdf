/* pg_appraisal.h — the appraisal facts of a case row in PostgreSQL's SQL (internal to
 * src/store/pg/): store/rollup.h's SQL forms of core/appraisal.h appraisal_case_facts, spelt
 * for BOOLEAN columns, for the queries that run over case rows (drill-down, the costs walk,
 * rollup verification). Each is a boolean expression over a case row "c" that is never NULL. */
#ifndef HOTLINE_STORE_PG_APPRAISAL_H
#define HOTLINE_STORE_PG_APPRAISAL_H

#define PG_DISPATCHED                                                                          \
    "(c.unit_id IS NOT NULL AND c.state<>'merged' AND c.dispatched_at IS NOT NULL)"
#define PG_SIGNED_NOW                                                                          \
    "(c.signed_at IS NOT NULL AND c.state<>'dispatched' AND NOT (c.state='return_pending'"     \
    " AND coalesce(c.return_from,'')='dispatched'))"
#define PG_SIGNED_ONTIME                                                                       \
    "(" PG_SIGNED_NOW " AND (c.sign_due IS NULL OR c.signed_at<=c.sign_due))"
#define PG_VALID "(c.visit_valid)"
#define PG_SOLVED "(c.visit_valid AND c.solved)"
#define PG_SATISFIED_OR_BASIC                                                                  \
    "(c.visit_valid AND coalesce(c.satisfaction,'') IN ('satisfied','basic'))"
#define PG_REPLIED "(c.replied_at IS NOT NULL)"
#define PG_REPLIED_ONTIME                                                                      \
    "(c.replied_at IS NOT NULL AND (c.reply_due IS NULL OR c.replied_at<=c.reply_due))"
#define PG_REOPENED "(c.reopen_count>0)"

/* The running clocks at `now` (a parameter) and the on-time figures they make: rollup.h's
 * SQL_UNSIGNED ... SQL_REPLY_ONTIME_ALL; the two sets are those of migration 0008's partial
 * indexes. */
#define PG_UNSIGNED "(NOT " PG_SIGNED_NOW ")"
#define PG_UNREPLIED "(c.replied_at IS NULL)"
#define PG_REPLY_CLOCK "(" PG_SIGNED_NOW " AND c.reply_due IS NOT NULL)"
#define PG_SIGN_DUE_BY(now) "(" PG_SIGNED_NOW " OR c.sign_due IS NULL OR c.sign_due<" now ")"
#define PG_SIGN_ONTIME_ALL "(c.sign_due IS NULL OR " PG_SIGNED_ONTIME ")"
#define PG_REPLY_DUE_BY(now)                                                                   \
    "(c.replied_at IS NOT NULL OR NOT " PG_REPLY_CLOCK " OR c.reply_due<" now ")"
#define PG_REPLY_ONTIME_ALL                                                                    \
    "(" PG_REPLIED_ONTIME " OR (c.replied_at IS NULL AND NOT " PG_REPLY_CLOCK "))"

#endif
