-- wrk script: registers requests (POST /api/cases) as a logged-in call-taker, each with its own
-- text, category and phone (the same body every time would let caches and the duplicate hints
-- flatter the figures).
-- Environment: HL_COOKIE, HL_CSRF, HL_CATEGORIES (comma-separated leaf category ids),
-- HL_DISTRICT (an id).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Cookie"] = "hotline_session=" .. os.getenv("HL_COOKIE")
wrk.headers["X-CSRF-Token"] = os.getenv("HL_CSRF")
local categories = {}
for id in string.gmatch(os.getenv("HL_CATEGORIES"), "%d+") do categories[#categories + 1] = id end
local district = os.getenv("HL_DISTRICT")
local places = {"新华路", "解放大道", "人民路", "中山路", "建设路", "和平街", "滨江路", "光明路"}
local things = {"小区楼道路灯不亮", "路面坑洼积水", "垃圾清运不及时", "噪音扰民", "自来水水压低",
  "井盖破损", "违章停车堵塞通道", "供暖温度不达标", "施工扬尘严重", "公交站牌损坏"}
local spans = {"已经一周了", "好几天了", "从昨天开始", "反复出现"}
local n = 0
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
request = function()
  n = n + 1
  local place = places[math.random(#places)] .. math.random(1, 300) .. "号"
  local body = '{"caller_name":"张三","caller_phone":"1' .. math.random(3000000000, 8999999999) ..
    '","category_id":' .. categories[math.random(#categories)] .. ',"district_id":' .. district ..
    ',"address":"' .. place .. '","text":"' .. place .. things[math.random(#things)] ..
    spans[math.random(#spans)] .. '，请尽快处理（' .. n .. '）"}'
  return wrk.format(nil, nil, nil, body)
end
