#!/bin/bash
# A shrinksim sweep as a Slurm job array: array task I runs shard I of N (N = the array's
# task count) and writes OUTDIR/shard-I-of-N.json; merge them when all tasks are done.
#
#   jid=$(sbatch --parsable --array=0-3 docs/slurm-sweep.sh scenarios/default.yaml /shared/sweep-1 \
#           --set memory.total=2GiB,3GiB --seeds 1..100)
#   sbatch --dependency=afterok:$jid --wrap 'npx shrinksim merge /shared/sweep-1 --json sweep.json --csv sweep.csv'
#
# The array must be 0..N-1 without a step (--array=0-3, optionally with %K to limit how many
# run at once): the shard index is SLURM_ARRAY_TASK_ID and N is SLURM_ARRAY_TASK_COUNT.
# OUTDIR must be on a filesystem every node sees. SHRINKSIM overrides the command
# (default: npx --no-install shrinksim, run from a checkout with `npm ci` done).
#SBATCH --job-name=shrinksim-sweep
#SBATCH --array=0-3
#SBATCH --cpus-per-task=2
#SBATCH --output=shrinksim-sweep-%A_%a.log
set -euo pipefail

if [ $# -lt 2 ]; then
  echo "usage: sbatch --array=0-(N-1) $0 SCENARIO OUTDIR [sweep flags…]" >&2
  exit 2
fi
scenario=$1
out=$2
shift 2
: "${SLURM_ARRAY_TASK_ID:?not a Slurm array task (submit with sbatch --array=0-(N-1))}"
: "${SLURM_ARRAY_TASK_COUNT:?not a Slurm array task (submit with sbatch --array=0-(N-1))}"
read -r -a shrinksim <<< "${SHRINKSIM:-npx --no-install shrinksim}"

exec "${shrinksim[@]}" sweep "$scenario" "$@" \
  --shard "$SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT" --out "$out" \
  --workers "${SLURM_CPUS_PER_TASK:-1}" --no-progress -q
