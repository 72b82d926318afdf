/* migrations.h — the numbered schema migrations compiled into the binary (generated from
 * src/store/migrations/NNNN_name.sql by scripts/embed-sql.sh). Internal to src/store/. */
#ifndef HOTLINE_STORE_MIGRATIONS_H
#define HOTLINE_STORE_MIGRATIONS_H

struct store_migration {
    int version;
    const char *name;
    const char *sql;
};

extern const struct store_migration store_migrations[];
extern const int store_migrations_count;

#endif
