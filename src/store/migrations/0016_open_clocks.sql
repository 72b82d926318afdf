-- The requests whose sign-for or reply clock may still run (issue 18, "the on-time rate counts
-- what is late"): whether such a request is late depends on the time of the appraisal, so the
-- rollups cannot hold it; store_appraisal_counts counts them at that time from these two small
-- partial indexes (dispatched requests not signed for their current dispatch, and dispatched
-- requests not replied). The WHERE clauses are store/rollup.h's SQL_DISPATCHED with
-- SQL_UNSIGNED and SQL_UNREPLIED, spelt the same so that SQLite sees they apply; the indexes
-- cover every column the counts read, so no request row is visited (on 1M requests the
-- month's 2,700 unreplied rows cost ~8 ms of page reads otherwise).
CREATE INDEX cases_unsigned ON cases(reg_day, unit_id, sign_due, state, signed_at, return_from,
                                     dispatched_at)
    WHERE unit_id IS NOT NULL AND state<>'merged' AND dispatched_at IS NOT NULL
      AND NOT (signed_at IS NOT NULL AND state<>'dispatched' AND NOT (state='return_pending'
               AND ifnull(return_from,'')='dispatched'));
CREATE INDEX cases_unreplied ON cases(reg_day, unit_id, reply_due, state, signed_at, return_from,
                                      dispatched_at, replied_at)
    WHERE unit_id IS NOT NULL AND state<>'merged' AND dispatched_at IS NOT NULL
      AND replied_at IS NULL;
