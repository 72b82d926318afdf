-- wrk script: registers a request (POST /api/cases) as a logged-in call-taker.
-- Environment: HL_COOKIE, HL_CSRF, HL_CATEGORY, HL_DISTRICT (ids).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Cookie"] = "hotline_session=" .. os.getenv("HL_COOKIE")
wrk.headers["X-CSRF-Token"] = os.getenv("HL_CSRF")
wrk.body = '{"caller_name":"张三","caller_phone":"13812345678","category_id":' ..
  os.getenv("HL_CATEGORY") .. ',"district_id":' .. os.getenv("HL_DISTRICT") ..
  ',"address":"新华路12号","text":"小区楼道路灯不亮已经一周了，晚上出行很不方便，请尽快维修"}'
