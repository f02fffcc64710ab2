-- Admits requests against a key's rate limits and its budget, atomically, and holds each admitted
-- one's estimated tokens and cost until it is settled or its deadline passes (a router that died).
-- The requests of one key that a router reads in the same pass of an event loop come in one call:
-- each is decided in turn, as if each had its own call, and the counters are written once for all.
-- KEYS: 1 requests this minute, 2 tokens this minute (both the key's own),
--       3 nano-USD spent today, 4 nano-USD spent this month, 5 tokens spent today,
--       6 held totals and reservations (hash), 7 reservation deadlines (zset),
--       8 this region's allowances today, 9 this month (hashes)   (3-9: the budget's)
-- ARGV: 1 requests/min, 2 tokens/min, 3 nano-USD/day, 4 nano-USD/month, 5 tokens/day
--       (limits: -1 for none), 6 1 when a budget applies, 7 regions sharing the budget,
--       then per request: now ms, deadline ms, reservation id, estimated tokens, estimated nano-USD
-- A budget shared by several regions is held to this region's allowance: the one the operator
-- set, else an even share.
-- Returns per request, in order: {0, requests left, tokens left} or {n, limit, left} where n names
-- the limit reached: 1 requests/min, 2 tokens/min, 3 USD/day, 4 USD/month, 5 tokens/day.
-- Every admission runs this, so it makes as few calls as it can (each costs Redis about as much as
-- the command it runs): counters are read together, and a minute's counters get their expiry when
-- the minute's first request creates them, to two minutes past the minute's end.
local function num(value) return tonumber(value or '0') or 0 end
local SHARED, EACH = 7, 5
local count = (#ARGV - SHARED) / EACH
local budgeted = ARGV[6] == '1'
local now, latest = num(ARGV[SHARED + 1]), 0
for i = 0, count - 1 do latest = math.max(latest, num(ARGV[SHARED + i * EACH + 1])) end

if budgeted then
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[7], '-inf', latest, 'LIMIT', 0, 100)) do
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

local rpmLimit, tpmLimit = num(ARGV[1]), num(ARGV[2])
local dayLimit, monthLimit, tokDayLimit = num(ARGV[3]), num(ARGV[4]), num(ARGV[5])
local regions = num(ARGV[7])
local function allowance(limit, hash, field)
  if limit < 0 or regions <= 1 then return limit end
  local allowed = redis.call('HGET', hash, field)
  if allowed then return math.min(limit, tonumber(allowed)) end
  return math.floor(limit / regions)
end
local counts
local spentDay, spentMonth, spentTokDay, heldUsd, heldTok = 0, 0, 0, 0, 0
if budgeted then
  counts = redis.call('MGET', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5])
  local held = redis.call('HMGET', KEYS[6], 'usd', 'tok')
  spentDay, spentMonth, spentTokDay = num(counts[3]), num(counts[4]), num(counts[5])
  heldUsd, heldTok = num(held[1]), num(held[2])
  dayLimit = allowance(dayLimit, KEYS[8], 'usd')
  monthLimit = allowance(monthLimit, KEYS[9], 'usd')
  tokDayLimit = allowance(tokDayLimit, KEYS[8], 'tok')
else
  counts = redis.call('MGET', KEYS[1], KEYS[2])
end
local rpm, tpm = num(counts[1]), num(counts[2])

local results, holds, deadlines = {}, {}, {}
local admitted, addTok, addUsd, keep = 0, 0, 0, 0
for i = 0, count - 1 do
  local at = SHARED + i * EACH
  local id, estTok, estUsd = ARGV[at + 3], num(ARGV[at + 4]), num(ARGV[at + 5])
  local day, month, tokDay = spentDay + heldUsd, spentMonth + heldUsd, spentTokDay + heldTok
  local verdict
  if rpmLimit >= 0 and rpm + 1 > rpmLimit then
    verdict = {1, rpmLimit, math.max(0, rpmLimit - rpm)}
  elseif tpmLimit >= 0 and tpm + estTok > tpmLimit then
    verdict = {2, tpmLimit, math.max(0, tpmLimit - tpm)}
  elseif budgeted and dayLimit >= 0 and day + estUsd > dayLimit then
    verdict = {3, dayLimit, math.max(0, dayLimit - day)}
  elseif budgeted and monthLimit >= 0 and month + estUsd > monthLimit then
    verdict = {4, monthLimit, math.max(0, monthLimit - month)}
  elseif budgeted and tokDayLimit >= 0 and tokDay + estTok > tokDayLimit then
    verdict = {5, tokDayLimit, math.max(0, tokDayLimit - tokDay)}
  else
    verdict = {0, rpmLimit - rpm - 1, tpmLimit - tpm - estTok}
    rpm, tpm = rpm + 1, tpm + estTok
    admitted, addTok = admitted + 1, addTok + estTok
    if budgeted then
      heldUsd, heldTok, addUsd = heldUsd + estUsd, heldTok + estTok, addUsd + estUsd
      table.insert(holds, 'r:' .. id)
      table.insert(holds, estUsd .. ':' .. estTok)
      table.insert(deadlines, ARGV[at + 2])
      table.insert(deadlines, id)
      keep = math.max(keep, num(ARGV[at + 2]) - num(ARGV[at + 1]) + 60000)
    end
  end
  for _, value in ipairs(verdict) do table.insert(results, value) end
end

if admitted > 0 then
  if budgeted then
    redis.call('HINCRBY', KEYS[6], 'usd', addUsd)
    redis.call('HINCRBY', KEYS[6], 'tok', addTok)
    redis.call('HSET', KEYS[6], unpack(holds))
    redis.call('ZADD', KEYS[7], unpack(deadlines))
    redis.call('PEXPIRE', KEYS[6], keep)
    redis.call('PEXPIRE', KEYS[7], keep)
  end
  -- A counter's new value equals what was added when this made it: only then does it need its
  -- expiry.
  local minuteKeep = 60000 - now % 60000 + 120000
  if redis.call('INCRBY', KEYS[1], admitted) == admitted then
    redis.call('PEXPIRE', KEYS[1], minuteKeep)
  end
  if redis.call('INCRBY', KEYS[2], addTok) == addTok then
    redis.call('PEXPIRE', KEYS[2], minuteKeep)
  end
end
return results
