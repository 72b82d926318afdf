/* conformance_attachments.c — files on requests: added all or none, read back whole and by
 * range, identical contents stored once, the first public photo of each request, and every
 * content's hash verified. */
#include "conformance.h"
#include "util/sha256.h"

#include <stdlib.h>
#include <string.h>

static store_attachment_new file_of(cf_group *g, int64_t case_id, const char *kind,
                                    const char *step, bool pub, const char *data, size_t n)
{
    return (store_attachment_new){.case_id = case_id, .kind = kind, .mime = "image/jpeg",
                                  .name = "灯.jpg", .step = step, .is_public = pub,
                                  .added_by = g->c.calltaker, .added_at = g->c.t0 + 60,
                                  .data = data, .size = n};
}

static int64_t count_of(cf_group *g, int64_t case_id)
{
    store_attachment *items;
    size_t n = 0;
    assert_int_equal(store_case_attachments(g->s, g->a, case_id, &items, &n), 0);
    return (int64_t)n;
}

static void test_add_get_and_read(void **state)
{
    cf_group *g = *state;
    int64_t k = cf_register(g, g->c.t0, NULL, "路灯不亮 attachments", NULL);
    static const char body[] = "\xFF\xD8\xFF" "a photo of a street light" "\xFF\xD9";
    size_t n = sizeof body - 1;
    store_attachment_new in = file_of(g, k, "photo", "registration", true, body, n);
    int64_t id = 0, dedup = -1;
    assert_int_equal(store_attachments_add(g->s, &in, 1, &id, &dedup), 0);
    assert_true(id > 0);
    assert_int_equal(dedup, 0);

    store_attachment t;
    assert_int_equal(store_attachment_get(g->s, g->a, id, &t), 0);
    char hex[SHA256_HEX_LEN + 1];
    sha256_hex(body, n, hex);
    assert_int_equal(t.case_id, k);
    assert_string_equal(t.sha256, hex);
    assert_string_equal(t.kind, "photo");
    assert_string_equal(t.mime, "image/jpeg");
    assert_string_equal(t.name, "灯.jpg");
    assert_string_equal(t.step, "registration");
    assert_int_equal(t.size, (int64_t)n);
    assert_true(t.is_public);
    assert_int_equal(t.added_by, g->c.calltaker);
    assert_int_equal(t.added_at, g->c.t0 + 60);
    assert_false(t.has_gps);
    assert_int_equal(store_attachment_get(g->s, g->a, id + 1000, &t), HL_ENOTFOUND);

    char *data = NULL;
    size_t got = 0;
    assert_int_equal(store_attachment_content(g->s, hex, 0, (int64_t)n, &data, &got), 0);
    assert_int_equal(got, n);
    assert_memory_equal(data, body, n);
    free(data);
    /* a range, and one running past the end */
    assert_int_equal(store_attachment_content(g->s, hex, 3, 5, &data, &got), 0);
    assert_int_equal(got, 5);
    assert_memory_equal(data, body + 3, 5);
    free(data);
    assert_int_equal(store_attachment_content(g->s, hex, (int64_t)n - 2, 100, &data, &got), 0);
    assert_int_equal(got, 2);
    assert_memory_equal(data, "\xFF\xD9", 2);
    free(data);
    assert_int_equal(store_attachment_content(g->s, "00", 0, 10, &data, &got), HL_ENOTFOUND);
    assert_null(data);

    /* a resident's file (added_by 0) with the position its EXIF had */
    in.added_by = 0;
    in.has_gps = true;
    in.gps_lat = 30.546123456789012;
    in.gps_lng = -114.151234567890123;
    in.is_public = false;
    in.name = NULL;
    assert_int_equal(store_attachments_add(g->s, &in, 1, &id, NULL), 0);
    assert_int_equal(store_attachment_get(g->s, g->a, id, &t), 0);
    assert_int_equal(t.added_by, 0);
    assert_true(t.has_gps);
    assert_true(t.gps_lat == 30.546123456789012);
    assert_true(t.gps_lng == -114.151234567890123);
    assert_false(t.is_public);
    assert_string_equal(t.name, "");
    assert_int_equal(count_of(g, k), 2);
}

