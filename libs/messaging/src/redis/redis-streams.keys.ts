/**
 * Key naming of the Redis Streams transport. Every key starts with a configurable prefix so
 * several deployments (or test runs) can share one Redis.
 *
 * - `{prefix}commands:{shard}`      commands for one engine shard (one consumer group: that shard's)
 * - `{prefix}ticks`                 price ticks from the feed, shared by all shards (one group per shard)
 * - `{prefix}replies:{instanceId}`  replies for one API instance, read with plain XREAD
 *
 * XREADGROUP takes a single group name for all the streams it reads, so a shard uses the same
 * group name on its command stream and on the tick stream: `engine-shard-{shard}`.
 *
 * Not Redis Cluster ready: a shard reads its command stream and the shared tick stream in one
 * XREADGROUP, which needs both keys in the same hash slot.
 */
export const DEFAULT_KEY_PREFIX = 'ts:';

export interface RedisStreamKeys {
  readonly prefix: string;
  commands(shard: number): string;
  ticks(): string;
  replies(instanceId: string): string;
  /** The consumer group of one shard, on its command stream and on the tick stream. */
  engineGroup(shard: number): string;
}

export function redisStreamKeys(prefix: string = DEFAULT_KEY_PREFIX): RedisStreamKeys {
  return {
    prefix,
    commands: (shard) => `${prefix}commands:${checkShard(shard)}`,
    ticks: () => `${prefix}ticks`,
    replies: (instanceId) => {
      if (!instanceId) throw new Error('A reply stream needs a non-empty instance id');
      return `${prefix}replies:${instanceId}`;
    },
    engineGroup: (shard) => `engine-shard-${checkShard(shard)}`,
  };
}

function checkShard(shard: number): number {
  if (!Number.isSafeInteger(shard) || shard < 0) throw new Error(`Not a shard number: ${shard}`);
  return shard;
}
