#!/usr/bin/env bash
# One leakcheck scan run as N shards by GNU parallel, on this machine or on several over ssh,
# then joined by `leakcheck report merge`. Exits as the unsharded scan would: 0 clear, 1 exposed
# people found, 2 an error (an input not read, a shard that wrote no report).
#
#   deploy/parallel.sh N MERGED.json SCAN-ARGUMENTS...
#   deploy/parallel.sh 4 scan.json leak/ --watch patients.csv
#   SSHLOGIN=2/node1,2/node2 deploy/parallel.sh 4 /mnt/out/scan.json /mnt/leak --watch /mnt/patients.csv
#
# Environment: LEAKCHECK (the binary, default `leakcheck` on PATH), AS_OF (the --as-of day every
# shard gets, default today UTC: shards that straddle midnight must agree), SHARD_DIR (where the
# shard reports go, default MERGED's directory + /shards), SSHLOGIN (GNU parallel's --sshlogin;
# the inputs, watchlists, key file and SHARD_DIR must then be at the same paths on every host,
# e.g. a shared filesystem, and leakcheck on each host's PATH), FAIL_ON (for the merge).
set -euo pipefail

if [ "$#" -lt 3 ] || ! [[ "$1" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: $0 N MERGED.json SCAN-ARGUMENTS...   (N: the number of shards, 1 or more)" >&2
  exit 2
fi
n=$1
merged=$2
shift 2
leakcheck=${LEAKCHECK:-leakcheck}
as_of=${AS_OF:-$(date -u +%F)}
shard_dir=${SHARD_DIR:-$(dirname -- "$merged")/shards}
mkdir -p -- "$shard_dir"
# Reports of an earlier run must not be merged with this one's.
rm -f -- "$shard_dir"/shard-*-of-"$n".json

remote=()
if [ -n "${SSHLOGIN:-}" ]; then
  remote=(--sshlogin "$SSHLOGIN" --workdir "$PWD")
fi

# -q: each argument passed as it is (spaces, quotes). Every shard runs even when one fails, so
# the merge can name what is missing. --fail-on never: a shard that finds people is no failure.
status=0
seq 1 "$n" | parallel -q "${remote[@]}" --line-buffer \
  "$leakcheck" scan --shard "{}/$n" --fail-on never --as-of "$as_of" --no-progress \
  --format json -o "$shard_dir/shard-{}-of-$n.json" "$@" || status=$?
if [ "$status" -ne 0 ]; then
  echo "parallel.sh: $status shard(s) exited with an error; merging what was written" >&2
fi

reports=()
for k in $(seq 1 "$n"); do
  reports+=("$shard_dir/shard-$k-of-$n.json")
done
exec "$leakcheck" report merge "${reports[@]}" -o "$merged" ${FAIL_ON:+--fail-on "$FAIL_ON"}
