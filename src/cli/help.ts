/**
 * The examples and exit codes each command's `--help` ends with (README "Commands" says the
 * same). Kept apart from parse.ts so the option definitions stay readable.
 */
export const HELP_AFTER = {
  run: `
Examples:
  shrinksim run                                        the bundled default scenario
  shrinksim run scenarios/near-oom.yaml --seed 7 --vmstat
  shrinksim run scenarios/drop-caches.yaml --json out.json --csv out.csv --trace out.txt
  shrinksim run scenarios/near-oom.yaml --html report.html
  shrinksim run scenarios/near-oom.yaml --timeline near-oom.trace.json
      (open it in ui.perfetto.dev: Open trace file; see docs/timeline.md)

Exit codes:
  0  the run finished and every output was written
  2  bad input (scenario file or field, flag), or a run limit was reached
`,
  check: `
Examples:
  shrinksim check scenarios/default.yaml --baseline scenarios/baselines/default.json
  shrinksim check scenarios/default.yaml --baseline b.json --tolerance 5%
  shrinksim check scenarios/default.yaml --baseline b.json --update
  shrinksim check scenarios/default.yaml --baseline b.json --no-progress --json check.json
      (for CI: scenario, seeds, tolerance, verdict ok/moved/written, every count compared)
  shrinksim check scenarios/default.yaml --baseline b.json --junit check.xml
      (JUnit XML: one testcase per count, a failure for each that moved)

Exit codes:
  0  every count within tolerance (or --update wrote the baseline)
  1  something moved beyond the tolerance
  2  bad input (scenario, baseline file, flag)
`,
  conform: `
Examples:
  shrinksim conform trace.txt
  shrinksim conform test/fixtures/linux-6.12.95/*.txt.gz --json
  shrinksim conform trace.txt --seeks binder_shrink_scan=2

Colour: only on a TTY; FORCE_COLOR=1 forces it, NO_COLOR or TERM=dumb turns it off.

Exit codes:
  0  every mm_shrink_slab_start/end pair reproduced
  1  a pair mismatched (or there is a finding)
  2  bad input (unreadable file, bad flag)
`,
  report: `
Examples:
  shrinksim run scenarios/near-oom.yaml --json r.json && shrinksim report r.json -o report.html

Exit codes:
  0  the report was written
  2  bad input (not a result JSON, unreadable file)
`,
  schema: `
Examples:
  shrinksim schema > scenario.schema.json

Exit codes:
  0  always
`,
} as const;
