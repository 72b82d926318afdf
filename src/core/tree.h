/* tree.h — the organisation tree and the category tree as walks see them: one depth limit for
 * every walk, and the in-memory walk up a tree held as parent indices. The store's SQL walks
 * are in store/tree_sql.h, with the same limit. Pure: no I/O.
 *
 * Real trees are shallow (the centre, districts, streets: three levels; categories: three),
 * but every walk is bounded anyway, so that a corrupt cycle cannot loop forever. */
#ifndef HOTLINE_CORE_TREE_H
#define HOTLINE_CORE_TREE_H
#include <stdbool.h>

/* Levels a walk goes at most, up or down (a plain number: the SQL walks spell it). */
#define TREE_DEPTH_MAX 16

/* Is node i within root's subtree (i == root included)? parent[k] is the index of k's parent,
 * -1 for a root; i < 0 is in no subtree. Walks up at most TREE_DEPTH_MAX levels. */
bool tree_within(const int *parent, int i, int root);

#endif
