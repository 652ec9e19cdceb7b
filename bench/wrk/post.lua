-- POST an empty JSON body as each member in turn (a notice's confirm, a check-in).
dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")

request = function()
  local _, token = next_member()
  return json_request("POST", path, token, "{}")
end
