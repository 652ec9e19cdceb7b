-- Members save their card, the city changing each time round.
dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
local cities = {"北京", "上海", "广州"}

request = function()
  local index, token, round = next_member()
  local body = string.format(
    '{"values": {"name": "成员%d", "company": "公司", "phone": "139%08d", "city": "%s"}}',
    index, index, cities[round % #cities + 1])
  return json_request("PUT", path, token, body)
end
