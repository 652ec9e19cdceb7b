-- Members who have voted change their vote: each time round, every member flips
-- between the two options of BENCH_OPTIONS.
dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
local options = split(os.getenv("BENCH_OPTIONS"))

request = function()
  local _, token, round = next_member()
  local option = options[round % #options + 1]
  return json_request("POST", path, token, '{"option_ids": ["' .. option .. '"]}')
end
