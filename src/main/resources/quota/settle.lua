-- Settles admitted requests with what they really used: each one's reservation is released (if it
-- has not expired already) and the real tokens and cost are spent. The settlements of one budget
-- that a router makes in the same pass of an event loop, for requests admitted in the same minute,
-- come in one call.
-- KEYS: 1 tokens of the minute they were admitted in, 2 nano-USD spent today, 3 this month,
--       4 tokens spent today, 5 held totals and reservations, 6 reservation deadlines
-- ARGV: 1 ms a day counter made now is kept, 2 ms a month counter made now is kept (both to a fixed
--       time past the end of their period, so an expiry set when the counter is made is the one it
--       keeps), 3 1 when a budget applies,
--       then per request: reservation id, real tokens, real nano-USD, estimated tokens
local function num(value) return tonumber(value or '0') or 0 end
local SHARED, EACH = 3, 4
local count = (#ARGV - SHARED) / EACH
local realTok, realUsd, estTok = 0, 0, 0
local fields, ids = {}, {}
for i = 0, count - 1 do
  local at = SHARED + i * EACH
  realTok = realTok + num(ARGV[at + 2])
  realUsd = realUsd + num(ARGV[at + 3])
  estTok = estTok + num(ARGV[at + 4])
  table.insert(ids, ARGV[at + 1])
  table.insert(fields, 'r:' .. ARGV[at + 1])
end
if realTok ~= estTok and redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('INCRBY', KEYS[1], realTok - estTok)
end
if ARGV[3] ~= '1' then return 1 end
-- A reservation still held has both its deadline and its hold; one the next admission released
-- after its deadline has neither.
local held = redis.call('HMGET', KEYS[5], unpack(fields))
local releaseUsd, releaseTok, released = 0, 0, {}
for i, hold in ipairs(held) do
  if hold then
    local sep = string.find(hold, ':', 1, true)
    releaseUsd = releaseUsd + num(string.sub(hold, 1, sep - 1))
    releaseTok = releaseTok + num(string.sub(hold, sep + 1))
    table.insert(released, fields[i])
  end
end
if #released > 0 then
  redis.call('HINCRBY', KEYS[5], 'usd', -releaseUsd)
  redis.call('HINCRBY', KEYS[5], 'tok', -releaseTok)
  redis.call('HDEL', KEYS[5], unpack(released))
end
redis.call('ZREM', KEYS[6], unpack(ids))
-- A counter's new value equals what was added when the counter was just made (or was 0): only then
-- does it need its expiry.
local function spend(key, amount, keep)
  if redis.call('INCRBY', key, amount) == amount then redis.call('PEXPIRE', key, keep) end
end
spend(KEYS[2], realUsd, ARGV[1])
spend(KEYS[3], realUsd, ARGV[2])
spend(KEYS[4], realTok, ARGV[1])
return 1
