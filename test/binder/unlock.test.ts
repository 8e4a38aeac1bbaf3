/**
 * The `unlock: {proc, lock, task?}` step: the script's holder releases a lock before its `hold`
 * ran out, so a shrink right after it is no longer skipped; unlocking what the holder does not
 * hold is an error value and the run goes on. Both through applyBinderStep and a whole run.
 */
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { applyBinderStep, createBinderSystem, parseBinderStep, type StepOutcome } from '../../src/binder/index.js';
import { SimLock } from '../../src/mm/locks.js';
import { loadScenarioText } from '../../src/scenario/load.js';
import { runScenario } from '../../src/sim/run.js';
import { isUserError } from '../../src/util/errors.js';

/** Runs YAML steps at simulated time 0 (plus `advance`); returns every step's outcome. */
function script(procs: unknown, yamlSteps: string): StepOutcome[] {
  const system = createBinderSystem({ procs } as never);
  const out: StepOutcome[] = [];
  let now = 0;
  for (const raw of parseYaml(yamlSteps) as Record<string, unknown>[]) {
    if ('advance' in raw) {
      now += Number((raw['advance'] as { by: number }).by);
      continue;
    }
    out.push(applyBinderStep(system, parseBinderStep(raw), now));
  }
  return out;
}

const C = [{ name: 'a', mmap: '16KiB', driver: 'c' }];
const RUST = [{ name: 'a', mmap: '16KiB', driver: 'rust' }];
/** Two pages of `a` onto the LRU (an 8 KiB buffer allocated and freed). */
const FILL = `
- alloc: { proc: a, buffer: x, data: 8192 }
- free: { proc: a, buffer: x }
`;
const detail = (o: StepOutcome | undefined) => (o && o.ok ? o.detail : o);

describe('SimLock.release', () => {
  it('cuts the holder\'s active hold short at t; other tasks\' holds stay', () => {
    const l = new SimLock('l', 'rwsem');
    l.hold('w', 'write', 0, 1000);
    l.hold('r', 'read', 0, 1000);
    expect(l.release('w', 400)).toBe(1);
    // The reader still holds it: a read trylock passes, a write trylock fails against 'r'.
    expect(l.tryRead(400).ok).toBe(true);
    const t = l.tryLock(400);
    expect(t.ok === false && t.heldBy.task).toBe('r');
    expect(l.release('w', 400)).toBe(0); // already released
    expect(l.release('r', 1000)).toBe(0); // the hold [0, 1000) has ended at 1000
  });
});

describe('unlock step (C driver)', () => {
  for (const [lock, reason] of [
    ['mmap', 'mmap_lock'],
    ['alloc', 'alloc_lock'],
  ] as const) {
    it(`${lock}: skipped while held, freed by a shrink right after the unlock (same instant)`, () => {
      const o = script(
        C,
        `${FILL}
- lock: { proc: a, lock: ${lock}, hold: 1s }
- shrink: { nr: all }
- unlock: { proc: a, lock: ${lock} }
- shrink: { nr: all }`,
      );
      // Held: both LRU pages visited and skipped, one walk frees nothing.
      expect(detail(o[3])).toEqual({ freed: 0, walks: 1, skipped: { [reason]: 2 } });
      expect(o[4]).toEqual({ ok: true });
      // Released at the same simulated time: both pages freed, nothing skipped.
      expect(detail(o[5])).toEqual({ freed: 2, walks: 1, skipped: {} });
    });
  }

  it('without the unlock the same shrink is still skipped (the control case)', () => {
    const o = script(C, `${FILL}\n- lock: { proc: a, lock: mmap, hold: 1s }\n- shrink: { nr: all }\n- shrink: { nr: all }`);
    expect(detail(o[4])).toEqual({ freed: 0, walks: 1, skipped: { mmap_lock: 2 } });
  });

  it('unlocking a lock that is not held is an error value; later steps still run', () => {
    const o = script(C, `${FILL}\n- unlock: { proc: a, lock: mmap }\n- shrink: { nr: 1 }`);
    expect(o[2]).toEqual({ ok: false, error: 'EPERM', reason: 'mmap lock of "a" is not held by mmap-holder' });
    expect(detail(o[3])).toEqual({ freed: 1, skipped: {} });
  });

  it('a hold that already ran out cannot be released', () => {
    const o = script(C, `${FILL}\n- lock: { proc: a, lock: alloc, hold: 1us }\n- advance: { by: 1us }\n- unlock: { proc: a, lock: alloc }`);
    expect(o[3]).toMatchObject({ ok: false, error: 'EPERM' });
  });

  it('only the holder named by task releases; another task\'s unlock leaves the lock held', () => {
    const o = script(
      C,
      `${FILL}
- lock: { proc: a, lock: mmap, hold: 1s, task: munmap }
- unlock: { proc: a, lock: mmap }
- shrink: { nr: 2 }
- unlock: { proc: a, lock: mmap, task: munmap }
- shrink: { nr: 2 }`,
    );
    expect(o[3]).toEqual({ ok: false, error: 'EPERM', reason: 'mmap lock of "a" is not held by mmap-holder' });
    expect(detail(o[4])).toEqual({ freed: 0, skipped: { mmap_lock: 2 } });
    expect(o[5]).toEqual({ ok: true });
    expect(detail(o[6])).toEqual({ freed: 2, skipped: {} });
  });

  it('unknown process → EINVAL; mm_mutex on the C driver → EINVAL', () => {
    const o = script(C, `- unlock: { proc: zz, lock: alloc }\n- unlock: { proc: a, lock: mm_mutex }`);
    expect(o.map((x) => !x.ok && x.error)).toEqual(['EINVAL', 'EINVAL']);
  });
});

