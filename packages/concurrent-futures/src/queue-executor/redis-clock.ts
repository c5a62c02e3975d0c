// Redis's clock, in a script: the one clock that every worker and every status reader share,
// where the hosts' own clocks may be hours apart. An ACL may refuse TIME (it is in no category
// a queue's user needs, such as @read or @write); the script then takes the caller's clock,
// given as an argument, rather than fail.

/** Lua that sets `now` (ms since the epoch) from TIME, or from the argument ARGV[<arg>]. */
export function luaRedisNow(arg: number): string {
  return `
local now = tonumber(ARGV[${arg}])
local time = redis.pcall('TIME')
if type(time) == 'table' and time[1] then
  now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end
`;
}
