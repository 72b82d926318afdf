/* kb_internal.h — what store/kb.c and store/kb_report.c share: the article columns and the
 * reader of them. Internal to src/store/. */
#ifndef HOTLINE_STORE_KB_INTERNAL_H
#define HOTLINE_STORE_KB_INTERNAL_H
#include "util/err.h"
#include "store/knowledge.h"
#include "store/store_internal.h"

/* The columns kb_row_read expects (16 of them), selecting FROM KB_FROM. */
#define KB_COLS                                                                                \
    "k.id, k.title, k.body, ifnull(k.category_id,0), k.unit_id, ifnull(k.valid_from,''),"      \
    " ifnull(k.valid_to,''), ifnull(k.next_review,''), ifnull(k.created_by,0),"                 \
    " ifnull(k.updated_by,0), k.created_at, k.updated_at, ifnull(c.name_zh,''),"                \
    " ifnull(u.name_zh,''), ifnull(cu.display_name,''), ifnull(uu.display_name,'')"
/* What KB_COLS reads beside the article k: its category, unit and authors. */
#define KB_JOINS                                                                               \
    " LEFT JOIN categories c ON c.id=k.category_id LEFT JOIN units u ON u.id=k.unit_id"        \
    " LEFT JOIN users cu ON cu.id=k.created_by LEFT JOIN users uu ON uu.id=k.updated_by"
#define KB_FROM " kb_articles k" KB_JOINS
#define KB_NCOLS 16

/* db_row_fn reading KB_COLS into a store_kb_article (score 0). */
HL_MUST_CHECK int kb_row_read(db_q *q, arena *a, void *item);

#endif
