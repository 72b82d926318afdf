-- 0009: case_events_at (every event by time) is not used by any query: the public updates
-- feed has its own partial index (case_events_public_at), the knowledge-base report reads
-- answers through case_events_article, everything else reads a request's events by
-- (case_id, seq). It cost a B-tree insert per event, a tenth of a history import (measured).
DROP INDEX case_events_at;
