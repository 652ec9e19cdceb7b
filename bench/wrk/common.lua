-- What every write script shares: the report line, each thread's own members (their
-- Bearer tokens from BENCH_TOKENS, split between the threads), JSON requests.
dofile(os.getenv("BENCH_WRK_DIR") .. "/report.lua")

path = os.getenv("BENCH_PATH")
local counter = 0

function split(text)
  local items = {}
  for item in string.gmatch(text or "", "[^,]+") do table.insert(items, item) end
  return items
end

-- Runs in the main Lua state: number the threads.
function setup(thread)
  counter = counter + 1
  thread:set("thread_id", counter)
  thread:set("threads", tonumber(os.getenv("BENCH_THREADS")))
end

tokens = {}
turn = 0

function init(args)
  local all = split(os.getenv("BENCH_TOKENS"))
  for i, token in ipairs(all) do
    if (i - 1) % threads == thread_id - 1 then table.insert(tokens, token) end
  end
end

-- The next member of this thread, and how many times round its members it has gone.
function next_member()
  turn = turn + 1
  local index = (turn - 1) % #tokens + 1
  return index, tokens[index], math.floor((turn - 1) / #tokens)
end

function json_request(method, url, token, body)
  return wrk.format(method, url, {["Authorization"] = "Bearer " .. token,
                                  ["Content-Type"] = "application/json"}, body)
end