static void test_identical_contents_stored_once(void **state)
{
    cf_group *g = *state;
    int64_t k1 = cf_register(g, g->c.t0 + 100, NULL, "dedup one", NULL);
    int64_t k2 = cf_register(g, g->c.t0 + 200, NULL, "dedup two", NULL);
    static const char body[] = "%PDF-1.4 the same document %%EOF";
    int64_t files0 = 0, bad = 0;
    assert_int_equal(store_attachments_verify(g->s, &files0, &bad), 0);
    store_attachment_new in[2] = {file_of(g, k1, "document", "note", false, body, sizeof body - 1),
                                  file_of(g, k2, "document", "reply", false, body, sizeof body - 1)};
    int64_t ids[2] = {0, 0}, dedup = 0;
    assert_int_equal(store_attachments_add(g->s, in, 2, ids, &dedup), 0);
    assert_int_equal(dedup, 1); /* the second is the first's content */
    assert_true(ids[0] > 0 && ids[1] > ids[0]);
    assert_int_equal(store_attachments_add(g->s, in, 1, NULL, &dedup), 0);
    assert_int_equal(dedup, 1);
    int64_t files = 0;
    assert_int_equal(store_attachments_verify(g->s, &files, &bad), 0);
    assert_int_equal(files, files0 + 1); /* three attachments, one content */
    assert_int_equal(bad, 0);
    assert_int_equal(count_of(g, k1), 2);
    assert_int_equal(count_of(g, k2), 1);
}

static void test_all_or_none(void **state)
{
    cf_group *g = *state;
    int64_t k = cf_register(g, g->c.t0 + 300, NULL, "all or none", NULL);
    int64_t files0 = 0, files = 0, bad = 0;
    assert_int_equal(store_attachments_verify(g->s, &files0, &bad), 0);
    static const char a[] = "#!AMR\nfirst", b[] = "#!AMR\nsecond";
    store_attachment_new in[2] = {file_of(g, k, "audio", "note", false, a, sizeof a - 1),
                                  file_of(g, k, "noise", "note", false, b, sizeof b - 1)};
    assert_int_equal(store_attachments_add(g->s, in, 2, NULL, NULL), HL_EINVAL);
    in[1].kind = "audio";
    in[1].step = "lunch";
    assert_int_equal(store_attachments_add(g->s, in, 2, NULL, NULL), HL_EINVAL);
    in[1].step = "visit";
    in[1].case_id = k + 100000; /* no such request */
    assert_int_equal(store_attachments_add(g->s, in, 2, NULL, NULL), HL_EREF);
    assert_int_equal(count_of(g, k), 0);
    assert_int_equal(store_attachments_verify(g->s, &files, &bad), 0);
    assert_int_equal(files, files0);
}

static void test_first_public_photo(void **state)
{
    cf_group *g = *state;
    int64_t k1 = cf_register(g, g->c.t0 + 400, NULL, "photos one", NULL);
    int64_t k2 = cf_register(g, g->c.t0 + 500, NULL, "photos two", NULL);
    static const char p1[] = "photo-internal", p2[] = "doc-public", p3[] = "photo-public",
                      p4[] = "photo-public-later";
    store_attachment_new in[4] = {file_of(g, k1, "photo", "registration", false, p1, sizeof p1 - 1),
                                  file_of(g, k1, "document", "registration", true, p2, sizeof p2 - 1),
                                  file_of(g, k1, "photo", "reply", true, p3, sizeof p3 - 1),
                                  file_of(g, k1, "photo", "reply", true, p4, sizeof p4 - 1)};
    int64_t ids[4];
    assert_int_equal(store_attachments_add(g->s, in, 4, ids, NULL), 0);
    int64_t cases[3] = {k1, k2, k1 + 100000}, first[3] = {-1, -1, -1};
    assert_int_equal(store_cases_first_public_photo(g->s, cases, 3, first), 0);
    assert_int_equal(first[0], ids[2]);
    assert_int_equal(first[1], 0);
    assert_int_equal(first[2], 0);
}

