/* tree_sql.h — the one SQL spelling of the walks over the organisation tree (units) and the
 * category tree (categories), both tables with id and parent_id, bounded by core/tree.h's
 * TREE_DEPTH_MAX like every walk in C. `param` is the placeholder of the starting id ("?" or
 * "?2"). Internal to src/store/. */
#ifndef HOTLINE_STORE_TREE_SQL_H
#define HOTLINE_STORE_TREE_SQL_H
#include "util/err.h"
#include "core/tree.h"
#include "store/db.h"

#define TREE_SQL_STR_(x) #x
#define TREE_SQL_STR(x) TREE_SQL_STR_(x)

/* A common table expression `sub(id, depth)`: param (depth 0) and every node below it, to
 * follow "WITH RECURSIVE " when a statement uses the subtree more than once. */
#define SQL_SUBTREE_CTE(table, param)                                                          \
    "sub(id, depth) AS (SELECT " param ", 0 UNION ALL SELECT t.id, sub.depth+1"                 \
    " FROM " table " t JOIN sub ON t.parent_id=sub.id WHERE sub.depth < "                      \
    TREE_SQL_STR(TREE_DEPTH_MAX) ")"

/* The ids of param's subtree (param itself included), as a parenthesised SELECT to follow
 * "IN": "c.unit_id IN " SQL_SUBTREE("units", "?"). */
#define SQL_SUBTREE(table, param)                                                              \
    "(WITH RECURSIVE " SQL_SUBTREE_CTE(table, param) " SELECT id FROM sub)"

/* A common table expression `up(id, depth)`: param (depth 0) and its ancestors, nearest first
 * (depth 1 is the parent). Follows "WITH RECURSIVE ". */
#define SQL_ANCESTORS_CTE(table, param)                                                        \
    "up(id, depth) AS (SELECT id, 0 FROM " table " WHERE id=" param " UNION ALL"               \
    " SELECT t.parent_id, up.depth+1 FROM " table " t JOIN up ON t.id=up.id"                   \
    " WHERE t.parent_id IS NOT NULL AND up.depth < " TREE_SQL_STR(TREE_DEPTH_MAX) ")"

/* Is unit within ancestor's subtree of units (itself included)? *yes false on an error. */
HL_MUST_CHECK int tree_sql_unit_within(sqlite3 *db, int64_t unit, int64_t ancestor, bool *yes);

#endif
