/* pg_tree.h — the one PostgreSQL spelling of the walks over the organisation tree (units) and
 * the category tree (categories), both tables with id and parent_id, bounded by core/tree.h's
 * TREE_DEPTH_MAX like every walk in C (store/tree_sql.h is SQLite's). `param` is the
 * placeholder of the starting id ("$1", "$2"). Internal to src/store/pg/.
 *
 * Unlike SQLite, PostgreSQL gives a recursive CTE's columns the types of its first SELECT and
 * a parameter the type of its first use, so the starting id is cast to BIGINT (the ids' type)
 * wherever it starts a walk: whatever way it was bound, the UNION's two halves agree. */
#ifndef HOTLINE_STORE_PG_TREE_H
#define HOTLINE_STORE_PG_TREE_H
#include "util/err.h"
#include "core/tree.h"
#include "store/pg/pg_db.h"
#include <stdbool.h>
#include <stdint.h>

#define PG_TREE_STR_(x) #x
#define PG_TREE_STR(x) PG_TREE_STR_(x)

/* A common table expression `sub(id, depth)`: param (depth 0) and every node below it, to
 * follow "WITH RECURSIVE " when a statement uses the subtree more than once. */
#define PG_SUBTREE_CTE(table, param)                                                           \
    "sub(id, depth) AS (SELECT CAST(" param " AS BIGINT), 0 UNION ALL"                         \
    " SELECT t.id, sub.depth+1 FROM " table " t JOIN sub ON t.parent_id=sub.id"                \
    " WHERE sub.depth < " PG_TREE_STR(TREE_DEPTH_MAX) ")"

/* The ids of param's subtree (param itself included), as a parenthesised SELECT to follow
 * "IN": "c.unit_id IN " PG_SUBTREE("units", "$1"). */
#define PG_SUBTREE(table, param)                                                               \
    "(WITH RECURSIVE " PG_SUBTREE_CTE(table, param) " SELECT id FROM sub)"

/* A common table expression `up(id, depth)`: param (depth 0) and its ancestors, nearest first
 * (depth 1 is the parent). Follows "WITH RECURSIVE ". */
#define PG_ANCESTORS_CTE(table, param)                                                         \
    "up(id, depth) AS (SELECT id, 0 FROM " table " WHERE id=CAST(" param " AS BIGINT)"         \
    " UNION ALL SELECT t.parent_id, up.depth+1 FROM " table " t JOIN up ON t.id=up.id"         \
    " WHERE t.parent_id IS NOT NULL AND up.depth < " PG_TREE_STR(TREE_DEPTH_MAX) ")"

/* Is unit within ancestor's subtree of units (itself included)? *yes false on an error. */
HL_MUST_CHECK int pg_tree_unit_within(pg_conn *c, int64_t unit, int64_t ancestor, bool *yes);

#endif
