/**
 * Output files are written whole or not at all: to a temporary file in the same directory,
 * then renamed over the target (rename is atomic within a filesystem). A failure is a
 * UserError naming the file; the temporary file is removed.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../util/errors.js';

export function writeFileAtomic(file: string, text: string): void {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such directory' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : `cannot write (${code ?? 'error'})`;
    throw new UserError(`${file}: ${why}`);
  }
}
