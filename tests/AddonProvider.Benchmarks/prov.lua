wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
-- PROV_AUTH: base64 of "mobiloud:<password>" of the server under test; the development password otherwise.
wrk.headers["Authorization"] = "Basic " .. (os.getenv("PROV_AUTH") or "bW9iaWxvdWQ6ZGV2LW1vYmlsb3VkLXBhc3N3b3JkLW5vdC1mb3ItcHJvZHVjdGlvbg==")
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
local function uuid()
  local t = 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'
  return (t:gsub('[xy]', function(c) local v = (c == 'x') and math.random(0, 0xf) or math.random(8, 0xb); return string.format('%x', v) end))
end
request = function()
  return wrk.format(nil, "/heroku/resources", nil, '{"uuid":"' .. uuid() .. '","plan":"test","region":"amazon-web-services::us-east-1","name":"bench"}')
end
