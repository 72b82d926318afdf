/* tmp_dir.h — a temporary directory per test for the store tests' databases (header-only: each
 * test program is one .c file). tmp_dir_make creates /tmp/hotline-test-<tag>-XXXXXX;
 * tmp_dir_remove deletes it with every file in it (the database, its -wal, -shm and -journal,
 * backups), so a test need not know which files SQLite left. */
#ifndef HOTLINE_TESTS_TMP_DIR_H
#define HOTLINE_TESTS_TMP_DIR_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void tmp_dir_make(char *dir, size_t cap, const char *tag)
{
    int n = snprintf(dir, cap, "/tmp/hotline-test-%s-XXXXXX", tag);
    assert_true(n > 0 && (size_t)n < cap);
    assert_non_null(mkdtemp(dir));
}

static void tmp_dir_remove(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        char p[512];
        while ((e = readdir(d)))
            if (e->d_name[0] != '.' && snprintf(p, sizeof p, "%s/%s", dir, e->d_name) < (int)sizeof p)
                unlink(p);
        closedir(d);
    }
    rmdir(dir);
}

#endif