static void test_survive_reopen(void **state)
{
    cf_group *g = *state;
    int64_t k = cf_register(g, g->c.t0 + 600, NULL, "reopen", NULL);
    char big[70000]; /* larger than a page and than one TOAST chunk */
    for (size_t i = 0; i < sizeof big; i++) big[i] = (char)(i * 7 + i / 251);
    store_attachment_new in = file_of(g, k, "video", "visit", false, big, sizeof big);
    int64_t id = 0;
    assert_int_equal(store_attachments_add(g->s, &in, 1, &id, NULL), 0);
    assert_int_equal(cf_store_reopen(&g->st), 0);
    g->s = g->st.s;
    store_attachment t;
    assert_int_equal(store_attachment_get(g->s, g->a, id, &t), 0);
    char *data = NULL;
    size_t got = 0;
    assert_int_equal(store_attachment_content(g->s, t.sha256, 65536, 10000, &data, &got), 0);
    assert_int_equal(got, sizeof big - 65536);
    assert_memory_equal(data, big + 65536, got);
    free(data);
    int64_t files = 0, bad = 0;
    assert_int_equal(store_attachments_verify(g->s, &files, &bad), 0);
    assert_true(files >= 1);
    assert_int_equal(bad, 0);
}

static void test_thumbnails_kept_once(void **state)
{
    cf_group *g = *state;
    int64_t k = cf_register(g, g->c.t0 + 700, NULL, "thumbnails", NULL);
    static const char photo[] = "a photo to thumbnail", thumb[] = "its thumbnail",
                      other[] = "another server's thumbnail";
    store_attachment_new in = file_of(g, k, "photo", "note", false, photo, sizeof photo - 1);
    int64_t id = 0;
    assert_int_equal(store_attachments_add(g->s, &in, 1, &id, NULL), 0);
    store_attachment t;
    assert_int_equal(store_attachment_get(g->s, g->a, id, &t), 0);
    const char *th = NULL;
    assert_int_equal(store_thumbnail_get(g->s, g->a, t.sha256, &th), HL_ENOTFOUND);
    assert_int_equal(store_thumbnail_put(g->s, g->a, t.sha256, thumb, sizeof thumb - 1, &th), 0);
    char hex[SHA256_HEX_LEN + 1];
    sha256_hex(thumb, sizeof thumb - 1, hex);
    assert_string_equal(th, hex);
    /* a second one made meanwhile (another server) does not replace it */
    assert_int_equal(store_thumbnail_put(g->s, g->a, t.sha256, other, sizeof other - 1, &th), 0);
    assert_string_equal(th, hex);
    assert_int_equal(store_thumbnail_get(g->s, g->a, t.sha256, &th), 0);
    assert_string_equal(th, hex);
    char *data = NULL;
    size_t got = 0;
    assert_int_equal(store_attachment_content(g->s, th, 0, 1000, &data, &got), 0);
    assert_int_equal(got, sizeof thumb - 1);
    assert_memory_equal(data, thumb, got);
    free(data);
    assert_int_equal(store_thumbnail_put(g->s, g->a, "00", thumb, sizeof thumb - 1, &th), HL_EREF);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_get_and_read),
        cmocka_unit_test(test_identical_contents_stored_once),
        cmocka_unit_test(test_all_or_none),
        cmocka_unit_test(test_first_public_photo),
        cmocka_unit_test(test_survive_reopen),
        cmocka_unit_test(test_thumbnails_kept_once),
    };
    return cmocka_run_group_tests_name("conformance_attachments", tests, cf_group_setup,
                                       cf_group_teardown);
}
