/* pg_kb.h — what pg_kb.c and pg_kb_report.c share (the counterpart of kb_internal.h): the
 * article columns and the reader of them. Internal to src/store/pg/. */
#ifndef HOTLINE_STORE_PG_KB_H
#define HOTLINE_STORE_PG_KB_H
#include "store/knowledge.h"
#include "store/pg/pg_db.h"
#include "util/err.h"

/* The columns pg_kb_row expects (PG_KB_NCOLS of them), selecting FROM PG_KB_FROM. */
#define PG_KB_COLS                                                                             \
    "k.id, k.title, k.body, coalesce(k.category_id,0), k.unit_id, coalesce(k.valid_from,''),"  \
    " coalesce(k.valid_to,''), coalesce(k.next_review,''), coalesce(k.created_by,0),"           \
    " coalesce(k.updated_by,0), k.created_at, k.updated_at, coalesce(c.name_zh,''),"            \
    " coalesce(u.name_zh,''), coalesce(cu.display_name,''), coalesce(uu.display_name,'')"
#define PG_KB_FROM                                                                             \
    " kb_articles k LEFT JOIN categories c ON c.id=k.category_id"                               \
    " LEFT JOIN units u ON u.id=k.unit_id LEFT JOIN users cu ON cu.id=k.created_by"             \
    " LEFT JOIN users uu ON uu.id=k.updated_by"
#define PG_KB_NCOLS 16

/* pg_row_fn reading PG_KB_COLS into a store_kb_article (score 0). */
HL_MUST_CHECK int pg_kb_row(pg_q *q, arena *a, void *item);

/* The search column's text for an article (into the arena), and how many terms it holds
 * (search_terms): FTS5's token count of the row, which bm25 normalises by. */
HL_MUST_CHECK int pg_kb_vector(arena *a, const char *title, const char *body, const char **out,
                               int64_t *terms);

#endif
