#!/usr/bin/env bash
# Watchlist-index benchmark (issue 19): for each list size, builds a `.lcx` index from a
# synthetic CSV of people (nik, no_hp, email: three identifiers a person) and reports the build
# time and peak RSS, the file size, the time to open it (a scan of a one-record dump), and the
# speed and peak RSS of a scan of a synthetic CSV dump with it, next to the same scan with a
# 1 000-person list held in memory. Prints a markdown table.
#
# Usage: scripts/bench-index.sh [--bin PATH] [--dir DIR] [--sizes "1000000 10000000"]
#                               [--dump-mb MB] [--threads T]
#   --bin      the leakcheck to time (default: target/release/leakcheck, built if missing)
#   --dir      where the generated data goes (default: target/bench-index); deleted with --clean
#   --sizes    people per list (default "1000000 10000000"; 100000000 ≈ 3×10^8 identifiers)
#   --dump-mb  size of the scanned dump (default 1100, as scripts/bench.sh)
#   --clean    delete DIR at the end
#
# Data (deterministic, python3 only): people-N.csv (id,nik,no_hp,email; person i has a valid
# NIK, phone and e-mail of its own), list-1k.csv (its first 1 000 people), dump.csv (records of
# nik,nama,no_hp,email,alamat; every 10 000th holds one of the first 1 000 people's NIK).
set -euo pipefail

BIN=target/release/leakcheck
DIR=target/bench-index
SIZES="1000000 10000000"
DUMP_MB=1100
THREADS=2
CLEAN=0
while [ $# -gt 0 ]; do
    case "$1" in
        --bin) BIN=$2; shift 2 ;;
        --dir) DIR=$2; shift 2 ;;
        --sizes) SIZES=$2; shift 2 ;;
        --dump-mb) DUMP_MB=$2; shift 2 ;;
        --threads) THREADS=$2; shift 2 ;;
        --clean) CLEAN=1; shift ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
[ -x "$BIN" ] || cargo build --release --locked
mkdir -p "$DIR"

gen_people() { # N OUT
    python3 - "$1" "$2" <<'PY'
import sys
n, out = int(sys.argv[1]), sys.argv[2]
def nik(i):
    serial = i % 9999 + 1; q = i // 9999
    day = q % 28 + 1; q //= 28
    month = q % 12 + 1; q //= 12
    year = q % 100; q //= 100
    district = q % 99 + 1; q //= 99
    regency = q % 99 + 1
    return f"32{regency:02d}{district:02d}{day:02d}{month:02d}{year:02d}{serial:04d}"
with open(out, "w", buffering=1 << 20) as f:
    f.write("id,nik,no_hp,email\n")
    for i in range(n):
        f.write(f"W{i},{nik(i)},08{1 + i // 100000000}{i % 100000000:08d},p{i}@contoh.co.id\n")
PY
}

gen_dump() { # MB OUT
    python3 - "$1" "$2" <<'PY'
import sys
mb, out = int(sys.argv[1]), sys.argv[2]
def nik(i):
    serial = i % 9999 + 1; q = i // 9999
    day = q % 28 + 1; q //= 28
    month = q % 12 + 1; q //= 12
    year = q % 100; q //= 100
    district = q % 99 + 1; q //= 99
    regency = q % 99 + 1
    return f"33{regency:02d}{district:02d}{day:02d}{month:02d}{year:02d}{serial:04d}"
limit = mb << 20
with open(out, "w", buffering=1 << 20) as f:
    f.write("nik,nama,no_hp,email,alamat\n")
    size, r = 0, 0
    while size < limit:
        # Province 33: no list person; every 10 000th record is one of the first 1 000 people.
        n = nik(r) if r % 10000 else "32" + nik(r // 10000 % 1000)[2:]
        line = f"{n},Pasien Nomor {r},0857{r % 100000000:08d},pasien{r}@mail.id,Jl. Mawar No. {r % 500} RT 01 RW 02\n"
        f.write(line); size += len(line); r += 1
PY
}

measure() { # LABEL CMD... ; prints "wall_s max_rss_mib"
    local log; log=$(mktemp)
    /usr/bin/time -f '%e %M' -o "$log" "${@:2}" >/dev/null 2>"$DIR/$1.stderr" || true
    # The last line: before it, time says "Command exited with non-zero status 1" (exposures).
    tail -1 "$log" | awk '{printf "%s %.0f\n", $1, $2 / 1024}'; rm -f "$log"
}

[ -f "$DIR/dump.csv" ] || gen_dump "$DUMP_MB" "$DIR/dump.csv"
printf 'nik\n3201014107900001\n' > "$DIR/tiny.csv"
DUMP_BYTES=$(stat -c %s "$DIR/dump.csv")
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(basename "$BIN") = $BIN" >&2
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

echo "| list | identifiers | build s | build peak RSS MiB | index MiB | B/identifier (all) | B/identifier (besides labels) | open s (1-record scan) | scan s | scan MB/s | vs 1k list | scan peak RSS MiB |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
largest=$(echo "$SIZES" | tr ' ' '\n' | sort -n | tail -1)
[ -f "$DIR/people-$largest.csv" ] || gen_people "$largest" "$DIR/people-$largest.csv"
head -1001 "$DIR/people-$largest.csv" > "$DIR/list-1k.csv"
read -r base_s base_rss < <(measure scan-1k "$BIN" scan "$DIR/dump.csv" --watch "$DIR/list-1k.csv" --format json --threads "$THREADS" -o "$DIR/r-1k.json")
echo "| 1k (CSV, in memory) | 3000 | - | - | - | - | - | - | $base_s | $(echo "$DUMP_BYTES / $base_s / 1000000" | bc -l | xargs printf %.0f) | 1.00 | $base_rss |"
for n in $SIZES; do
    list="$DIR/people-$n.csv"
    [ -f "$list" ] || head -$((n + 1)) "$DIR/people-$largest.csv" > "$list"
    read -r build_s build_rss < <(measure "build-$n" "$BIN" hash "$list" --index -o "$DIR/people-$n.lcx")
    size=$(stat -c %s "$DIR/people-$n.lcx")
    ids=$((3 * n))
    read -r open_s _ < <(measure "open-$n" "$BIN" scan "$DIR/tiny.csv" --watch "$DIR/people-$n.lcx" --format json)
    read -r scan_s scan_rss < <(measure "scan-$n" "$BIN" scan "$DIR/dump.csv" --watch "$DIR/people-$n.lcx" --format json --threads "$THREADS" -o "$DIR/r-$n.json")
    # The same people found as with the 1k list (its people are the index's first 1 000).
    if ! cmp -s <(jq -c '[.exposures[] | [.record, .watch]]' "$DIR/r-1k.json") <(jq -c '[.exposures[] | [.record, .watch]]' "$DIR/r-$n.json"); then
        echo "people-$n.lcx found other exposures than list-1k.csv" >&2; exit 1
    fi
    printf '| %s people (lcx) | %s | %s | %s | %.0f | %.1f | %s | %s | %s | %.0f | %.2f | %s |\n' \
        "$n" "$ids" "$build_s" "$build_rss" "$(echo "$size / 1048576" | bc -l)" "$(echo "$size / $ids" | bc -l)" \
        "$(digest_bytes "$DIR/people-$n.lcx" "$ids")" \
        "$open_s" "$scan_s" "$(echo "$DUMP_BYTES / $scan_s / 1000000" | bc -l)" "$(echo "$base_s / $scan_s" | bc -l)" "$scan_rss"
    rm -f "$DIR/people-$n.lcx"
done
[ "$CLEAN" = 1 ] && rm -rf "$DIR"
exit 0
