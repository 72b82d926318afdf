/* fts_bigram.c — FTS5 tokenizer "hotline_bigram": core/textseg's CJK bigrams and ASCII words. */
#include "core/textseg.h"
#include "store/store_internal.h"
#include "util/err.h"
#include "util/log.h"

/* The tokenizer keeps no state, so every table shares this one instance. sqlite3.h leaves the
 * type incomplete for the tokenizer to define. */
struct Fts5Tokenizer {
    int unused;
};
static struct Fts5Tokenizer bigram_instance;

typedef int (*fts5_token_fn)(void *ctx, int tflags, const char *tok, int ntok, int start, int end);

struct token_ctx {
    void *fts_ctx;
    fts5_token_fn x_token;
};

static int bigram_create(void *ctx, const char **argv, int argc, Fts5Tokenizer **out)
{
    (void)ctx;
    (void)argv;
    *out = NULL;
    if (argc != 0) return SQLITE_ERROR; /* "hotline_bigram" takes no options */
    *out = &bigram_instance;
    return SQLITE_OK;
}

static void bigram_delete(Fts5Tokenizer *t)
{
    (void)t;
}

static int pass_term(void *ctx, const char *tok, size_t len, size_t start, size_t end)
{
    const struct token_ctx *c = ctx;
    /* all three fit in int: len <= TEXTSEG_MAX_TERM and end <= nText */
    return c->x_token(c->fts_ctx, 0, tok, (int)len, (int)start, (int)end);
}

/* The same segmentation serves documents and queries (flags says which): a query "路灯不亮"
 * becomes the phrase 路灯 灯不 不亮 at consecutive positions, as in any document holding it. */
static int bigram_tokenize(Fts5Tokenizer *t, void *ctx, int flags, const char *text, int n,
                           fts5_token_fn x_token)
{
    (void)t;
    (void)flags;
    if (!text || n <= 0) return SQLITE_OK;
    struct token_ctx c = {ctx, x_token};
    return textseg_terms(text, (size_t)n, pass_term, &c);
}

static fts5_tokenizer bigram_tokenizer = {bigram_create, bigram_delete, bigram_tokenize};

int store_fts_register(sqlite3 *db)
{
    fts5_api *api = NULL;
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_bind_pointer(st, 1, &api, "fts5_api_ptr", NULL);
    if (rc == SQLITE_OK) rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) rc = SQLITE_OK;
    sqlite3_finalize(st);
    if (rc != SQLITE_OK) {
        log_error("store: FTS5 unavailable: %s", sqlite3_errmsg(db));
        return db_err(rc);
    }
    if (!api || api->iVersion < 2) {
        log_error("store: FTS5 unavailable: no fts5_api");
        return HL_EIO;
    }
    rc = api->xCreateTokenizer(api, "hotline_bigram", NULL, &bigram_tokenizer, NULL);
    if (rc != SQLITE_OK) log_error("store: cannot register hotline_bigram: %s", sqlite3_errstr(rc));
    return db_err(rc);
}
