-- The one line bench/load.py reads after a wrk run: requests/s, p50 and p99 latency (µs),
-- answers with a status above 399, socket errors, requests.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %f %f %f %d %d %d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50),
    latency:percentile(99), e.status, e.connect + e.read + e.write + e.timeout,
    summary.requests))
end
