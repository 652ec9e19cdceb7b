-- Each member signs up, and the next time round withdraws (DELETE …/entries/<id>):
-- one connection per thread, so each answer belongs to the request before it.
dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
local entries = {}
local current

request = function()
  local index, token = next_member()
  current = index
  if entries[index] then
    return json_request("DELETE", path .. "/" .. entries[index], token, nil)
  end
  return json_request("POST", path, token, '{"values": {}}')
end

response = function(status, headers, body)
  if status == 201 then
    entries[current] = string.match(body, '"id"%s*:%s*"([^"]+)"')
  elseif status == 204 then
    entries[current] = nil
  end
end
