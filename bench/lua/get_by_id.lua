-- GET /tasks/{id} for an id drawn at random from the file named by IDS.
dofile(debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "common.lua")
local reqs
function init(args)
  math.randomseed(42)
  reqs = common.get_requests()
end
function request()
  return reqs[math.random(#reqs)]
end
