/* pg_tree.c — see pg_tree.h. */
#include "store/pg/pg_tree.h"

int pg_tree_unit_within(pg_conn *c, int64_t unit, int64_t ancestor, bool *yes)
{
    int64_t found = 0;
    int rc = pg_int1(c, &found, "SELECT $1 IN " PG_SUBTREE("units", "$2"), "ii", unit,
                     ancestor);
    *yes = !rc && found;
    return rc;
}
