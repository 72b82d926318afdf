/* readonly.c — opening a database that cannot be written (a read-only file system, a file
 * without write permission): the server still answers reads, and every write fails with
 * HL_EREADONLY (503 storage_read_only). A WAL database on read-only storage can only be
 * opened as "immutable" (SQLite cannot create its -shm file there), which is sound because
 * nothing can change it while the storage is read-only; the server must be restarted once
 * the storage is writable again. */
#include "store/store_internal.h"
#include "util/err.h"
#include "util/log.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "file:" + path with every byte that is not unreserved percent-encoded + "?immutable=1". */
static char *immutable_uri(const char *path)
{
    size_t n = strlen(path);
    char *uri = malloc(5 + 3 * n + 13);
    if (!uri) return NULL;
    size_t o = (size_t)snprintf(uri, 6, "file:");
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)path[i];
        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
            strchr("/._-~", ch))
            uri[o++] = (char)ch;
        else
            o += (size_t)snprintf(uri + o, 4, "%%%02X", ch);
    }
    snprintf(uri + o, 13, "?immutable=1");
    return uri;
}

int store_connect_readonly(const char *path, sqlite3 **out)
{
    char *uri = immutable_uri(path);
    if (!uri) return HL_ENOMEM;
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX,
                             NULL);
    free(uri);
    int hrc = rc == SQLITE_OK ? 0 : db_err(rc);
    if (!hrc) {
        sqlite3_extended_result_codes(db, 1);
        hrc = store_fts_register(db);
    }
    if (!hrc)
        hrc = db_script(db, "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;"
                            "PRAGMA cache_size=-16000; PRAGMA query_only=ON;"
                            "PRAGMA mmap_size=" STORE_MMAP_SIZE ";");
    if (hrc) {
        log_error("store: cannot open %s even read-only: %s", path, hl_strerror(hrc));
        sqlite3_close(db);
        return hrc;
    }
    db_cache_attach(db);
    *out = db;
    return 0;
}
