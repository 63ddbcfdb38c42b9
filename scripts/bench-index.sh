#!/usr/bin/env bash
# Watchlist-index benchmark (issue 19). For each list size, streams a synthetic CSV of people
# (examples/genlist.rs: id,nik,no_hp,email, three identifiers a person) straight into
# `leakcheck hash - --index` (no list file on disk) and reports the build time and peak RSS, the
# index's size and bytes per identifier, the time to open it (a scan of a one-record dump), and
# the speed and peak RSS of a scan of a synthetic CSV dump with it, next to the same scan with a
# 1 000-person list held in memory: the two scans alternate, ROUNDS times each, and every index
# report must name exactly the exposures of the 1k list's (the index's first 1 000 people).
# Prints the generation speed, then a markdown table; every failure stops it (exit != 0).
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: scripts/bench-index.sh [options] PEOPLE...
  PEOPLE        list sizes to index, e.g. 1000000 10000000 100000000 (100 M people ≈ 3×10^8
                identifiers: ~7 GB of index, ~10 GB of temporary sort files beside it, ~1 GB RAM)
Options:
  --bin PATH    the leakcheck to time (default: target/release/leakcheck, built if missing)
  --dir DIR     where the generated data goes (default: target/bench-index); it needs room for
                the dump and, per size, about 60 bytes per identifier while the index is built
  --dump-mb MB  size of the scanned dump (default 1100, as scripts/bench.sh)
  --threads T   scan threads (default 2)
  --rounds R    scans of the dump with each list, alternating (default 2; the table shows the
                fastest and all of them)
  --keep        keep each index (default: deleted once measured)
  --clean       delete DIR at the end
  -h, --help    this help
The list and the dump come from examples/genlist.rs (built into DIR); the dump is kept in DIR and
reused (every 10 000th record holds one of the list's first 1 000 people, the rest no one).
Needs python3, jq, bc, rustc and GNU time (/usr/bin/time).
EOF
}

BIN=target/release/leakcheck
DIR=target/bench-index
DUMP_MB=1100
THREADS=2
ROUNDS=2
KEEP=0
CLEAN=0
SIZES=()
while [ $# -gt 0 ]; do
    case "$1" in
        --bin) BIN=$2; shift 2 ;;
        --dir) DIR=$2; shift 2 ;;
        --dump-mb) DUMP_MB=$2; shift 2 ;;
        --threads) THREADS=$2; shift 2 ;;
        --rounds) ROUNDS=$2; shift 2 ;;
        --keep) KEEP=1; shift ;;
        --clean) CLEAN=1; shift ;;
        -h|--help) usage; exit 0 ;;
        -*) echo "bench-index.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
        *) [[ $1 =~ ^[1-9][0-9]*$ ]] || { echo "bench-index.sh: not a list size: $1" >&2; exit 2; }
           SIZES+=("$1"); shift ;;
    esac
