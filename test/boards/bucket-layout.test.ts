import { describe, expect, it } from 'vitest';
import { bucketOf, checkLayout, evenBounds, MAX_BUCKETS } from '../../src/modules/leaderboards/bucketed/index.js';

describe('bucket layouts', () => {
  it('puts a sort score equal to a bound in the worse bucket, and everything below the first bound in bucket 0', () => {
    const layout = checkLayout({ bounds: [-50, 0, 50], userShards: 4 });
    expect([-1e15, -51, -50, -1, 0, 49, 50, 1e15].map((score) => bucketOf(layout, score))).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
  });

  it('refuses bounds that are not strictly ascending safe integers, too many buckets, and bad shard counts', () => {
    expect(() => checkLayout({ bounds: [], userShards: 1 })).toThrow(RangeError);
    expect(() => checkLayout({ bounds: [5, 5], userShards: 1 })).toThrow(/ascending/);
    expect(() => checkLayout({ bounds: [1.5], userShards: 1 })).toThrow(/safe integer/);
    expect(() => checkLayout({ bounds: Array.from({ length: MAX_BUCKETS }, (_unused, index) => index), userShards: 1 })).toThrow(/buckets/);
    expect(() => checkLayout({ bounds: [0], userShards: 0 })).toThrow(/userShards/);
    expect(checkLayout({ bounds: Array.from({ length: MAX_BUCKETS - 1 }, (_unused, index) => index), userShards: 1024 }).bounds).toHaveLength(MAX_BUCKETS - 1);
  });

  it('cuts a sort-score range into equal buckets', () => {
    expect(evenBounds(-100, 0, 4)).toEqual([-75, -50, -25]);
    expect(() => evenBounds(0, 0, 4)).toThrow(RangeError);
  });
});
