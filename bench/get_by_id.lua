-- GET /tasks/{id} for ids read from the file named by IDS (one per line).
local ids = {}
local path = os.getenv("IDS") or "bench/ids.txt"
for line in io.lines(path) do ids[#ids + 1] = line end
math.randomseed(42)
request = function()
  return wrk.format("GET", "/tasks/" .. ids[math.random(#ids)])
end
