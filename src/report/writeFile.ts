/**
 * Output files, written whole or not at all, and as a set.
 *
 * - A regular file (or a new one) is written to a temporary file in its directory, then
 *   renamed over it (rename is atomic within a filesystem). With several outputs, every
 *   temporary file is written first and only then are all renamed, so a failure or a kill
 *   while writing leaves the old files as they were; temporaries still on disk are removed
 *   on SIGINT/SIGTERM and on failure.
 * - A symlink is written through: its target is replaced, the link stays.
 * - A target that is not a regular file (a pipe, a character device such as /dev/stdout or
 *   /dev/null, a `>(cmd)` process substitution) is written directly; rename would replace it.
 * - `-` is standard output.
 *
 * (`write-file-atomic` does temp-and-rename per file with symlink resolution and cleanup on
 * exit, but it cannot write a set as a set, and it renames over pipes and devices; the
 * ~100 lines here do both.) Failures are a UserError naming the file.
 */
import { chmodSync, lstatSync, readlinkSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from '../util/errors.js';

export interface OutputFile {
  /** As the user gave it (messages name it so); `-` is standard output. */
  readonly file: string;
  readonly text: string;
  /** The flag that named it (`--json`), for the message when two flags name one file. */
  readonly flag?: string;
}

/** Where and how one output is written. */
type Plan =
  | { readonly how: 'stdout'; readonly out: OutputFile }
  | { readonly how: 'direct'; readonly path: string; readonly out: OutputFile }
  | { readonly how: 'rename'; readonly path: string; readonly tmp: string; readonly mode: number | undefined; readonly out: OutputFile };

/** Temporary files written and not yet renamed (removed on SIGINT/SIGTERM). */
const pending = new Set<string>();

function removePending(): void {
  for (const t of pending) rmSync(t, { force: true });
  pending.clear();
}

/**
 * On SIGINT/SIGTERM: remove the temporaries, then die of the signal as if unhandled. Installed
 * once and kept (a signal during the synchronous writes is delivered only after them, when a
 * handler removed on return would have missed it).
 */
function onSignal(sig: NodeJS.Signals): void {
  removePending();
  process.removeListener('SIGINT', onSignal);
  process.removeListener('SIGTERM', onSignal);
  process.kill(process.pid, sig);
}

let installed = false;
function installSignalCleanup(): void {
  if (installed) return;
  installed = true;
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

function why(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'ELOOP') return 'too many levels of symbolic links';
  if (code === 'ENOSPC') return 'no space left on device';
  return `cannot write (${code ?? 'error'})`;
}

/** The file a path names once symlinks are followed (a dangling link: the file it would create). */
function throughLinks(path: string): string {
  for (let hops = 0; hops < 40; hops++) {
    let st;
    try {
      st = lstatSync(path);
    } catch {
      return path;
    }
    if (!st.isSymbolicLink()) return path;
    try {
      return realpathSync(path);
    } catch {
      path = resolve(dirname(path), readlinkSync(path));
    }
  }
  throw Object.assign(new Error('ELOOP'), { code: 'ELOOP' });
}

function planOf(out: OutputFile): Plan {
  if (out.file === '-') return { how: 'stdout', out };
  let st;
  try {
    st = statSync(out.file); // follows links: /dev/stdout → a pipe, a tty, a file
  } catch {
    st = undefined;
  }
  if (st?.isDirectory()) throw new UserError(`${out.file}: is a directory`);
  // Pipes and devices are opened by the name given (/proc/self/fd/N has no real path).
  if (st && !st.isFile()) return { how: 'direct', path: out.file, out };
  const path = throughLinks(out.file);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  return { how: 'rename', path, tmp, mode: st ? st.mode & 0o7777 : undefined, out };
}

/**
 * Writes every output or none of the regular files: all temporaries, then all renames, then
 * the direct writes (pipes, devices) and standard output.
 */
export function writeOutputs(outputs: readonly OutputFile[], stdout: (s: string) => void = (s) => void process.stdout.write(s)): void {
  const plans: Plan[] = [];
  const seen = new Map<string, OutputFile>();
  for (const out of outputs) {
    let plan: Plan;
    try {
      plan = planOf(out);
    } catch (e) {
      if (e instanceof UserError) throw e;
      throw new UserError(`${out.file}: ${why(e)}`);
    }
    const key = plan.how === 'stdout' ? '-' : plan.path;
    const prev = seen.get(key);
    if (prev && plan.how !== 'stdout') throw new UserError(`${out.file}: named by both ${prev.flag ?? 'an output'} and ${out.flag ?? 'another output'}`);
    seen.set(key, out);
    plans.push(plan);
  }
  installSignalCleanup();
  try {
    for (const p of plans) {
      if (p.how !== 'rename') continue;
      try {
        pending.add(p.tmp);
        writeFileSync(p.tmp, p.out.text);
        if (p.mode !== undefined) chmodSync(p.tmp, p.mode);
      } catch (e) {
        throw new UserError(`${p.out.file}: ${why(e)}`);
      }
    }
    for (const p of plans) {
      if (p.how !== 'rename') continue;
      try {
        renameSync(p.tmp, p.path);
        pending.delete(p.tmp);
      } catch (e) {
        throw new UserError(`${p.out.file}: ${why(e)}`);
      }
    }
  } finally {
    removePending();
  }
  for (const p of plans) {
    if (p.how === 'stdout') stdout(p.out.text);
    else if (p.how === 'direct') {
      try {
        writeFileSync(p.path, p.out.text);
      } catch (e) {
        throw new UserError(`${p.out.file}: ${why(e)}`);
      }
    }
  }
}

/** One output file (see `writeOutputs`). */
export function writeFileAtomic(file: string, text: string): void {
  writeOutputs([{ file, text }]);
}
