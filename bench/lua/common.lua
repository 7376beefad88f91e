-- Shared by every workload script (loaded with dofile from the script's own
-- directory). Requests are built once in init() so that wrk's per-request Lua
-- work is a table lookup: the load generator must stay cheaper than the
-- fastest server it measures.
--
-- Environment:
--   IDS         file with one task id per line (GET and mix workloads)
--   BENCH_TOKEN if set, every request carries "Authorization: Bearer <token>"
--               (bench/run sets it for brisk-auth)

common = {}
common.dir = debug.getinfo(1, "S").source:sub(2):match("(.*/)") or "./"

function common.headers(extra)
  local h = {}
  local token = os.getenv("BENCH_TOKEN")
  if token and token ~= "" then h["Authorization"] = "Bearer " .. token end
  for k, v in pairs(extra or {}) do h[k] = v end
  return h
end

function common.read_ids()
  local path = os.getenv("IDS") or (common.dir .. "../fixtures/ids.txt")
  local ids = {}
  for line in io.lines(path) do
    if line ~= "" then ids[#ids + 1] = line end
  end
  assert(#ids > 0, "no ids in " .. path)
  return ids
end

function common.get_requests()
  local reqs = {}
  for i, id in ipairs(common.read_ids()) do
    reqs[i] = wrk.format("GET", "/tasks/" .. id, common.headers())
  end
  return reqs
end

common.post_body = '{"title":"Benchmark task","description":"created by wrk",'
  .. '"priority":3,"tags":["bench"]}'

function common.post_request()
  return wrk.format("POST", "/tasks",
    common.headers({["Content-Type"] = "application/json"}), common.post_body)
end

-- One machine-readable line for bench/run; latencies in microseconds.
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,' ..
    '"lat_mean_us":%.1f,"lat_p50_us":%d,"lat_p99_us":%d,"lat_max_us":%d}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(99), latency.max))
end
