-- GET /tasks?status=pending&limit=20: one static request.
dofile(debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "common.lua")
wrk.method = "GET"
wrk.path = "/tasks?status=pending&limit=20"
wrk.headers = common.headers()
