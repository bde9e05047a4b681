-- serve_load.lua: wrk script of bench/serve_load.sh. POSTs the pre-signed check-ins of FILE
-- (records: two bytes of big-endian length, then the bytes) to /api/v1/checkin as
-- application/cbor, each exactly once across wrk's threads: thread K of N sends records K, K+N,
-- K+2N, ... Run it with one connection per thread (-c N -t N): a thread then has at most one
-- request in flight and stops once its last check-in is answered; when wrk's duration ends first,
-- a check-in sent but not answered is counted as in flight (the server may have taken it). The
-- response hook counts the answers by status; done() prints them with the latency percentiles.
-- usage: wrk -t N -c C -d D -s serve_load.lua URL -- FILE N

-- a monotonic clock (wrk's LuaJIT FFI): when each thread sent its first check-in and had its
-- last one answered, so that the rate is over the time the check-ins took, not wrk's duration
local ffi = require("ffi")
ffi.cdef [[
struct load_timespec { long tv_sec; long tv_nsec; };
int clock_gettime(int clk, struct load_timespec *ts);
]]
local ts = ffi.new("struct load_timespec")
local function now()
   ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
   return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) / 1e9
end

local threads = {}
local counter = 0

function setup(thread)
   thread:set("tid", counter)
   counter = counter + 1
   table.insert(threads, thread)
end

local reqs = {}
local next_req = 1
local spare

function init(args)
   local path, n = args[1], tonumber(args[2])
   local f = assert(io.open(path, "rb"))
   local data = f:read("*a")
   f:close()
   local pos, k = 1, 0
   local headers = { ["Content-Type"] = "application/cbor" }
   while pos + 1 <= #data do
      local len = data:byte(pos) * 256 + data:byte(pos + 1)
      if k % n == tid then
         reqs[#reqs + 1] = wrk.format("POST", "/api/v1/checkin", headers,
                                      data:sub(pos + 2, pos + 1 + len))
      end
      pos = pos + 2 + len
      k = k + 1
   end
   -- what a connection sends once the thread's share is gone (not a check-in: counted apart)
   spare = wrk.format("GET", "/api/v1/load-test-exhausted")
   share = #reqs
   sent = 0
   extra = 0
   answered = 0
   spare_answers = 0
   outstanding_spare = false
   st200, st409, st4xx, st5xx, stother = 0, 0, 0, 0, 0
end

function request()
   if tid == 0 and not verified then
      -- wrk calls thread 0's request() once before the run to count pipelined requests
      -- (script_verify_request); that one is never sent, so it does not use up a record
      verified = true
      return reqs[1] or spare
   end
   if next_req <= share then
      if next_req == 1 then
         t_first = now()
      end
      t_last = now()
      local r = reqs[next_req]
      reqs[next_req] = nil
      next_req = next_req + 1
      sent = sent + 1
      return r
   end
   extra = extra + 1
   outstanding_spare = true
   return spare
end

function response(status, headers, body)
   if outstanding_spare then
      -- the answer to a spare request (one connection per thread: answers come in order)
      outstanding_spare = false
      spare_answers = spare_answers + 1
      return
   end
   answered = answered + 1
   t_last = now()
   if status == 200 then
      st200 = st200 + 1
   elseif status == 409 then
      st409 = st409 + 1
   elseif status >= 500 then
      st5xx = st5xx + 1
   elseif status >= 400 then
      st4xx = st4xx + 1
   else
      stother = stother + 1
   end
   if answered >= share then
      wrk.thread:stop()
   end
end

function done(summary, latency, requests)
   local t = { sent = 0, st200 = 0, st409 = 0, st4xx = 0, st5xx = 0, stother = 0, share = 0,
               extra = 0, answered = 0 }
   for _, thread in ipairs(threads) do
      for k, _ in pairs(t) do
         t[k] = t[k] + (thread:get(k) or 0)
      end
   end
   local secs = summary.duration / 1e6
   -- the check-ins' own span: first sent to last answered over all threads
   local t0, t1
   for _, thread in ipairs(threads) do
      local a, b = thread:get("t_first"), thread:get("t_last")
      if a and (not t0 or a < t0) then t0 = a end
      if b and (not t1 or b > t1) then t1 = b end
   end
   local span = (t0 and t1 and t1 > t0) and (t1 - t0) or secs
   io.write(string.format("LOAD sent=%d share=%d answered200=%d answered409=%d answered4xx=%d "
                          .. "answered5xx=%d answered_other=%d in_flight=%d "
                          .. "spare_requests=%d socket_errors=%d timeouts=%d seconds=%.2f\n",
                          t.sent, t.share, t.st200, t.st409, t.st4xx, t.st5xx, t.stother,
                          t.sent - t.answered, t.extra,
                          summary.errors.connect + summary.errors.read + summary.errors.write,
                          summary.errors.timeout, secs))
   io.write(string.format("LOAD checkins_per_s=%.0f span_s=%.2f\n", t.st200 / span, span))
   io.write(string.format("LOAD latency_ms p50=%.2f p90=%.2f p99=%.2f p99.9=%.2f max=%.2f\n",
                          latency:percentile(50) / 1e3, latency:percentile(90) / 1e3,
                          latency:percentile(99) / 1e3, latency:percentile(99.9) / 1e3,
                          latency.max / 1e3))
end
