-- POST a sign-up with a unique email per request; count the answers that mean
-- "stored" (BENCH_OK, e.g. 302 for the form, 202 for the API) and the others.
-- args: path, body template with EMAIL in it, content type, ok status, run tag
local threads = {}
local counter = 0

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  path, template, ctype, okstatus, tag = args[1], args[2], args[3], tonumber(args[4]), args[5]
  ok, other = 0, 0
  headers = {
    ["Content-Type"] = ctype,
    ["Sec-Fetch-Site"] = "same-origin",
  }
end

function request()
  counter = counter + 1
  local email = string.format("%s-%d-%d@bench.example", tag, tid, counter)
  local body = string.gsub(template, "EMAIL", email)
  return wrk.format("POST", path, headers, body)
end

function response(status, headers, body)
  if status == okstatus then ok = ok + 1 else other = other + 1 end
end

function done(summary, latency, requests)
  local total_ok, total_other = 0, 0
  for _, thread in ipairs(threads) do
    total_ok = total_ok + thread:get("ok")
    total_other = total_other + thread:get("other")
  end
  io.write(string.format("BENCH ok=%d other=%d\n", total_ok, total_other))
end
