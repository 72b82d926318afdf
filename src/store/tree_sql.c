/* tree_sql.c — see tree_sql.h. */
#include "store/tree_sql.h"

int tree_sql_unit_within(sqlite3 *db, int64_t unit, int64_t ancestor, bool *yes)
{
    int64_t found = 0;
    int rc = db_int1(db, &found, "SELECT ?1 IN " SQL_SUBTREE("units", "?2"), "ii", unit, ancestor);
    *yes = !rc && found;
    return rc;
}
