/**
 * GFP flags: the bit values that matter for reclaim, the composite names, and the
 * renderer/parser of the `show_gfp_flags()` text that tracepoints print.
 *
 * Bit layout of include/linux/gfp_types.h as in 6.12 (the traces in shared/traces come from
 * it). 6.1 differs in one place that shows in traces: it still has `___GFP_ATOMIC` (bit 9),
 * which is part of GFP_ATOMIC there, and its GFP_NOWAIT has no __GFP_NOWARN.
 */

/** A gfp mask; the low 26 bits are all the kernel uses, so a JS number is exact. */
export type GfpMask = number & { readonly __brand: 'gfp_t' };

export const gfp = (n: number): GfpMask => (n >>> 0) as GfpMask;

const bit = (n: number): GfpMask => gfp(1 << n);

export const __GFP_DMA = bit(0);
export const __GFP_HIGHMEM = bit(1);
export const __GFP_DMA32 = bit(2);
export const __GFP_MOVABLE = bit(3);
export const __GFP_RECLAIMABLE = bit(4);
export const __GFP_HIGH = bit(5);
export const __GFP_IO = bit(6);
export const __GFP_FS = bit(7);
export const __GFP_ZERO = bit(8);
/** 6.1 only (removed in 6.4); kept so 6.1 masks can be rendered. */
export const __GFP_ATOMIC_61 = bit(9);
export const __GFP_DIRECT_RECLAIM = bit(10);
export const __GFP_KSWAPD_RECLAIM = bit(11);
export const __GFP_WRITE = bit(12);
export const __GFP_NOWARN = bit(13);
export const __GFP_RETRY_MAYFAIL = bit(14);
export const __GFP_NOFAIL = bit(15);
export const __GFP_NORETRY = bit(16);
export const __GFP_MEMALLOC = bit(17);
export const __GFP_COMP = bit(18);
export const __GFP_NOMEMALLOC = bit(19);
export const __GFP_HARDWALL = bit(20);
export const __GFP_THISNODE = bit(21);
export const __GFP_ACCOUNT = bit(22);
export const __GFP_ZEROTAGS = bit(23);

const or = (...m: number[]): GfpMask => gfp(m.reduce((a, b) => a | b, 0));

export const __GFP_RECLAIM = or(__GFP_DIRECT_RECLAIM, __GFP_KSWAPD_RECLAIM);
export const GFP_ATOMIC = or(__GFP_HIGH, __GFP_KSWAPD_RECLAIM);
export const GFP_KERNEL = or(__GFP_RECLAIM, __GFP_IO, __GFP_FS);
export const GFP_KERNEL_ACCOUNT = or(GFP_KERNEL, __GFP_ACCOUNT);
export const GFP_NOWAIT = or(__GFP_KSWAPD_RECLAIM, __GFP_NOWARN);
export const GFP_NOIO = __GFP_RECLAIM;
export const GFP_NOFS = or(__GFP_RECLAIM, __GFP_IO);
export const GFP_USER = or(__GFP_RECLAIM, __GFP_IO, __GFP_FS, __GFP_HARDWALL);
export const GFP_DMA = __GFP_DMA;
export const GFP_DMA32 = __GFP_DMA32;
export const GFP_HIGHUSER = or(GFP_USER, __GFP_HIGHMEM);
export const GFP_HIGHUSER_MOVABLE = or(GFP_HIGHUSER, __GFP_MOVABLE);
export const GFP_TRANSHUGE_LIGHT = gfp(
  or(GFP_HIGHUSER_MOVABLE, __GFP_COMP, __GFP_NOMEMALLOC, __GFP_NOWARN) & ~__GFP_RECLAIM,
);
export const GFP_TRANSHUGE = or(GFP_TRANSHUGE_LIGHT, __GFP_DIRECT_RECLAIM);
/** What the reclaim core copies from the caller (mm/internal.h GFP_RECLAIM_MASK). */
export const GFP_RECLAIM_MASK = or(
  __GFP_RECLAIM, __GFP_HIGH, __GFP_IO, __GFP_FS, __GFP_NOWARN, __GFP_RETRY_MAYFAIL,
  __GFP_NOFAIL, __GFP_NORETRY, __GFP_MEMALLOC, __GFP_NOMEMALLOC,
);

export type GfpProfile = '6.1' | '6.12';

type FlagName = readonly [mask: number, name: string];

/**
 * The `__def_gfpflag_names` table, in the kernel's order: composites first, so that the
 * first matching composite swallows its bits (that is why 0xcc0 prints as GFP_KERNEL).
 */
