/**
 * The batch-system recipes in docs/: the Slurm array script really runs a shard per task
 * (run here with the variables Slurm sets) and merges to the unsharded result; the
 * Kubernetes Indexed Job is consistent (Indexed mode, N in completions = N in --shard,
 * the index from JOB_COMPLETION_INDEX).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { scenarioFile, tempDir } from './fixture.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = ['node', join(ROOT, 'bin', 'shrinksim.js')];
const file = scenarioFile();
const FLAGS = ['--set', 'binder.shrinker.seeks=2,0', '--seeds', '1..3'];

const cli = (args: string[]) => spawnSync(CLI[0]!, [...CLI.slice(1), ...args], { encoding: 'utf8' });

describe('docs/slurm-sweep.sh', () => {
  it('array tasks 0..2 of 3 write shards that merge to the unsharded sweep', () => {
    const dir = tempDir();
    const shards = join(dir, 'shards');
    for (const id of ['0', '1', '2']) {
      const p = spawnSync('bash', [join(ROOT, 'docs', 'slurm-sweep.sh'), file, shards, ...FLAGS], {
        encoding: 'utf8',
        env: { ...process.env, SLURM_ARRAY_TASK_ID: id, SLURM_ARRAY_TASK_COUNT: '3', SLURM_CPUS_PER_TASK: '1', SHRINKSIM: CLI.join(' ') },
      });
      expect(p.stderr).toBe('');
      expect(p.status).toBe(0);
    }
    const whole = cli(['sweep', file, ...FLAGS, '--csv', join(dir, 'a.csv'), '--json', join(dir, 'a.json')]);
    const merged = cli(['merge', shards, '--csv', join(dir, 'm.csv'), '--json', join(dir, 'm.json')]);
    expect([merged.status, merged.stdout]).toEqual([whole.status, whole.stdout]);
    expect(readFileSync(join(dir, 'm.csv'), 'utf8')).toBe(readFileSync(join(dir, 'a.csv'), 'utf8'));
    expect(readFileSync(join(dir, 'm.json'), 'utf8')).toBe(readFileSync(join(dir, 'a.json'), 'utf8'));
  });

  it('outside a Slurm array it says so (exit non-zero)', () => {
    const env = { ...process.env };
    delete env.SLURM_ARRAY_TASK_ID;
    const p = spawnSync('bash', [join(ROOT, 'docs', 'slurm-sweep.sh'), file, tempDir()], { encoding: 'utf8', env });
    expect(p.status).not.toBe(0);
    expect(p.stderr).toContain('not a Slurm array task');
  });
});

describe('docs/k8s-sweep-job.yaml', () => {
  it('is an Indexed Job whose --shard uses JOB_COMPLETION_INDEX and N = completions', () => {
    const job = parse(readFileSync(join(ROOT, 'docs', 'k8s-sweep-job.yaml'), 'utf8'));
    expect(job.kind).toBe('Job');
    expect(job.spec.completionMode).toBe('Indexed');
    const args: string = job.spec.template.spec.containers[0].args.join(' ');
    const m = /--shard "\$JOB_COMPLETION_INDEX\/(\d+)"/.exec(args);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBe(job.spec.completions);
    expect(args).toMatch(/^exec shrinksim sweep \S+/);
  });
});
