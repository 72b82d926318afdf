-- wrk script: reads random requests (GET /api/cases/:id, with history) as a logged-in user.
-- Environment: HL_COOKIE, HL_MAX_ID (ids 1..HL_MAX_ID exist).
local max_id = tonumber(os.getenv("HL_MAX_ID"))
wrk.headers["Cookie"] = "hotline_session=" .. os.getenv("HL_COOKIE")
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "/api/cases/" .. math.random(1, max_id))
end
