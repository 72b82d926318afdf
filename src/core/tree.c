/* tree.c — see tree.h. */
#include "core/tree.h"

bool tree_within(const int *parent, int i, int root)
{
    for (int depth = 0; i >= 0 && depth <= TREE_DEPTH_MAX; i = parent[i], depth++)
        if (i == root) return true;
    return false;
}
