/* test_pg_url.c — unit tests of store/pg/pg_url: which --db values are PostgreSQL URLs, and
 * which of those are refused at start, with a message that names the problem and never the
 * password. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "store/pg/pg_url.h"
#include "util/err.h"

static void test_is_pg(void **state)
{
    (void)state;
    assert_true(pg_url_is_pg("postgresql:///hotline"));
    assert_true(pg_url_is_pg("postgres://db.example/hotline"));
    assert_false(pg_url_is_pg("var/hotline.db"));
    assert_false(pg_url_is_pg("/tmp/postgresql://x")); /* a path that contains it */
    assert_false(pg_url_is_pg("POSTGRESQL://x"));      /* libpq reads lower case only */
    assert_false(pg_url_is_pg("postgresql:/x"));
    assert_false(pg_url_is_pg(""));
    assert_false(pg_url_is_pg(NULL));
    /* libpq's keyword/value form, with a host list for failover (issue 15) */
    assert_true(pg_url_is_pg("host=db1,db2 port=5432,5433 dbname=hotline "
                             "target_session_attrs=read-write"));
    assert_true(pg_url_is_pg("dbname=hotline"));
    assert_false(pg_url_is_pg("x=1.db"));          /* a file name with '=': no libpq keyword */
    assert_false(pg_url_is_pg("var/host=a.db"));   /* a path whose file looks like one */
    assert_false(pg_url_is_pg("host=a stray.db")); /* not keyword=value throughout */
}

static void test_valid_urls(void **state)
{
    (void)state;
    const char *ok[] = {
        "postgresql://",
        "postgresql:///hotline?host=/tmp/hotline-pg-x&user=hotline",
        "postgres://hotline:secret@db1:5432,db2:5433/city?connect_timeout=5&sslmode=require",
        "postgresql://[::1]:6543/hotline",
        "postgresql://h/hotline?target_session_attrs=read-write&application_name=hotline",
        "postgresql://u@127.0.0.1:5432,127.0.0.1:5433/hotline?target_session_attrs=read-write",
        "host=db1,db2 port=5432,5433 dbname=hotline target_session_attrs=read-write",
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        char msg[256] = "unchanged";
        assert_int_equal(pg_url_check(ok[i], msg, sizeof msg), 0);
        assert_string_equal(msg, "");
    }
}

/* Each refused, and the message contains the expected words. */
static void test_refused(void **state)
{
    (void)state;
    struct {
        const char *url, *says;
    } bad[] = {
        {"var/hotline.db", "starts with postgresql://"},
        {"postgresql://h/db?colour=blue", "invalid URI query parameter: \"colour\""},
        {"postgresql://h:99999/db", "port"},
        {"postgresql://h:5432,g:0/db", "port"},
        {"postgresql://h:54x/db", "port"},
        {"postgresql:///db?connect_timeout=soon", "connect_timeout"},
        {"postgresql://h/db?host=%zz", "percent-encoded"},
        {"postgresql://[::1/db", "IPv6"},
        {"host=a,b port=5432,0 dbname=x", "port"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char msg[256];
        assert_int_equal(pg_url_check(bad[i].url, msg, sizeof msg), HL_EINVAL);
        if (!strstr(msg, bad[i].says)) fail_msg("%s: message \"%s\"", bad[i].url, msg);
        assert_null(strchr(msg, '\n'));
        assert_true(strncmp(msg, "--db: ", 6) == 0);
    }
}

static void test_message_never_shows_password(void **state)
{
    (void)state;
    char msg[256];
    assert_int_equal(pg_url_check("postgresql://u:s3cr3t@h:0/db", msg, sizeof msg), HL_EINVAL);
    assert_null(strstr(msg, "s3cr3t"));
    /* libpq quotes the whole URL, password and all, in some of its messages */
    assert_int_equal(pg_url_check("postgresql://u:s3cr3t@[::1/db", msg, sizeof msg), HL_EINVAL);
    assert_null(strstr(msg, "s3cr3t"));
}

static void test_small_message_buffer(void **state)
{
    (void)state;
    char msg[8];
    assert_int_equal(pg_url_check("postgresql://h:0/db", msg, sizeof msg), HL_EINVAL);
    assert_int_equal(strlen(msg), sizeof msg - 1); /* cut, still terminated */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_is_pg),
        cmocka_unit_test(test_valid_urls),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_message_never_shows_password),
        cmocka_unit_test(test_small_message_buffer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