done
[ ${#SIZES[@]} -gt 0 ] || { usage >&2; exit 2; }
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || { echo "bench-index.sh: --rounds needs a count" >&2; exit 2; }
for tool in python3 jq bc rustc /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "bench-index.sh: $tool is needed" >&2; exit 2; }
done
[ -x "$BIN" ] || cargo build --release --locked
mkdir -p "$DIR"
# std only: rustc builds it in a second (cargo would build the dev-dependencies in release).
GENLIST="$DIR/genlist"
rustc -O --edition 2021 examples/genlist.rs -o "$GENLIST"

# measure LABEL OK_CODES CMD... : runs CMD (stdout to /dev/null, stderr to DIR/LABEL.stderr)
# and prints "wall_s max_rss_mib"; an exit code not in OK_CODES (e.g. "0 1": a scan that found
# exposures exits 1) stops the benchmark with the command's last lines of stderr.
measure() {
    local label=$1 ok=$2 log code
    shift 2
    log=$(mktemp)
    code=0
    /usr/bin/time -f '%x %e %M' -o "$log" "$@" >/dev/null 2>"$DIR/$label.stderr" || code=$?
    read -r status wall rss < <(tail -1 "$log")
    rm -f "$log"
    if [[ " $ok " != *" $status "* ]]; then
        echo "bench-index.sh: $label exited with $status (time: $code): $*" >&2
        tail -5 "$DIR/$label.stderr" >&2
        exit 1
    fi
    awk -v w="$wall" -v r="$rss" 'BEGIN { printf "%s %.0f\n", w, r / 1024 }'
}

# build N OUT: the list of N people piped into `hash - --index` (wall_s max_rss_mib of hash).
build() {
    local log status
    log=$(mktemp)
    "$GENLIST" "$1" | /usr/bin/time -f '%x %e %M' -o "$log" "$BIN" hash - --index -o "$2" 2>"$DIR/build-$1.stderr" || {
        echo "bench-index.sh: building the index of $1 people failed:" >&2
        cat "$log" >&2; tail -5 "$DIR/build-$1.stderr" >&2; exit 1; }
    read -r status wall rss < <(tail -1 "$log")
    rm -f "$log"
    [ "$status" = 0 ] || { echo "bench-index.sh: hash exited with $status" >&2; exit 1; }
    awk -v w="$wall" -v r="$rss" 'BEGIN { printf "%s %.0f\n", w, r / 1024 }'
}

# Bytes of the index that are not labels (ends, kinds, labels: per person), per identifier.
digest_bytes() { # FILE IDENTIFIERS
    python3 - "$1" "$2" <<'PY'
import os, struct, sys
path, ids = sys.argv[1], int(sys.argv[2])
size = os.path.getsize(path)
with open(path, "rb") as f:
    f.seek(size - 320)
    trailer = f.read(320)
# Format version 2: section i at 120 + 16 i (offset, length); ends, kinds, labels are 4, 5, 6.
per_person = sum(struct.unpack_from("<Q", trailer, 120 + 16 * i + 8)[0] for i in (4, 5, 6))
print(f"{(size - per_person) / ids:.1f}")
PY
}

exposures() { jq -c '[.exposures[] | [.record, .watch]]' "$1"; }
mbps() { echo "$DUMP_BYTES / $1 / 1000000" | bc -l | xargs printf %.0f; }
min() { tr ' ' '\n' | sort -g | head -1; }
max() { tr ' ' '\n' | sort -g | tail -1; }

if [ ! -f "$DIR/dump.csv" ]; then
    "$GENLIST" --dump "$DUMP_MB" "$DIR/dump.csv.part"
    mv "$DIR/dump.csv.part" "$DIR/dump.csv"
fi
DUMP_BYTES=$(stat -c %s "$DIR/dump.csv")
printf 'nik\n3201014107900001\n' > "$DIR/tiny.csv"
"$GENLIST" 1000 "$DIR/list-1k.csv"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg) at start, $BIN" >&2
largest=$(printf '%s\n' "${SIZES[@]}" | sort -n | tail -1)
read -r gen_s _ < <(measure "genlist-$largest" 0 "$GENLIST" "$largest")
echo "generating $largest people: $gen_s s (to /dev/null)"
echo
echo "| list | identifiers | build s | build peak RSS MiB | index MiB | B/identifier (all) | B/identifier (besides labels) | open s (1-record scan) | scan s, 1k list (each round) | scan s, index (each round) | vs 1k list (fastest) | scan peak RSS MiB, 1k / index |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
for n in "${SIZES[@]}"; do
    index="$DIR/people-$n.lcx"
    read -r build_s build_rss < <(build "$n" "$index")
    size=$(stat -c %s "$index")
    ids=$((3 * n))
    read -r open_s _ < <(measure "open-$n" "0 1" "$BIN" scan "$DIR/tiny.csv" --watch "$index" --format json)
    base_all="" idx_all="" base_rss=0 idx_rss=0
    for round in $(seq "$ROUNDS"); do
        read -r s rss < <(measure "scan-1k-$round" "0 1" "$BIN" scan "$DIR/dump.csv" --watch "$DIR/list-1k.csv" --format json --threads "$THREADS" -o "$DIR/r-1k.json")
        base_all="$base_all $s"; base_rss=$(max <<<"$base_rss $rss")
        read -r s rss < <(measure "scan-$n-$round" "0 1" "$BIN" scan "$DIR/dump.csv" --watch "$index" --format json --threads "$THREADS" -o "$DIR/r-$n.json")
        idx_all="$idx_all $s"; idx_rss=$(max <<<"$idx_rss $rss")
        # The same people found as with the 1k list (its people are the index's first 1 000).
        if ! cmp -s <(exposures "$DIR/r-1k.json") <(exposures "$DIR/r-$n.json"); then
            echo "bench-index.sh: people-$n.lcx found other exposures than list-1k.csv" >&2; exit 1
        fi
        [ "$(jq '.exposures | length' "$DIR/r-1k.json")" -gt 0 ] || { echo "bench-index.sh: the 1k list found no one" >&2; exit 1; }
    done
    base_s=$(min <<<"${base_all# }") idx_s=$(min <<<"${idx_all# }")
    printf '| %s people (lcx) | %s | %s | %s | %.0f | %.1f | %s | %s | %s | %s | %.2f | %s / %s |\n' \
        "$n" "$ids" "$build_s" "$build_rss" "$(echo "$size / 1048576" | bc -l)" "$(echo "$size / $ids" | bc -l)" \
        "$(digest_bytes "$index" "$ids")" "$open_s" "${base_all# }" "${idx_all# }" \
        "$(echo "$base_s / $idx_s" | bc -l)" "$base_rss" "$idx_rss"
    echo "  dump $DUMP_BYTES bytes: $(mbps "$base_s") MB/s with the 1k list, $(mbps "$idx_s") MB/s with the index; load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
    [ "$KEEP" = 1 ] || rm -f "$index"
done
if [ "$CLEAN" = 1 ]; then rm -rf "$DIR"; fi
