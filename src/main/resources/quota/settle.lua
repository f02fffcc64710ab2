-- Settles admitted requests with what they really used: each one's reservation is released (if it
-- has not expired already) and the real tokens and cost are spent. The settlements of one budget
-- that a router makes in the same pass of an event loop, for requests admitted in the same minute,
-- come in one call.
-- A budgeted settlement counts once however often it is sent: a router sends again those it did not
-- see acknowledged (Redis was away, or its reply was lost), and each one's bit in the router's
-- settled bitmap says whether it was written already.
-- KEYS: 1 tokens of the minute they were admitted in, 2 nano-USD spent today, 3 this month,
--       4 tokens spent today, 5 held totals and reservations, 6 reservation deadlines,
--       7 the settled bitmap of this router, budget and admission day
-- ARGV: 1 ms a day counter made now is kept, 2 ms a month counter made now is kept (both to a fixed
--       time past the end of their period, so an expiry set when the counter is made is the one it
--       keeps), 3 1 when a budget applies, 4 ms the settled bitmap is kept,
--       then per request: reservation id, real tokens, real nano-USD, estimated tokens, its bit
-- Returns per request, in order: 0 written before (a settlement sent again), 1 written and its
-- reservation released, 2 written but no reservation held (released at its deadline, admitted
-- while the ledger was away, or lost with a master that failed over), 3 written, no budget applies
local function num(value) return tonumber(value or '0') or 0 end
local SHARED, EACH = 4, 5
local count = (#ARGV - SHARED) / EACH
local budgeted = ARGV[3] == '1'
local realTok, realUsd, estTok = 0, 0, 0
local fields, ids, codes, requests = {}, {}, {}, {}
for i = 0, count - 1 do
  local at = SHARED + i * EACH
  codes[i + 1] = 0
  if not budgeted or redis.call('SETBIT', KEYS[7], ARGV[at + 5], 1) == 0 then
    realTok = realTok + num(ARGV[at + 2])
    realUsd = realUsd + num(ARGV[at + 3])
    estTok = estTok + num(ARGV[at + 4])
    codes[i + 1] = 3
    table.insert(ids, ARGV[at + 1])
    table.insert(fields, 'r:' .. ARGV[at + 1])
    table.insert(requests, i + 1)
  end
end
if realTok ~= estTok and redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('INCRBY', KEYS[1], realTok - estTok)
end
if not budgeted or #ids == 0 then return codes end
redis.call('PEXPIRE', KEYS[7], ARGV[4])
-- A reservation still held has both its deadline and its hold; one the next admission released
-- after its deadline has neither, and one admitted while the ledger was away never had them.
local held = redis.call('HMGET', KEYS[5], unpack(fields))
local releaseUsd, releaseTok, released = 0, 0, {}
for i = 1, #fields do
  local hold = held[i]
  codes[requests[i]] = hold and 1 or 2
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
return codes
