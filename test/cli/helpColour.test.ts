/**
 * Every command's --help ends with examples and its exit codes; `conform` colours its table by
 * the same rules as the summary (FORCE_COLOR, NO_COLOR, TERM=dumb, else a TTY); `run
 * --timeline` writes a Trace Event Format file.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { parseCli } from '../../src/cli/parse.js';
import { checkTraceEventFormat } from '../report/traceEventFormat.js';

const ESC = '\u001b[';

describe('--help', () => {
  it.each(['run', 'check', 'conform', 'report', 'schema'])('of %s shows examples and exit codes', (cmd) => {
    const r = parseCli([cmd, '--help']);
    expect(r.ok).toBe('info');
    const out = r.ok === 'info' ? r.output : '';
    expect(out).toContain('Examples:');
    expect(out).toContain(`shrinksim ${cmd}`);
    expect(out).toMatch(/Exit codes:\n {2}0 {2}/);
  });
});

describe('conform colour', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shrinksim-colour-'));
  const trace = join(dir, 't.txt');
  beforeAll(async () => {
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    expect(await main(['run', 'scenarios/whatif-seeks0.yaml', '--no-progress', '-q', '--trace', trace])).toBe(0);
    vi.restoreAllMocks();
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  async function conformOutput(env: Record<string, string | undefined>): Promise<string> {
    for (const k of ['FORCE_COLOR', 'NO_COLOR', 'TERM']) vi.stubEnv(k, env[k]);
    let out = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
      out += String(s);
      return true;
    });
    expect(await main(['conform', trace])).toBe(0);
    vi.restoreAllMocks();
    return out;
  }

  it('FORCE_COLOR=1 colours even off a TTY; FORCE_COLOR=0, NO_COLOR and no TTY do not', async () => {
    expect(await conformOutput({ FORCE_COLOR: '1' })).toContain(ESC);
    expect(await conformOutput({ FORCE_COLOR: '0' })).not.toContain(ESC);
    expect(await conformOutput({ NO_COLOR: '1' })).not.toContain(ESC);
    expect(await conformOutput({ TERM: 'dumb' })).not.toContain(ESC);
    expect(await conformOutput({})).not.toContain(ESC);
  });
});

describe('run --timeline', () => {
  it('writes a trace file Perfetto opens (and with --timeline-binder, transactions)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shrinksim-tl-'));
    const file = join(dir, 'tl.json');
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    expect(await main(['run', 'scenarios/drop-caches.yaml', '--no-progress', '-q', '--timeline', file, '--timeline-binder'])).toBe(0);
    vi.restoreAllMocks();
    const text = readFileSync(file, 'utf8');
    expect(checkTraceEventFormat(text)).toEqual([]);
    expect(text).toContain('"cat":"binder"');
    expect(text).toContain('"name":"drop_caches"');
  });
});
