-- Settles one admitted request with what it really used: its reservation is released (if it has
-- not expired already) and the real tokens and cost are spent.
-- KEYS: 1 tokens of the minute it was admitted in, 2 nano-USD spent today, 3 this month,
--       4 tokens spent today, 5 held totals and reservations, 6 reservation deadlines
-- ARGV: 1 reservation id, 2 real tokens, 3 real nano-USD, 4 estimated tokens,
--       5 ms a day counter made now is kept, 6 ms a month counter made now is kept (both to a fixed
--       time past the end of their period, so an expiry set when the counter is made is the one it
--       keeps), 7 1 when a budget applies
local function num(value) return tonumber(value or '0') or 0 end
local realTok, realUsd, estTok = num(ARGV[2]), num(ARGV[3]), num(ARGV[4])
if realTok ~= estTok and redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('INCRBY', KEYS[1], realTok - estTok)
end
if ARGV[7] ~= '1' then return 1 end
if redis.call('ZREM', KEYS[6], ARGV[1]) == 1 then
  local held = redis.call('HGET', KEYS[5], 'r:' .. ARGV[1])
  if held then
    local sep = string.find(held, ':', 1, true)
    redis.call('HINCRBY', KEYS[5], 'usd', -num(string.sub(held, 1, sep - 1)))
    redis.call('HINCRBY', KEYS[5], 'tok', -num(string.sub(held, sep + 1)))
    redis.call('HDEL', KEYS[5], 'r:' .. ARGV[1])
  end
end
-- A counter's new value equals what was added when the counter was just made (or was 0): only then
-- does it need its expiry.
local function spend(key, amount, keep)
  if redis.call('INCRBY', key, amount) == amount then redis.call('PEXPIRE', key, keep) end
end
spend(KEYS[2], realUsd, ARGV[5])
spend(KEYS[3], realUsd, ARGV[6])
spend(KEYS[4], realTok, ARGV[5])
return 1