function flagTable(profile: GfpProfile): readonly FlagName[] {
  const atomic = profile === '6.1' ? or(GFP_ATOMIC, __GFP_ATOMIC_61) : GFP_ATOMIC;
  const nowait = profile === '6.1' ? __GFP_KSWAPD_RECLAIM : GFP_NOWAIT;
  const table: FlagName[] = [
    [GFP_TRANSHUGE, 'GFP_TRANSHUGE'],
    [GFP_TRANSHUGE_LIGHT, 'GFP_TRANSHUGE_LIGHT'],
    [GFP_HIGHUSER_MOVABLE, 'GFP_HIGHUSER_MOVABLE'],
    [GFP_HIGHUSER, 'GFP_HIGHUSER'],
    [GFP_USER, 'GFP_USER'],
    [GFP_KERNEL_ACCOUNT, 'GFP_KERNEL_ACCOUNT'],
    [GFP_KERNEL, 'GFP_KERNEL'],
    [GFP_NOFS, 'GFP_NOFS'],
    [atomic, 'GFP_ATOMIC'],
    [GFP_NOIO, 'GFP_NOIO'],
    [nowait, 'GFP_NOWAIT'],
    [GFP_DMA, 'GFP_DMA'],
    [__GFP_HIGHMEM, '__GFP_HIGHMEM'],
    [GFP_DMA32, 'GFP_DMA32'],
    [__GFP_HIGH, '__GFP_HIGH'],
  ];
  if (profile === '6.1') table.push([__GFP_ATOMIC_61, '__GFP_ATOMIC']);
  table.push(
    [__GFP_IO, '__GFP_IO'],
    [__GFP_FS, '__GFP_FS'],
    [__GFP_NOWARN, '__GFP_NOWARN'],
    [__GFP_RETRY_MAYFAIL, '__GFP_RETRY_MAYFAIL'],
    [__GFP_NOFAIL, '__GFP_NOFAIL'],
    [__GFP_NORETRY, '__GFP_NORETRY'],
    [__GFP_COMP, '__GFP_COMP'],
    [__GFP_ZERO, '__GFP_ZERO'],
    [__GFP_NOMEMALLOC, '__GFP_NOMEMALLOC'],
    [__GFP_MEMALLOC, '__GFP_MEMALLOC'],
    [__GFP_HARDWALL, '__GFP_HARDWALL'],
    [__GFP_THISNODE, '__GFP_THISNODE'],
    [__GFP_RECLAIMABLE, '__GFP_RECLAIMABLE'],
    [__GFP_MOVABLE, '__GFP_MOVABLE'],
    [__GFP_ACCOUNT, '__GFP_ACCOUNT'],
    [__GFP_WRITE, '__GFP_WRITE'],
    [__GFP_RECLAIM, '__GFP_RECLAIM'],
    [__GFP_DIRECT_RECLAIM, '__GFP_DIRECT_RECLAIM'],
    [__GFP_KSWAPD_RECLAIM, '__GFP_KSWAPD_RECLAIM'],
    [__GFP_ZEROTAGS, '__GFP_ZEROTAGS'],
  );
  return table;
}

const TABLES: Record<GfpProfile, readonly FlagName[]> = {
  '6.1': flagTable('6.1'),
  '6.12': flagTable('6.12'),
};

/**
 * Renders a mask as the kernel's `show_gfp_flags()` (via `__print_flags`) does: 0 is
 * `none`; table entries are taken in order when all their bits are present, each one
 * clearing its bits; leftover bits print as one `0x…` hex value.
 */
export function formatGfp(mask: GfpMask | number, profile: GfpProfile = '6.12'): string {
  let flags = mask >>> 0;
  if (flags === 0) return 'none';
  const parts: string[] = [];
  for (const [m, name] of TABLES[profile]) {
    if (flags === 0) break;
    if ((flags & m) !== m) continue;
    parts.push(name);
    flags = (flags & ~m) >>> 0;
  }
  if (flags !== 0) parts.push(`0x${flags.toString(16)}`);
  return parts.join('|');
}

/** The inverse of {@link formatGfp}: `GFP_KERNEL|__GFP_ZERO`, `none`, `0xcc0`, `0x10`. */
export function parseGfp(text: string, profile: GfpProfile = '6.12'): GfpMask | undefined {
  const t = text.trim();
  if (t === 'none') return gfp(0);
  let mask = 0;
  for (const part of t.split('|')) {
    const p = part.trim();
    if (/^0x[0-9a-fA-F]+$/.test(p)) {
      mask |= Number.parseInt(p, 16);
      continue;
    }
    const hit = TABLES[profile].find(([, name]) => name === p);
    if (!hit) return undefined;
    mask |= hit[0];
  }
  return gfp(mask);
}

/** Names a scenario may use for a mask (composites and single flags). */
export function gfpNames(profile: GfpProfile = '6.12'): string[] {
  return TABLES[profile].map(([, n]) => n);
}

/** May a shrinker recurse into the filesystem? (`__GFP_FS`; Rust: `reclaim_fs_allowed`) */
export const reclaimFsAllowed = (mask: GfpMask): boolean => (mask & __GFP_FS) !== 0;
/** May a shrinker issue IO? (`__GFP_IO`; Rust: `reclaim_io_allowed`) */
export const reclaimIoAllowed = (mask: GfpMask): boolean => (mask & __GFP_IO) !== 0;

/**
 * `current_gfp_context()`: a memalloc_noio scope strips __GFP_IO and __GFP_FS, a nofs scope
 * strips __GFP_FS.
 */
export function currentGfpContext(mask: GfpMask, scope: 'none' | 'nofs' | 'noio'): GfpMask {
  if (scope === 'noio') return gfp(mask & ~(__GFP_IO | __GFP_FS));
  if (scope === 'nofs') return gfp(mask & ~__GFP_FS);
  return mask;
}
