-- wrk script for bench/soak.sh: a fixed mix of paths, a pause between the requests of each connection,
-- and a count of every status received. SOAK_DELAY_MS sets the mean pause in milliseconds. wrk waits
-- whole milliseconds, so a fractional mean alternates between the two nearest whole values.
-- Out of 100 requests: 90 GET / (200), 5 GET /missing (404), 4 GET /fail (500), 1 GET /bad (400).

local delay_ms = tonumber(os.getenv("SOAK_DELAY_MS") or "0")
local threads = {}
local paths = {}
for i = 1, 100 do
  if i <= 90 then paths[i] = "/"
  elseif i <= 95 then paths[i] = "/missing"
  elseif i <= 99 then paths[i] = "/fail"
  else paths[i] = "/bad" end
end

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  counter = 0
  owed = 0
  statuses = {}
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % 100) + 1])
end

function delay()
  owed = owed + delay_ms
  local whole = math.floor(owed)
  owed = owed - whole
  return whole
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses")
    for status, count in pairs(counts) do
      totals[status] = (totals[status] or 0) + count
    end
  end
  for status, count in pairs(totals) do
    io.write(string.format("status %d %d\n", status, count))
  end
end
