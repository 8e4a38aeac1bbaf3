/**
 * `shrinksim merge DIR… [--json F] [--csv F] [--html F]`: the shards of a sweep (directories holding
 * shard-*.json, or the files) joined into exactly the unsharded sweep's outputs.
 */
import type { MergeArgs } from '../parse.js';
import { mergeShards, shardFiles } from '../../sweep/shard.js';
import { writeSweepOutputs } from './sweep.js';

export function mergeCommand(args: MergeArgs): number {
  const { meta, rows } = mergeShards(shardFiles(args.inputs));
  writeSweepOutputs(meta, rows, args);
  return 0;
}
