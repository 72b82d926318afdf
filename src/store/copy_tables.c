/* copy_tables.c — the engine-neutral schema of `hotline copy`'s row stream (store/copy.h): every
 * table that holds data, after the tables it refers to, with its columns as PostgreSQL names
 * them (src/store/pg/migrations/0001_schema.sql). */
#include "store/copy.h"

#define I STORE_COPY_INT
#define B STORE_COPY_BOOL
#define R STORE_COPY_REAL
#define T STORE_COPY_TEXT
#define N(cols) cols, (int)(sizeof cols / sizeof cols[0])

static const store_copy_column units[] = {
    {"id", I}, {"parent_id", I}, {"code", T}, {"name_zh", T}, {"name_en", T}, {"kind", T},
    {"active", B}};
static const store_copy_column categories[] = {
    {"id", I}, {"parent_id", I}, {"code", T}, {"name_zh", T}, {"name_en", T}, {"level", I},
    {"request_type", T}, {"urgency", T}, {"keywords", T}, {"active", B}};
static const store_copy_column routing_rules[] = {
    {"id", I}, {"category_id", I}, {"district_id", I}, {"unit_id", I}};
static const store_copy_column calendar_days[] = {{"date", T}, {"kind", T}, {"name", T}};
static const store_copy_column time_limits[] = {
    {"id", I}, {"stage", T}, {"urgency", T}, {"request_type", T}, {"category_id", I},
    {"amount", I}, {"unit", T}};
static const store_copy_column users[] = {
    {"id", I}, {"username", T}, {"display_name", T}, {"role", T}, {"unit_id", I},
    {"password_hash", T}, {"active", B}, {"created_at", I}};
static const store_copy_column api_tokens[] = {
    {"id", I}, {"user_id", I}, {"name", T}, {"token_hash", T}, {"prefix", T},
    {"created_at", I}, {"revoked_at", I}, {"last_used_at", I}};
static const store_copy_column appraisal_schemes[] = {
    {"id", I}, {"name", T}, {"effective_from", I}, {"effective_to", I}, {"w_response", R},
    {"w_resolution", R}, {"w_satisfaction", R}, {"w_ontime_reply", R}, {"w_return", R},
    {"w_reopen", R}, {"score_satisfied", R}, {"score_basic", R}, {"score_unsatisfied", R},
    {"created_at", I}};
static const store_copy_column sensitive_words[] = {{"word", T}, {"updated_at", I}};
static const store_copy_column suggest_models[] = {
    {"name", T}, {"version", I}, {"trained_at", I}, {"samples", I}, {"classes", I},
    {"cv_top1", R}, {"cv_top3", R}, {"data", STORE_COPY_BLOB}};
static const store_copy_column district_areas[] = {{"unit_id", I}, {"rings", T}};
static const store_copy_column service_attributes[] = {
    {"id", I}, {"category_id", I}, {"code", T}, {"datatype", T}, {"required", B},
    {"variable", B}, {"description", T}, {"datatype_description", T}, {"ord", I}, {"vals", T}};
static const store_copy_column cases[] = {
    {"id", I}, {"number", T}, {"channel", T}, {"request_type", T}, {"category_id", I},
    {"urgency", T}, {"confidential", B}, {"caller_name", T}, {"caller_phone", T},
    {"district_id", I}, {"street_id", I}, {"address", T}, {"lat", R}, {"lng", R},
    {"title", T}, {"text", T}, {"created_by", I}, {"reg_day", I}, {"state", T},
    {"return_from", T}, {"closed_as", T}, {"unit_id", I}, {"merged_into", I},
    {"extension_pending", B}, {"extension_requested_due", I}, {"urge_count", I},
    {"supervise_count", I}, {"reopen_count", I}, {"return_count", I}, {"extension_count", I},
    {"redispatch_count", I}, {"visit_attempts", I}, {"visit_valid", B}, {"solved", B},
    {"satisfaction", T}, {"dispatch_due", I}, {"sign_due", I}, {"return_due", I},
    {"reply_due", I}, {"visit_due", I}, {"current_due", I}, {"registered_at", I},
    {"dispatched_at", I}, {"signed_at", I}, {"replied_at", I}, {"visited_at", I},
    {"closed_at", I}, {"updated_at", I}, {"event_count", I}, {"reply_text", T}};
static const store_copy_column case_co_units[] = {{"case_id", I}, {"unit_id", I}};
/* the last five are SQLite's `extra` JSON (store/copy.h) */
static const store_copy_column case_events[] = {
    {"id", I}, {"case_id", I}, {"seq", I}, {"action", T}, {"at", I}, {"actor_id", I},
    {"actor_role", T}, {"actor_unit", I}, {"unit_id", I}, {"merged_into", I},
    {"requested_due", I}, {"due_dispatch", I}, {"due_sign", I}, {"due_return", I},
    {"due_reply", I}, {"due_visit", I}, {"reachable", B}, {"solved", B}, {"satisfaction", T},
    {"reason", T}, {"body", T}, {"public", B}, {"article_id", I}, {"basis", T},
    {"co_unit_ids", STORE_COPY_IDS}, {"import_source", T}, {"import_id", T}};