describe('unlock step (Rust driver)', () => {
  it('mm_mutex: skipped while held, freed right after the unlock', () => {
    const o = script(
      RUST,
      `${FILL}\n- lock: { proc: a, lock: mm_mutex, hold: 1s }\n- shrink: { nr: all }\n- unlock: { proc: a, lock: mm_mutex }\n- shrink: { nr: all }`,
    );
    expect(detail(o[3])).toEqual({ freed: 0, walks: 1, skipped: { mm_mutex: 2 } });
    expect(detail(o[5])).toEqual({ freed: 2, walks: 1, skipped: {} });
  });
});

describe('unlock in a scenario file', () => {
  const SCEN = `
binder: {procs: [{name: a, mmap: 16KiB}]}
shrinkers: []
script:
  - alloc: {proc: a, buffer: x, data: 8192}
  - free: {proc: a, buffer: x}
  - lock: {proc: a, lock: mmap, hold: 1s}
  - shrink: {nr: all}
  - unlock: {proc: a, lock: mmap}
  - unlock: {proc: a, lock: mmap}
  - shrink: {nr: all}
  - snapshot: {label: end}
`;

  it('runs: the second unlock is a step error, the last shrink frees both pages', () => {
    const r = runScenario(loadScenarioText(SCEN, 'u.yaml'));
    expect(r.steps.map((s) => [s.kind, s.ok])).toEqual([
      ['alloc', true],
      ['free', true],
      ['lock', true],
      ['shrink', true],
      ['unlock', true],
      ['unlock', false],
      ['shrink', true],
      ['snapshot', true],
    ]);
    const bad = r.steps[5];
    expect(bad && !bad.ok && [bad.error, bad.message]).toEqual(['EPERM', 'mmap lock of "a" is not held by mmap-holder']);
    expect(r.steps[3]?.ok && r.steps[3].detail?.['freed']).toBe(0);
    expect(r.steps[6]?.ok && r.steps[6].detail?.['freed']).toBe(2);
    expect(r.snapshots[0]?.binder.procs[0]?.pages).toBe('....');
  });

  it('rejects a bad unlock with one line naming the field', () => {
    let msg = '';
    try {
      loadScenarioText(SCEN.replace('unlock: {proc: a, lock: mmap}', 'unlock: {proc: a, lock: mmap, hold: 1s}'), 'u.yaml');
    } catch (e) {
      if (!isUserError(e)) throw e;
      msg = e.message;
    }
    expect(msg).toBe('u.yaml: script[4].unlock.hold: unknown key (expected one of: proc, lock, task)');
  });
});
