-- The soak's mixed load (bench/soak), per 100 requests:
--   44 GET /tasks/{id} of a preloaded task      10 GET /tasks?... (lists)
--    8 GET /tasks?q=word (searches)             12 POST /tasks
--   10 PATCH of a task this thread created       8 DELETE of one it created
--    8 that must be 4xx: GET of an unknown id (404), a POST without a title
--      (422), GET /tasks?limit=0 (422)
-- A search or costly list may also get 503 (brisk's caps on expensive
-- lists: 4 at a time per client, and all of wrk's connections are one
-- client with --auth off); done() counts them apart.
-- PATCH and DELETE take the ids of this thread's own 201s (their Location
-- header), so they hit real tasks; with none at hand they are GETs. The
-- database grows by the POSTs the DELETEs do not undo (about 4 in 100).
--
-- Environment: IDS (file of preloaded ids, one a line), SOAK_WORDS (file of
-- the words titles are made of, one a line).
dofile(debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "common.lua")

local gets, words, lists, created
-- Globals, read by done() through thread:get: responses by status class.
counts = {}
local json = {["Content-Type"] = "application/json"}
local next_seed = 1

local function read_lines(path)
  local out = {}
  for line in io.lines(path) do
    if line ~= "" then out[#out + 1] = line end
  end
  assert(#out > 0, "no lines in " .. path)
  return out
end

-- Each thread gets its own seed, so that threads do not repeat each other.
function setup(thread)
  thread:set("thread_seed", next_seed)
  next_seed = next_seed + 1
  threads = threads or {}
  threads[#threads + 1] = thread
end

function init(args)
  math.randomseed(os.time() * 100 + (thread_seed or 0))
  gets = common.get_requests()
  words = read_lines(os.getenv("SOAK_WORDS"))
  lists = {
    wrk.format("GET", "/tasks?limit=20"),
    wrk.format("GET", "/tasks?status=pending&limit=20"),
    wrk.format("GET", "/tasks?sort=priority&limit=50"),
    wrk.format("GET", "/tasks?priority_gte=4&limit=20"),
    wrk.format("GET", "/tasks?tag=soak&limit=10"),
  }
  created = {}
end

local function word()
  return words[math.random(#words)]
end

local function post()
  local body = string.format(
    '{"title":"%s %s %s","description":"soak %s","priority":%d,"tags":["soak","%s"]}',
    word(), word(), word(), word(), math.random(5), word())
  return wrk.format("POST", "/tasks", json, body)
end

local function patch(id)
  local statuses = {"pending", "in_progress", "done"}
  local body = string.format('{"status":"%s","title":"%s %s"}',
    statuses[math.random(3)], word(), word())
  return wrk.format("PATCH", "/tasks/" .. id, json, body)
end

function request()
  local r = math.random(100)
  if r <= 44 then return gets[math.random(#gets)] end
  if r <= 54 then return lists[math.random(#lists)] end
  if r <= 62 then return wrk.format("GET", "/tasks?limit=20&q=" .. word()) end
  if r <= 74 then return post() end
  if r <= 92 then
    if #created == 0 then return gets[math.random(#gets)] end
    if r <= 84 then return patch(created[math.random(#created)]) end
    local i = math.random(#created)
    local id = created[i]
    created[i] = created[#created]
    created[#created] = nil
    return wrk.format("DELETE", "/tasks/" .. id)
  end
  if r <= 95 then
    return wrk.format("GET", "/tasks/0190a4f2-0000-7000-8000-000000000000")
  end
  if r <= 98 then return wrk.format("POST", "/tasks", json, '{"description":"no title"}') end
  return wrk.format("GET", "/tasks?limit=0")
end

function response(status, headers, body)
  local class = tostring(math.floor(status / 100)) .. "xx"
  counts[class] = (counts[class] or 0) + 1
  if status == 503 then counts["503"] = (counts["503"] or 0) + 1 end
  if status == 201 then
    local loc = headers["Location"] or headers["location"]
    if loc and #created < 10000 then created[#created + 1] = loc:match("/tasks/(.+)$") end
  end
end

-- One machine-readable line for bench/soak; latencies in microseconds.
function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads or {}) do
    for class, n in pairs(t:get("counts") or {}) do total[class] = (total[class] or 0) + n end
  end
  local e = summary.errors
  io.write(string.format(
    'SOAK_RESULT {"requests":%d,"duration_us":%d,"socket_errors":%d,' ..
    '"s2xx":%d,"s3xx":%d,"s4xx":%d,"s5xx":%d,"s503":%d,' ..
    '"lat_p50_us":%d,"lat_p99_us":%d,"lat_max_us":%d}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout,
    total["2xx"] or 0, total["3xx"] or 0, total["4xx"] or 0, total["5xx"] or 0, total["503"] or 0,
    latency:percentile(50), latency:percentile(99), latency.max))
end