static const store_copy_column case_numbers[] = {{"day", T}, {"last", I}};
static const store_copy_column case_attributes[] = {{"case_id", I}, {"code", T}, {"value", T}};
static const store_copy_column open311_requests[] = {
    {"case_id", I}, {"email", T}, {"device_id", T}, {"account_id", T}, {"media_url", T},
    {"address_id", T}, {"zipcode", T}};
static const store_copy_column calls[] = {
    {"id", I}, {"call_id", T}, {"caller", T}, {"agent_id", I}, {"placed_at", I},
    {"offered_at", I}, {"answered_at", I}, {"ended_at", I}};
static const store_copy_column call_cases[] = {{"call_id", I}, {"case_id", I}};
static const store_copy_column kb_articles[] = {
    {"id", I}, {"title", T}, {"body", T}, {"category_id", I}, {"unit_id", I},
    {"valid_from", T}, {"valid_to", T}, {"next_review", T}, {"created_by", I},
    {"updated_by", I}, {"created_at", I}, {"updated_at", I}};
static const store_copy_column appraisal_returns[] = {
    {"case_id", I}, {"seq", I}, {"unit_id", I}, {"day", I}, {"approved", B}};
static const store_copy_column rollup_unit_day[] = {
    {"day", I}, {"unit_id", I}, {"dispatched", I}, {"signed_ontime", I}, {"visits_valid", I},
    {"solved", I}, {"satisfied", I}, {"basic", I}, {"unsatisfied", I}, {"replies", I},
    {"replied_ontime", I}, {"reopened", I}, {"returns_requested", I}, {"returns_approved", I}};
static const store_copy_column rollup_labels[] = {{"id", I}, {"dim", I}, {"name", T}};
static const store_copy_column rollup_volume_day[] = {
    {"dim", I}, {"day", I}, {"key", I}, {"n", I}};
static const store_copy_column audit_log[] = {
    {"id", I}, {"at", I}, {"actor_id", I}, {"actor", T}, {"role", T}, {"unit_id", I},
    {"action", T}, {"object", T}, {"object_id", T}, {"case_id", I}, {"detail", T},
    {"client", T}};
static const store_copy_column open311_meta[] = {{"key", T}, {"value", T}};
static const store_copy_column catalog_versions[] = {{"name", T}, {"version", I}};

static const store_copy_column attachment_contents[] = {
    {"sha256", T}, {"size", I}, {"data", STORE_COPY_BLOB}};
static const store_copy_column attachments[] = {
    {"id", I},   {"case_id", I},  {"sha256", T},   {"kind", T},     {"mime", T},
    {"name", T}, {"step", T},     {"size", I},     {"is_public", B}, {"added_by", I},
    {"added_at", I}, {"gps_lat", R}, {"gps_lng", R}};
static const store_copy_column attachment_thumbnails[] = {{"sha256", T}, {"thumb_sha256", T}};

const store_copy_table store_copy_tables[] = {
    {"units", "id", false, N(units)},
    {"categories", "id", false, N(categories)},
    {"routing_rules", "id", false, N(routing_rules)},
    {"calendar_days", "date", false, N(calendar_days)},
    {"time_limits", "id", false, N(time_limits)},
    {"users", "id", false, N(users)},
    {"api_tokens", "id", false, N(api_tokens)},
    {"appraisal_schemes", "id", false, N(appraisal_schemes)},
    {"sensitive_words", "word", false, N(sensitive_words)},
    {"suggest_models", "name", false, N(suggest_models)},
    {"district_areas", "unit_id", false, N(district_areas)},
    {"service_attributes", "id", false, N(service_attributes)},
    {"cases", "id", false, N(cases)},
    {"case_co_units", "case_id, unit_id", false, N(case_co_units)},
    {"case_events", "id", false, N(case_events)},
    {"case_numbers", "day", false, N(case_numbers)},
    {"case_attributes", "case_id, code, value", false, N(case_attributes)},
    {"open311_requests", "case_id", false, N(open311_requests)},
    {"calls", "id", false, N(calls)},
    {"call_cases", "call_id, case_id", false, N(call_cases)},
    {"kb_articles", "id", false, N(kb_articles)},
    {"appraisal_returns", "case_id, seq", false, N(appraisal_returns)},
    {"rollup_unit_day", "day, unit_id", false, N(rollup_unit_day)},
    {"rollup_labels", "id", false, N(rollup_labels)},
    {"rollup_volume_day", "dim, day, key", false, N(rollup_volume_day)},
    {"attachment_contents", "sha256", false, N(attachment_contents)},
    {"attachments", "id", false, N(attachments)},
    {"attachment_thumbnails", "sha256", false, N(attachment_thumbnails)},
    {"audit_log", "id", false, N(audit_log)},
    /* seeded, and bumped by triggers on the tables above: last */
    {"open311_meta", "key", true, N(open311_meta)},
    {"catalog_versions", "name", true, N(catalog_versions)},
};
const int store_copy_ntables = (int)(sizeof store_copy_tables / sizeof store_copy_tables[0]);

const char *const store_copy_skipped[] = {"sessions", "schema_migrations", "limit_buckets",
                                          "login_failures", "case_idempotency", "live_events",
                                          NULL};
