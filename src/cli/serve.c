/* serve.c — `hotline serve`: opens the store, starts the HTTP server, and on SIGINT/SIGTERM
 * stops accepting, lets in-flight requests finish, drains the writer and closes the store, so
 * every acknowledged write is on disk. */
#include "store/engine.h"
#include "api/api.h"
#include "api/attachments.h"
#include "api/events.h"
#include "api/limits.h"
#include "cli/cli.h"
#include "core/civil.h"
#include "http/server.h"
#include "media/thumbnail.h"
#include "util/clock.h"
#include "util/log.h"
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char serve_help[] =
    "usage: hotline serve [options]\n"
    "\n"
    "  --address ADDR     address to listen on        (HOTLINE_ADDRESS, default 127.0.0.1)\n"
    "  --port N           port                        (HOTLINE_PORT, default 8080)\n"
    "  --db PATH          database file               (HOTLINE_DB, default var/hotline.db)\n"
    "  --web DIR          web root with the pages     (HOTLINE_WEB, default web)\n"
    "  --log-level LEVEL  error, warn, info, debug    (HOTLINE_LOG_LEVEL, default info)\n"
    "  --threads N        HTTP worker threads         (HOTLINE_THREADS, default 32)\n"
    "  --max-body BYTES   largest request body        (HOTLINE_MAX_BODY, default 1048576)\n"
    "  --max-file-bytes N largest attached file       (HOTLINE_MAX_FILE_BYTES, default 10485760)\n"
    "  --max-files N      files in one upload         (HOTLINE_MAX_FILES, default 9)\n"
    "  --session-hours N  login session lifetime      (HOTLINE_SESSION_HOURS, default 10)\n"
    "  --secure-cookies   mark cookies Secure (when served behind HTTPS)\n"
    "  --rate-public N    portal and Open311 POST requests a minute per client address\n"
    "                     (HOTLINE_RATE_PUBLIC, default 120; 0 = no limit)\n"
    "  --login-failures N failed logins of one account from one address in 15 minutes\n"
    "                     before a 15-minute lockout of that pair; 10N an hour lock the account,\n"
    "                     4N in 15 minutes the address (HOTLINE_LOGIN_FAILURES, default 5; 0 = off)\n"
    "  --trust-proxy      client addresses from X-Forwarded-For (behind one reverse proxy)\n"
    "  --jurisdiction ID  Open311 jurisdiction_id     (HOTLINE_JURISDICTION, default jiangcheng.gov.cn)\n"
    "  --heartbeat-seconds N\n"
    "                     seconds between the comment lines that keep an idle event stream\n"
    "                     open through proxies (HOTLINE_HEARTBEAT_SECONDS, default 15)\n"
    "  --header-timeout N seconds a connection has to send a request's headers, from its\n"
    "                     start or its previous request's end (HOTLINE_HEADER_TIMEOUT, default 10)\n"
    "  --max-conn-per-address N\n"
    "                     connections one client address may hold open (HOTLINE_MAX_CONN_PER_ADDRESS,\n"
    "                     default 64; 0 = no limit; not applied with --trust-proxy)\n"
    "  --clock FILE       tests only: the server's time runs as many seconds ahead of the\n"
    "                     system's as FILE says (a decimal integer, read at every use; replace\n"
    "                     the file by renaming a new one over it)\n"
    "\n"
    "The database must exist (hotline init). Stops cleanly on SIGINT or SIGTERM.\n";

static bool parse_int(const char *s, long lo, long hi, long *out)
{
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (end == s || *end || v < lo || v > hi) return false;
    *out = v;
    return true;
}

