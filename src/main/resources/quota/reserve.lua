-- Admits one request against a key's rate limits and its budget, atomically, and holds its
-- estimated tokens and cost until it is settled or its deadline passes (a router that died).
-- KEYS: 1 requests this minute, 2 tokens this minute (both the key's own),
--       3 nano-USD spent today, 4 nano-USD spent this month, 5 tokens spent today,
--       6 held totals and reservations (hash), 7 reservation deadlines (zset),
--       8 this region's allowances today, 9 this month (hashes)   (3-9: the budget's)
-- ARGV: 1 now ms, 2 deadline ms, 3 reservation id, 4 estimated tokens, 5 estimated nano-USD,
--       6 requests/min, 7 tokens/min, 8 nano-USD/day, 9 nano-USD/month, 10 tokens/day
--       (limits: -1 for none), 11 1 when a budget applies, 12 regions sharing the budget
-- A budget shared by several regions is held to this region's allowance: the one the operator
-- set, else an even share.
-- Returns {0, requests left, tokens left} or {n, limit, left} where n names the limit reached:
-- 1 requests/min, 2 tokens/min, 3 USD/day, 4 USD/month, 5 tokens/day.
-- Every admission runs this, so it makes as few calls as it can (each costs Redis about as much as
-- the command it runs): counters are read together, and a minute's counters get their expiry when
-- the minute's first request creates them, to two minutes past the minute's end.
local now = tonumber(ARGV[1])
local budgeted = ARGV[11] == '1'
local function num(value) return tonumber(value or '0') or 0 end

if budgeted then
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[7], '-inf', now, 'LIMIT', 0, 100)) do
    local held = redis.call('HGET', KEYS[6], 'r:' .. id)
    if held then
      local sep = string.find(held, ':', 1, true)
      redis.call('HINCRBY', KEYS[6], 'usd', -num(string.sub(held, 1, sep - 1)))
      redis.call('HINCRBY', KEYS[6], 'tok', -num(string.sub(held, sep + 1)))
      redis.call('HDEL', KEYS[6], 'r:' .. id)
    end
    redis.call('ZREM', KEYS[7], id)
  end
end

local estTok = num(ARGV[4])
local estUsd = num(ARGV[5])
local rpmLimit, tpmLimit = num(ARGV[6]), num(ARGV[7])
local dayLimit, monthLimit, tokDayLimit = num(ARGV[8]), num(ARGV[9]), num(ARGV[10])
local regions = num(ARGV[12])
local function allowance(limit, hash, field)
  if limit < 0 or regions <= 1 then return limit end
  local allowed = redis.call('HGET', hash, field)
  if allowed then return math.min(limit, tonumber(allowed)) end
  return math.floor(limit / regions)
end
local counts
if budgeted then
  counts = redis.call('MGET', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5])
else
  counts = redis.call('MGET', KEYS[1], KEYS[2])
end
local rpm = num(counts[1])
local tpm = num(counts[2])
if rpmLimit >= 0 and rpm + 1 > rpmLimit then return {1, rpmLimit, math.max(0, rpmLimit - rpm)} end
if tpmLimit >= 0 and tpm + estTok > tpmLimit then return {2, tpmLimit, math.max(0, tpmLimit - tpm)} end
if budgeted then
  local held = redis.call('HMGET', KEYS[6], 'usd', 'tok')
  local heldUsd = num(held[1])
  local heldTok = num(held[2])
  local day = num(counts[3]) + heldUsd
  local month = num(counts[4]) + heldUsd
  local tokDay = num(counts[5]) + heldTok
  dayLimit = allowance(dayLimit, KEYS[8], 'usd')
  monthLimit = allowance(monthLimit, KEYS[9], 'usd')
  tokDayLimit = allowance(tokDayLimit, KEYS[8], 'tok')
  if dayLimit >= 0 and day + estUsd > dayLimit then return {3, dayLimit, math.max(0, dayLimit - day)} end
  if monthLimit >= 0 and month + estUsd > monthLimit then return {4, monthLimit, math.max(0, monthLimit - month)} end
  if tokDayLimit >= 0 and tokDay + estTok > tokDayLimit then return {5, tokDayLimit, math.max(0, tokDayLimit - tokDay)} end
  redis.call('HINCRBY', KEYS[6], 'usd', estUsd)
  redis.call('HINCRBY', KEYS[6], 'tok', estTok)
  redis.call('HSET', KEYS[6], 'r:' .. ARGV[3], estUsd .. ':' .. estTok)
  redis.call('ZADD', KEYS[7], ARGV[2], ARGV[3])
  local keep = tonumber(ARGV[2]) - now + 60000
  redis.call('PEXPIRE', KEYS[6], keep)
  redis.call('PEXPIRE', KEYS[7], keep)
end
-- A counter's new value equals what was added when this made it: only then does it need its expiry.
local minuteKeep = 60000 - now % 60000 + 120000
if redis.call('INCR', KEYS[1]) == 1 then redis.call('PEXPIRE', KEYS[1], minuteKeep) end
if redis.call('INCRBY', KEYS[2], estTok) == estTok then redis.call('PEXPIRE', KEYS[2], minuteKeep) end
return {0, rpmLimit - rpm - 1, tpmLimit - tpm - estTok}
