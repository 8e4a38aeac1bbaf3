/**
 * Issue 9: outputs are never lost or clobbered. Symlinks are written through, pipes and
 * devices directly, `-` is standard output, and a set of outputs is all-or-nothing.
 */
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeOutputs } from '../../src/report/writeFile.js';
import { isUserError } from '../../src/util/errors.js';

const fresh = (): string => mkdtempSync(join(tmpdir(), 'shrinksim-write-'));
const errorOf = (f: () => void): string => {
  try {
    f();
  } catch (e) {
    if (!isUserError(e)) throw e;
    return e.message;
  }
  throw new Error('expected a UserError');
};

describe('writeOutputs', () => {
  it('writes through a symlink: the link stays, its target gets the text', () => {
    const d = fresh();
    writeFileSync(join(d, 'real.json'), 'old');
    symlinkSync('real.json', join(d, 'link.json'));
    writeOutputs([{ file: join(d, 'link.json'), text: 'new' }]);
    expect(lstatSync(join(d, 'link.json')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(d, 'link.json'))).toBe('real.json');
    expect(readFileSync(join(d, 'real.json'), 'utf8')).toBe('new');
  });

  it('a dangling symlink creates its target', () => {
    const d = fresh();
    symlinkSync('made.json', join(d, 'link.json'));
    writeOutputs([{ file: join(d, 'link.json'), text: 'x' }]);
    expect(readFileSync(join(d, 'made.json'), 'utf8')).toBe('x');
    expect(lstatSync(join(d, 'link.json')).isSymbolicLink()).toBe(true);
  });

  it('writes a FIFO directly (rename would replace it with a file)', async () => {
    const d = fresh();
    const fifo = join(d, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const reader = spawn('cat', [fifo]);
    let got = '';
    reader.stdout.on('data', (b: Buffer) => (got += b.toString()));
    const done = new Promise((r) => reader.on('close', r));
    writeOutputs([{ file: fifo, text: 'through the pipe\n' }]);
    await done;
    expect(got).toBe('through the pipe\n');
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  it('`-` is standard output, after the files', () => {
    const d = fresh();
    const seen: string[] = [];
    writeOutputs([{ file: '-', text: 'json' }, { file: join(d, 'a.csv'), text: 'csv' }], (s) => seen.push(s));
    expect(seen).toEqual(['json']);
    expect(readFileSync(join(d, 'a.csv'), 'utf8')).toBe('csv');
    expect(readdirSync(d)).toEqual(['a.csv']);
  });

  it('all or nothing: one unwritable output leaves the others as they were and no temporaries', () => {
    const d = fresh();
    writeFileSync(join(d, 'r.json'), 'old json');
    const msg = errorOf(() =>
      writeOutputs([
        { file: join(d, 'r.json'), text: 'new json', flag: '--json' },
        { file: join(d, 'missing', 'r.csv'), text: 'csv', flag: '--csv' },
      ]),
    );
    expect(msg).toBe(`${join(d, 'missing', 'r.csv')}: no such directory`);
    expect(readFileSync(join(d, 'r.json'), 'utf8')).toBe('old json');
    expect(readdirSync(d)).toEqual(['r.json']);
  });

  it('two flags naming one file are refused before anything is written', () => {
    const d = fresh();
    const f = join(d, 'x');
    expect(errorOf(() => writeOutputs([{ file: f, text: 'a', flag: '--json' }, { file: f, text: 'b', flag: '--csv' }]))).toBe(
      `${f}: named by both --json and --csv`,
    );
    expect(readdirSync(d)).toEqual([]);
  });

  it('a directory is refused by name', () => {
    const d = fresh();
    expect(errorOf(() => writeOutputs([{ file: d, text: 'a' }]))).toBe(`${d}: is a directory`);
  });
});
