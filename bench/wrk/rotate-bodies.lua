-- wrk script: POST /v1/ads with the bodies of a workload's requests.jsonl, one after the other (each wrk
-- thread starts at its own offset so threads do not send the same sequence).
-- Usage: wrk -t1 -c64 -d20s -s bench/wrk/rotate-bodies.lua http://127.0.0.1:18080 -- /path/to/requests.jsonl [path]
-- Requests are formatted once in init(), so the script costs wrk one table lookup per request.
-- With WRK_STATUSES=1 in the environment it also counts the status codes (wrk itself reports only
-- "Non-2xx or 3xx responses") and done() prints them as "statuses: 200=N 204=N ...", so a run can show
-- it measured answers, not errors; counting costs wrk a Lua call per response, so leave it off for ratios.

local requests = {}
local count = 0
local index = 0
local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("id", #threads)
end

function init(args)
   local file = args[1]
   local path = args[2] or "/v1/ads"
   if file == nil then
      error("give the requests.jsonl file after --")
   end
   local headers = { ["Content-Type"] = "application/json" }
   for line in io.lines(file) do
      if #line > 0 then
         count = count + 1
         requests[count] = wrk.format("POST", path, headers, line)
      end
   end
   if count == 0 then
      error("no requests in " .. file)
   end
   index = ((id or 1) - 1) * 7919 % count
end

function request()
   index = index + 1
   if index > count then
      index = 1
   end
   return requests[index]
end

-- Per-thread counters (wrk copies only plain values between threads): 200, 204, other 2xx/3xx, 4xx, 5xx.
s200, s204, sother, s4xx, s5xx = 0, 0, 0, 0, 0

if os.getenv("WRK_STATUSES") == "1" then
   function response(status, headers, body)
      if status == 200 then s200 = s200 + 1
      elseif status == 204 then s204 = s204 + 1
      elseif status >= 500 then s5xx = s5xx + 1
      elseif status >= 400 then s4xx = s4xx + 1
      else sother = sother + 1 end
   end
end

function done(summary, latency, requests)
   if os.getenv("WRK_STATUSES") ~= "1" then
      return
   end
   local t = { s200 = 0, s204 = 0, sother = 0, s4xx = 0, s5xx = 0 }
   for _, thread in ipairs(threads) do
      for k in pairs(t) do t[k] = t[k] + thread:get(k) end
   end
   print(string.format("statuses: 200=%d 204=%d other=%d 4xx=%d 5xx=%d", t.s200, t.s204, t.sother, t.s4xx, t.s5xx))
end
