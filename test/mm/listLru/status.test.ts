import { describe, expect, it } from 'vitest';
import {
  LRU_STATUSES,
  LruStatus,
  isRemoved,
  lruStatusName,
  type LruStatus as LruStatusT,
} from '../../../src/mm/listLru/index.js';

describe('lru_status', () => {
  it('has the kernel’s six members in declaration order', () => {
    expect(LRU_STATUSES.map(lruStatusName)).toEqual([
      'LRU_REMOVED',
      'LRU_REMOVED_RETRY',
      'LRU_ROTATE',
      'LRU_SKIP',
      'LRU_RETRY',
      'LRU_STOP',
    ]);
    expect(LRU_STATUSES).toEqual([0, 1, 2, 3, 4, 5]);
    expect(LruStatus.LRU_STOP).toBe(5);
  });

  it('only REMOVED and REMOVED_RETRY count as isolated', () => {
    expect(LRU_STATUSES.filter(isRemoved).map(lruStatusName)).toEqual(['LRU_REMOVED', 'LRU_REMOVED_RETRY']);
  });

  it('rejects values that are not statuses, at run time and at compile time', () => {
    expect(() => lruStatusName(6 as LruStatusT)).toThrow(RangeError);
    // @ts-expect-error 6 is not an lru_status
    const bad: LruStatusT = 6;
    expect(bad).toBe(6);
  });
});
