import { describe, expect, it } from 'vitest';
import { defaultMinFreeKbytes, zoneWatermarks } from '../../../src/mm/reclaim/watermarks.js';

describe('__setup_per_zone_wmarks', () => {
  it('512 MiB (the trace machine): min_free_kbytes = int_sqrt(524288*16) = 2896', () => {
    expect(defaultMinFreeKbytes(524_288)).toBe(2896);
    // pages_min = 2896/4 = 724; tmp = max(724/4 = 181, 131072*10/10000 = 131) = 181
    expect(zoneWatermarks(131_072, 131_072, 2896)).toEqual({ min: 724, low: 905, high: 1086 });
  });

  it('8 GiB phone: the scale-factor term dominates', () => {
    expect(defaultMinFreeKbytes(8_388_608)).toBe(11_585);
    // min = 2896; tmp = max(724, 2097152*10/10000 = 2097) = 2097
    expect(zoneWatermarks(2_097_152, 2_097_152, 11_585)).toEqual({ min: 2896, low: 4993, high: 7090 });
  });

  it('clamps min_free_kbytes to [128, 262144]', () => {
    expect(defaultMinFreeKbytes(16)).toBe(128);
    expect(defaultMinFreeKbytes(2 ** 40)).toBe(262_144);
  });

  it('splits min over nodes by managed pages and honours watermark_scale_factor', () => {
    // Two equal nodes: each gets half of pages_min (724 → 362); tmp = max(90, 65536*100/10000 = 655)
    expect(zoneWatermarks(65_536, 131_072, 2896, 100)).toEqual({ min: 362, low: 1017, high: 1672 });
  });
});