int cli_serve(int argc, char **argv)
{
    const char *address = cli_env("HOTLINE_ADDRESS", "127.0.0.1");
    const char *port_s = cli_env("HOTLINE_PORT", "8080");
    const char *db = cli_env("HOTLINE_DB", "var/hotline.db");
    const char *web = cli_env("HOTLINE_WEB", "web");
    const char *level_s = cli_env("HOTLINE_LOG_LEVEL", "info");
    const char *threads_s = cli_env("HOTLINE_THREADS", "32");
    const char *body_s = cli_env("HOTLINE_MAX_BODY", "1048576");
    const char *hours_s = cli_env("HOTLINE_SESSION_HOURS", "10");
    const char *file_bytes_s = cli_env("HOTLINE_MAX_FILE_BYTES", "10485760");
    const char *files_s = cli_env("HOTLINE_MAX_FILES", "9");
    bool secure = getenv("HOTLINE_SECURE_COOKIES") != NULL;
    const char *rate_s = cli_env("HOTLINE_RATE_PUBLIC", "120");
    const char *fails_s = cli_env("HOTLINE_LOGIN_FAILURES", "5");
    bool trust_proxy = getenv("HOTLINE_TRUST_PROXY") != NULL;
    const char *jurisdiction = cli_env("HOTLINE_JURISDICTION", "jiangcheng.gov.cn");
    const char *heartbeat_s = cli_env("HOTLINE_HEARTBEAT_SECONDS", "15");
    const char *header_timeout_s = cli_env("HOTLINE_HEADER_TIMEOUT", "10");
    const char *per_address_s = cli_env("HOTLINE_MAX_CONN_PER_ADDRESS", "64");
    const char *clock_file = NULL;
    for (int i = 0; i < argc; i++) {
        const char *v;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(serve_help, stdout);
            return 0;
        } else if ((v = cli_opt(argc, argv, &i, "--address"))) address = v;
        else if ((v = cli_opt(argc, argv, &i, "--port"))) port_s = v;
        else if ((v = cli_opt(argc, argv, &i, "--db"))) db = v;
        else if ((v = cli_opt(argc, argv, &i, "--web"))) web = v;
        else if ((v = cli_opt(argc, argv, &i, "--log-level"))) level_s = v;
        else if ((v = cli_opt(argc, argv, &i, "--threads"))) threads_s = v;
        else if ((v = cli_opt(argc, argv, &i, "--max-body"))) body_s = v;
        else if ((v = cli_opt(argc, argv, &i, "--session-hours"))) hours_s = v;
        else if ((v = cli_opt(argc, argv, &i, "--max-file-bytes"))) file_bytes_s = v;
        else if ((v = cli_opt(argc, argv, &i, "--max-files"))) files_s = v;
        else if (strcmp(argv[i], "--secure-cookies") == 0) secure = true;
        else if ((v = cli_opt(argc, argv, &i, "--rate-public"))) rate_s = v;
        else if ((v = cli_opt(argc, argv, &i, "--login-failures"))) fails_s = v;
        else if (strcmp(argv[i], "--trust-proxy") == 0) trust_proxy = true;
        else if ((v = cli_opt(argc, argv, &i, "--jurisdiction"))) jurisdiction = v;
        else if ((v = cli_opt(argc, argv, &i, "--heartbeat-seconds"))) heartbeat_s = v;
        else if ((v = cli_opt(argc, argv, &i, "--clock"))) clock_file = v;
        else if ((v = cli_opt(argc, argv, &i, "--header-timeout"))) header_timeout_s = v;
        else if ((v = cli_opt(argc, argv, &i, "--max-conn-per-address"))) per_address_s = v;
        else {
            fprintf(stderr, "hotline serve: unknown option '%s'\n\n%s", argv[i], serve_help);
            return 2;
        }
    }
    long port, threads, max_body, hours, rate, fails, heartbeat, file_bytes, files;
    long header_timeout, per_address;
    log_level level;
    if (!parse_int(header_timeout_s, 1, 3600, &header_timeout) ||
        !parse_int(per_address_s, 0, 4096, &per_address) ||
        !parse_int(rate_s, 0, 1000000, &rate) || !parse_int(fails_s, 0, 1000, &fails) ||
        !parse_int(heartbeat_s, 1, 3600, &heartbeat) ||
        !parse_int(file_bytes_s, 1024, 100L << 20, &file_bytes) ||
        !parse_int(files_s, 1, 50, &files) ||
        !parse_int(port_s, 0, 65535, &port) || !parse_int(threads_s, 1, 256, &threads) ||
        !parse_int(body_s, 1024, 64L << 20, &max_body) || !parse_int(hours_s, 1, 24 * 30, &hours) ||
        log_parse_level(level_s, &level)) {
        fprintf(stderr, "hotline serve: bad option value\n\n%s", serve_help);
        return 2;
    }
    log_set_level(level);
    if (clock_file && clock_use_file(clock_file)) {
        fprintf(stderr, "hotline serve: --clock %s: no offset in seconds to read there\n",
                clock_file);
        return 2;
    }
    if (clock_file) log_warn("serve: the clock runs by %s (tests only)", clock_file);
    if (!cli_store_there("serve", db, " (create one with: hotline init --demo --db ...)"))
        return 1;
    char webroot[PATH_MAX];
    bool have_web = realpath(web, webroot) != NULL;
    if (!have_web) log_warn("serve: no web root at %s; serving the API only", web);

    /* signals are taken synchronously by this thread; every other thread inherits the mask */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    char where[512];
    cli_db_shown(db, where, sizeof where);
    store *st = NULL;
    int rc = store_open(db, &st);
    if (rc) {
        fprintf(stderr, "hotline serve: cannot open the database %s\n", where);
        return 1;
    }
    hub *events = hub_new();
    if (!events) {
        store_close(st);
        return 1;
    }
    api_app app = {.st = st, .webroot = have_web ? webroot : NULL,
                   .session_seconds = hours * 3600, .utc_offset_min = CIVIL_TZ_SHANGHAI,
                   .cookie_secure = secure, .hub = events, .jurisdiction = jurisdiction,
                   .upload = {.max_files = (size_t)files, .max_file_bytes = (size_t)file_bytes}};
    http_server *srv = NULL;
    http_config cfg = {.address = address, .port = (int)port, .threads = (int)threads,
                       .max_body = (size_t)max_body, .trust_proxy = trust_proxy,
                       .max_upload = api_upload_cap(&app.upload),
                       .takes_files = api_path_takes_files,
                       .heartbeat_s = (int)heartbeat,
                       .header_timeout_s = (int)header_timeout,
                       .max_conn_per_address = (int)per_address,
                       .handler = api_dispatch, .ud = &app};
    api_limits_config lim = {.public_per_minute = (int)rate, .login_failures = (int)fails,
                             .login_window_s = API_LIMITS_WINDOW_S,
                             .login_lock_s = API_LIMITS_LOCK_S};
    rc = api_limits_new(&lim, &app.limits);
    if (!rc) rc = api_init(&app);
    if (!rc) rc = api_events_start(&app);
    if (!rc) rc = http_server_start(&cfg, &srv);
    if (rc) {
        api_events_stop(&app);
        api_limits_free(app.limits);
        api_shutdown();
        hub_free(events);
        store_close(st);
        return 1;
    }
    log_info("serve: listening on http://%s:%ld (db %s)", address, port, where);
    int sig = 0;
    sigwait(&set, &sig);
    log_info("serve: %s received, shutting down", sig == SIGINT ? "SIGINT" : "SIGTERM");
    http_server_stop(srv); /* waits for in-flight requests, whose writes are then committed */
    api_events_stop(&app); /* the watch feeds the hub */
    hub_free(events);      /* after the server: its streams listen to the hub */
    api_shutdown();
    api_limits_free(app.limits);
    store_close(st);
    thumbnail_shutdown(); /* libvips' threads and caches, when a thumbnail started it */
    log_info("serve: stopped");
    return 0;
}
