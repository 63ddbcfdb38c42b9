#!/usr/bin/env bash
# One leakcheck scan as a Slurm job array: task K of the array scans shard K/N, then a job that
# depends on the whole array joins the shard reports with `leakcheck report merge`.
#
# Submit it by running it (not with sbatch) on a login node:
#   SHARDS=8 deploy/slurm-array.sh /shared/out /shared/leak --watch /shared/patients.csv
# It submits itself as the array (sbatch --array=1-N) and the merge (sbatch
# --dependency=afterany:<array job>), so the merge runs even when a shard failed, and names it.
# The shard reports of an earlier run into OUT_DIR are deleted at submission, never merged.
# Inputs, watchlists and the output directory must be on a filesystem every node sees.
# Environment: SHARDS (N, default 4), AS_OF (default today UTC, fixed at submission so every
# task agrees), LEAKCHECK (the binary, default `leakcheck`).
#SBATCH --job-name=leakcheck-shard
#SBATCH --cpus-per-task=2
#SBATCH --mem=4G
#SBATCH --output=leakcheck-shard-%A_%a.log
set -euo pipefail

leakcheck=${LEAKCHECK:-leakcheck}
shards=${SHARDS:-4}
if [ "$#" -lt 2 ]; then
  echo "usage: SHARDS=N $0 OUT_DIR SCAN-ARGUMENTS..." >&2
  exit 2
fi
out=$1
shift

if [ -n "${SLURM_ARRAY_TASK_ID:-}" ]; then
  # One task of the array: Slurm numbers them 1..N (--array=1-N), as --shard does.
  k=$SLURM_ARRAY_TASK_ID
  exec "$leakcheck" scan --shard "$k/$shards" --fail-on never --as-of "${AS_OF:?set at submission}" \
    --no-progress --format json -o "$out/shard-$k-of-$shards.json" "$@"
fi

# Submission, on the login node.
export AS_OF=${AS_OF:-$(date -u +%F)} SHARDS=$shards LEAKCHECK=$leakcheck
mkdir -p -- "$out"
# Reports of an earlier run must not be merged with this one's: removed here, before anything is
# submitted, so a task that fails tonight leaves no report and the merge names its shard missing.
rm -f -- "$out"/shard-*-of-"$shards".json
array=$(sbatch --parsable --export=ALL --array="1-$shards" "$0" "$out" "$@")
array=${array%%;*}
reports=()
for k in $(seq 1 "$shards"); do
  reports+=("$out/shard-$k-of-$shards.json")
done
merge=$(printf '%q ' "$leakcheck" report merge "${reports[@]}" -o "$out/scan.json")
sbatch --parsable --job-name=leakcheck-merge --dependency="afterany:$array" \
  --output="$out/merge-%j.log" --wrap "$merge"
echo "submitted: array job $array ($shards shards), then the merge into $out/scan.json" >&2
