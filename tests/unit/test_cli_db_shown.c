/* test_cli_db_shown.c — unit tests of cli_db_shown (cli/options.c): a --db value as messages
 * and logs show it, every PostgreSQL password masked and everything else kept. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "cli/cli.h"

static void shows(const char *db, const char *want)
{
    char out[256];
    cli_db_shown(db, out, sizeof out);
    if (strcmp(out, want) != 0) fail_msg("%s: shown \"%s\", want \"%s\"", db, out, want);
}

static void test_passwords_masked(void **state)
{
    (void)state;
    shows("var/hotline.db", "var/hotline.db");
    shows("postgresql://u:s3cr3t@h1:5432,h2:5433/hotline?target_session_attrs=read-write",
          "postgresql://u:***@h1:5432,h2:5433/hotline?target_session_attrs=read-write");
    shows("postgresql://u@h/db?password=s3cr3t&sslmode=require",
          "postgresql://u@h/db?password=***&sslmode=require");
    shows("postgresql://h/db?sslmode=require&password=s3cr3t",
          "postgresql://h/db?sslmode=require&password=***");
    shows("host=h1,h2 port=5432,5433 password=s3cr3t dbname=hotline",
          "host=h1,h2 port=5432,5433 password=*** dbname=hotline");
    shows("password=s3cr3t host=h", "password=*** host=h");
    shows("postgresql:///hotline?host=/tmp/x&user=hotline",
          "postgresql:///hotline?host=/tmp/x&user=hotline");
}

static void test_small_buffer(void **state)
{
    (void)state;
    char out[32];
    cli_db_shown("postgresql://u:s3cr3t@h/db", out, 16);
    assert_int_equal(strlen(out), 15); /* cut, still terminated */
    assert_null(strstr(out, "s3cr3t"));
    cli_db_shown("postgresql://u:s3cr3t@h/db", out, 20); /* the mask itself cut */
    assert_null(strstr(out, "s3c"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_passwords_masked),
        cmocka_unit_test(test_small_buffer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
