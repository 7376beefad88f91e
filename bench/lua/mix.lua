-- 80% GET /tasks/{id} (random id from IDS), 20% POST /tasks.
dofile(debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "common.lua")
local gets, post
function init(args)
  math.randomseed(42)
  gets = common.get_requests()
  post = common.post_request()
end
function request()
  if math.random(5) == 1 then return post end
  return gets[math.random(#gets)]
end
