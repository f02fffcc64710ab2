-- Adds what one router process served since its last heartbeat to one usage history hash, once:
-- the process numbers its additions and the hash keeps the number of the last one it took from
-- that process, so an addition sent again (its reply was lost, at a Redis failover say) is not
-- added twice. A process sends again, in order, every addition it did not see taken.
-- KEYS: 1 the hash
-- ARGV: 1 the process's field (seq:POD:STARTED), 2 this addition's number, 3 seconds the hash is
--       kept, then per counter: field, amount, and i (an integer) or f (a float)
-- Returns 1 when added, 0 when this addition was taken before
local last = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if tonumber(ARGV[2]) <= last then return 0 end
for i = 4, #ARGV, 3 do
  if ARGV[i + 2] == 'f' then
    redis.call('HINCRBYFLOAT', KEYS[1], ARGV[i], ARGV[i + 1])
  else
    redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1])
  end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1
