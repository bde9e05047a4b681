-- serve_replay.lua: wrk script of bench/serve_load.sh's second phase: POSTs one check-in the
-- server has already taken (the first record of FILE) again and again. Each is answered 409
-- (replay) after the whole read path (decode, device look-up, Ed25519 verify, counter check) but
-- writes nothing: the difference to the first phase is what the write costs.
-- usage: wrk -t N -c N -d D -s serve_replay.lua URL -- FILE

function init(args)
   local f = assert(io.open(args[1], "rb"))
   local data = f:read("*a")
   f:close()
   local len = data:byte(1) * 256 + data:byte(2)
   wrk.method = "POST"
   wrk.path = "/api/v1/checkin"
   wrk.headers["Content-Type"] = "application/cbor"
   wrk.body = data:sub(3, 2 + len)
   n409, nother = 0, 0
end

function response(status, headers, body)
   if status == 409 then
      n409 = n409 + 1
   else
      nother = nother + 1
   end
end

local threads = {}
function setup(thread)
   table.insert(threads, thread)
end

function done(summary, latency, requests)
   local a, b = 0, 0
   for _, t in ipairs(threads) do
      a = a + (t:get("n409") or 0)
      b = b + (t:get("nother") or 0)
   end
   io.write(string.format("REPLAY answered409=%d answered_other=%d replays_per_s=%.0f "
                          .. "p50_ms=%.2f p99_ms=%.2f\n", a, b, a / (summary.duration / 1e6),
                          latency:percentile(50) / 1e3, latency:percentile(99) / 1e3))
end
