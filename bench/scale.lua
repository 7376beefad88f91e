-- wrk script for bench/scale.sh: prints the latency percentiles in
-- microseconds and the count of requests and failures, one parsable line.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT p50=%d p99=%d requests=%d failed=%d\n",
    latency:percentile(50), latency:percentile(99), summary.requests,
    e.connect + e.read + e.write + e.status + e.timeout))
end
