-- The requests whose sign-for or reply clock may still run (SQLite's 0016): dispatched
-- requests not signed for their current dispatch, and dispatched requests not replied, for
-- store_appraisal_counts, which counts at the time of the appraisal which of them are late.
CREATE INDEX cases_unsigned ON cases(reg_day, unit_id)
    WHERE unit_id IS NOT NULL AND state<>'merged' AND dispatched_at IS NOT NULL
      AND NOT (signed_at IS NOT NULL AND state<>'dispatched' AND NOT (state='return_pending'
               AND coalesce(return_from,'')='dispatched'));
CREATE INDEX cases_unreplied ON cases(reg_day, unit_id)
    WHERE unit_id IS NOT NULL AND state<>'merged' AND dispatched_at IS NOT NULL
      AND replied_at IS NULL;
