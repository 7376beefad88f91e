-- POST /tasks with a valid body: one static request.
dofile(debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "common.lua")
wrk.method = "POST"
wrk.path = "/tasks"
wrk.headers = common.headers({["Content-Type"] = "application/json"})
wrk.body = common.post_body
