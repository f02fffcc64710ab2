-- Reads or sets one region's allowance of one budget for one period. A new allowance is never
-- below what the region has spent and holds, so lowering it cannot take back what was used, and the
-- operator learns exactly what it freed. A raise names the allowance it raises from and is made
-- only while that is still the one in force, so a raise sent again (its reply was lost, say, with a
-- master that failed over after its replica had it) is made once.
-- KEYS: 1 the region's allowances for the period (hash), 2 what the period spent, 3 held totals
-- ARGV: 1 field (usd | tok), 2 the allowance in force when the field is unset (an even share),
--       3 read | set | raise, 4 nano-USD or tokens to set or raise to, 5 ms the hash is kept,
--       6 (raise) the allowance it raises from
-- Returns {allowance in force, spent and held}
local function num(value) return tonumber(value or '0') or 0 end
local current = redis.call('HGET', KEYS[1], ARGV[1])
current = current and num(current) or num(ARGV[2])
local used = num(redis.call('GET', KEYS[2])) + num(redis.call('HGET', KEYS[3], ARGV[1]))
if ARGV[3] == 'read' then return {current, used} end
if ARGV[3] == 'raise' and current ~= num(ARGV[6]) then return {current, used} end
local wanted = num(ARGV[4])
local allowance = math.max(wanted, used)
redis.call('HSET', KEYS[1], ARGV[1], string.format('%.0f', allowance))
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return {allowance, used}
