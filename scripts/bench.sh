#!/usr/bin/env bash
# Whole-program benchmark: time `leakcheck scan` on a synthetic ~1.1 GB leak (made by
# examples/gendump.rs; CSV by default, or NDJSON, JSON, a MySQL or a PostgreSQL dump with
# --format) at several thread counts, next to `grep -F` (and `rg -F` if installed)
# looking for the watchlist's raw NIKs, and print a markdown table.
#
# It also checks the scan against the generator's ground truth (target/bench/truth.csv):
# exactly the planted people, in the planted records, nothing "possible", and the same
# report whatever --threads is.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: scripts/bench.sh [options]

Builds leakcheck (cargo build --release), generates target/bench/dump.F (F = --format,
csv by default) and target/bench/watchlist.csv with examples/gendump.rs unless they
already exist with the same parameters, warms the page cache, then times

    target/release/leakcheck scan target/bench/dump.F --watch target/bench/watchlist.csv \
        --format json --threads T -o /tmp/lc-report.json

RUNS times per thread count, plus `grep -c -F -f <raw NIKs>` (same count as
`grep -F -f … | wc -l`) and `rg -c -F -f …` when rg is installed. Prints a markdown table
(median wall seconds, MB/s, peak RSS) on stdout and keeps a copy in target/bench/results.md.
For a format other than csv every file but the dump gets a `.F` suffix (watchlist.F.csv,
truth.F.csv, results.F.md, logs.F/, …), so each format's data is kept and checked apart.

Options:
  -f, --format F       dump format: csv ndjson json mysql pgcopy [default: csv]
  -s, --size-mb N      dump size in MB, 1 MB = 10^6 bytes      [default: 1100]
                       (of the CSV format: every format holds the same records, so
                       ndjson/json files are ~1.7-1.8x larger, mysql ~1.1x)
  -r, --runs N         timed runs per configuration            [default: 3]
  -t, --threads LIST   leakcheck thread counts, e.g. "1 2 4"   [default: "1 2"]
  -p, --people K       watchlist people                        [default: 1000]
      --planted P      of which planted in the dump            [default: 100]
      --seed S         generator seed                          [default: 42]
      --regen          regenerate the dump even if it is up to date
      --skip-build     use the binaries already in target/release
  -h, --help           this text

Exit status: 0 all ran and the scans matched the ground truth; 2 a tool failed or bad usage
(leakcheck exiting 1 = "exposures found" is success); 3 the tables were printed but a
leakcheck report disagreed with the ground truth.
EOF
}

die() {
    echo "bench.sh: $*" >&2
    exit 2
}
note() { echo "==> $*" >&2; }

FORMAT=csv
SIZE_MB=1100
RUNS=3
THREADS="1 2"
PEOPLE=1000
PLANTED=100
SEED=42
REGEN=0
SKIP_BUILD=0
REPORT=/tmp/lc-report.json

while [[ $# -gt 0 ]]; do
    case "$1" in
        -f | --format) FORMAT=${2:?"$1 needs a value"}; shift 2 ;;
        -s | --size-mb) SIZE_MB=${2:?"$1 needs a value"}; shift 2 ;;
        -r | --runs) RUNS=${2:?"$1 needs a value"}; shift 2 ;;
        -t | --threads) THREADS=${2:?"$1 needs a value"}; shift 2 ;;
        -p | --people) PEOPLE=${2:?"$1 needs a value"}; shift 2 ;;
        --planted) PLANTED=${2:?"$1 needs a value"}; shift 2 ;;
        --seed) SEED=${2:?"$1 needs a value"}; shift 2 ;;
        --regen) REGEN=1; shift ;;
        --skip-build) SKIP_BUILD=1; shift ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; die "unknown argument: $1" ;;
    esac
done

# require_int NAME VALUE MIN — dies unless VALUE is an integer >= MIN.
require_int() {
    [[ $2 =~ ^[0-9]+$ ]] && (($2 >= $3)) && return 0
    die "$1 must be an integer >= $3, not '$2'"
}
case "$FORMAT" in
    csv | ndjson | json | mysql | pgcopy) ;;
    *) die "--format must be one of csv ndjson json mysql pgcopy, not '$FORMAT'" ;;
esac
[[ $SIZE_MB =~ ^[0-9]+([.][0-9]+)?$ ]] || die "--size-mb must be a number, not '$SIZE_MB'"
require_int --runs "$RUNS" 1
require_int --people "$PEOPLE" 1
require_int --planted "$PLANTED" 0
((PLANTED <= PEOPLE)) || die "--planted ($PLANTED) must not exceed --people ($PEOPLE)"
require_int --seed "$SEED" 0
[[ -n ${THREADS// /} ]] || die "--threads needs at least one thread count"
for t in $THREADS; do
    require_int "--threads entry" "$t" 1
done

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BENCH=target/bench
# csv keeps the historical names; another format suffixes every file but the dump.
SUFFIX=.$FORMAT
if [[ $FORMAT == csv ]]; then SUFFIX=; fi
DUMP=$BENCH/dump.$FORMAT
WATCH=$BENCH/watchlist$SUFFIX.csv
TRUTH=$BENCH/truth$SUFFIX.csv
STAMP=$BENCH/dump$SUFFIX.params
GENLOG=$BENCH/gendump$SUFFIX.log
RESULTS=$BENCH/results$SUFFIX.md
NIKS=$BENCH/watch-niks$SUFFIX.txt
LOGS=$BENCH/logs$SUFFIX
LEAKCHECK=target/release/leakcheck
GENDUMP=target/release/examples/gendump
mkdir -p "$BENCH" "$LOGS"

if ! /usr/bin/time -f '%e %M' -o /dev/null true 2>/dev/null; then
    die "needs GNU time at /usr/bin/time (Debian/Ubuntu: apt-get install time)"
fi

# --- (a) build ------------------------------------------------------------------------------
if ((SKIP_BUILD == 0)); then
    note "cargo build --release"
    cargo build --release
    note "cargo build --release --example gendump"
    cargo build --release --example gendump
fi
[[ -x $LEAKCHECK ]] || die "$LEAKCHECK does not exist (build failed, or --skip-build without a build)"

# --- (b) data -------------------------------------------------------------------------------
# The stamp names everything the files depend on, the generator's source included, so a
# changed size or generator regenerates instead of silently benchmarking stale data.
params="format=$FORMAT size_mb=$SIZE_MB people=$PEOPLE planted=$PLANTED seed=$SEED gendump=$(sha256sum examples/gendump.rs | cut -c1-16)"
if ((REGEN == 1)) || [[ ! -s $DUMP || ! -s $WATCH || ! -s $TRUTH || "$(cat "$STAMP" 2>/dev/null)" != "$params" ]]; then
    [[ -x $GENDUMP ]] || die "$GENDUMP does not exist; run without --skip-build"
    rm -f "$STAMP"
    note "generating $DUMP ($SIZE_MB MB) and $WATCH ($PEOPLE people, $PLANTED planted)"
    "$GENDUMP" --format "$FORMAT" --size-mb "$SIZE_MB" --out "$DUMP" --watch-out "$WATCH" \
        --watch-people "$PEOPLE" --planted "$PLANTED" --seed "$SEED" --truth-out "$TRUTH" 2>"$GENLOG" ||
        { cat "$GENLOG" >&2; die "gendump failed"; }
    cat "$GENLOG" >&2
    echo "$params" >"$STAMP"
else
    note "reusing $DUMP ($params)"
fi
DUMP_BYTES=$(stat -c %s "$DUMP")
DUMP_RECORDS=$(grep -o '[0-9]* records' "$GENLOG" 2>/dev/null | head -n 1 || true)
EXPECTED=$(($(wc -l <"$TRUTH") - 1))

# The raw NIK list for grep/rg: the watchlist's nik column (2nd; id and nik are never
# quoted) reduced to its 16 digits. The dump spells many planted NIKs differently, so
# grep finding fewer than the planted count is expected: that is what leakcheck is for.
awk -F, 'NR > 1 { gsub(/[^0-9]/, "", $2); if (length($2) == 16) print $2 }' "$WATCH" >"$NIKS"
[[ -s $NIKS ]] || die "no NIKs found in $WATCH"

# --- (c) warm the page cache ------------------------------------------------------------------
avail_kb=$(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo)
if ((DUMP_BYTES / 1024 > avail_kb * 8 / 10)); then
    note "WARNING: the dump ($((DUMP_BYTES >> 20)) MiB) does not fit in the page cache" \
        "($((avail_kb >> 10)) MiB available): runs will measure the disk"
fi
note "warming the page cache"
cat "$DUMP" >/dev/null

# --- timing ---------------------------------------------------------------------------------
ROWS=()
CHECK_FAILURES=()

# timed LABEL THREADS OK_CODES CMD... — runs CMD $RUNS times under GNU time and appends a
# table row; an exit code not in OK_CODES (space-separated) aborts with the tool's stderr.
timed() {
    local label=$1 threads=$2 ok=$3
    shift 3
    local secs=() rss_max=0 i rc line e m log tag
    tag=$(echo "$label-t$threads" | tr -c 'A-Za-z0-9\n-' '_')
    for ((i = 1; i <= RUNS; i++)); do
        log=$LOGS/$tag-run$i
        rc=0
        /usr/bin/time -f '%e %M' -o "$log.time" "$@" >"$log.out" 2>"$log.err" || rc=$?
        if [[ " $ok " != *" $rc "* ]]; then
            echo "--- $label (threads $threads) exited $rc; stderr tail:" >&2
            tail -n 20 "$log.err" >&2
            die "$label failed (exit $rc): $*"
        fi
        # GNU time writes "Command exited with non-zero status N" first on exit != 0.
        line=$(tail -n 1 "$log.time")
        read -r e m <<<"$line"
        secs+=("$e")
        if ((m > rss_max)); then rss_max=$m; fi
        note "$label threads=$threads run $i/$RUNS: ${e}s, peak RSS $((m / 1024)) MB, exit $rc"
    done
    local median
    median=$(printf '%s\n' "${secs[@]}" | sort -n |
        awk '{ a[NR] = $1 } END { printf "%.2f", (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
    ROWS+=("$(awk -v l="$label" -v t="$threads" -v s="$median" -v b="$DUMP_BYTES" -v r="$rss_max" 'BEGIN {
        mbs = (s > 0) ? b / 1e6 / s : -1
        printf "| %s | %s | %.2f | %s | %.1f |", l, t, s, (mbs < 0 ? "n/a" : sprintf(mbs >= 100 ? "%.0f" : "%.1f", mbs)), r / 1024 }')")
    LAST_OUT=$LOGS/$tag-run$RUNS.out
}

fail_check() {
    CHECK_FAILURES+=("$*")
    echo "bench.sh: CHECK FAILED: $*" >&2
}

# Compares the last report with the ground truth written by gendump --truth-out.
check_report() {
    local threads=$1 got
    if command -v jq >/dev/null; then
        got=$(jq -r '.summary | "\(.exposed_records) \(.watch_entries_exposed) \(.possible_records)"' "$REPORT") ||
            { fail_check "threads=$threads: $REPORT is not the JSON report"; return; }
        [[ $got == "$EXPECTED $EXPECTED 0" ]] ||
            fail_check "threads=$threads: exposed_records watch_entries_exposed possible_records = $got, expected $EXPECTED $EXPECTED 0"
        # Kinds are compared as sets: SPEC §7 does not fix the order of `matched`.
        jq -r '.exposures[] | "\(.watch),\(.record),\(.line),\(.matched | sort | join("+"))"' "$REPORT" |
            sort >"$LOGS/exposures-t$threads.txt"
        tail -n +2 "$TRUTH" | jq -rR 'split(",") | .[3] |= (split("+") | sort | join("+")) | join(",")' |
            sort >"$LOGS/truth-sorted.txt"
        diff -q "$LOGS/truth-sorted.txt" "$LOGS/exposures-t$threads.txt" >/dev/null ||
            fail_check "threads=$threads: exposures (watch,record,line,matched) differ from $TRUTH;" \
                "see: diff $LOGS/truth-sorted.txt $LOGS/exposures-t$threads.txt"
        jq -S 'del(.summary.elapsed_ms)' "$REPORT" >"$LOGS/report-t$threads.json"
        if [[ -n ${FIRST_REPORT:-} ]] && ! cmp -s "$FIRST_REPORT" "$LOGS/report-t$threads.json"; then
            fail_check "threads=$threads: report differs from $FIRST_REPORT (beyond elapsed_ms)"
        fi
        FIRST_REPORT=${FIRST_REPORT:-$LOGS/report-t$threads.json}
    else
        got=$(grep -o '"exposed_records": *[0-9]*' "$REPORT" | head -n 1 | grep -o '[0-9]*$' || true)
        [[ $got == "$EXPECTED" ]] || fail_check "threads=$threads: exposed_records=${got:-missing}, expected $EXPECTED (install jq for full checks)"
    fi
}

for t in $THREADS; do
    rm -f "$REPORT"
    timed "leakcheck" "$t" "0 1" \
        "$LEAKCHECK" scan "$DUMP" --watch "$WATCH" --format json --threads "$t" -o "$REPORT"
    [[ -s $REPORT ]] || die "leakcheck exited successfully but wrote no $REPORT"
    check_report "$t"
done

export LC_ALL=C # grep's fastest path; the dump's identifiers are ASCII
timed "grep -F" 1 "0 1" grep -c -F -f "$NIKS" "$DUMP"
GREP_LINES=$(cat "$LAST_OUT")
RG_NOTE="rg not installed: skipped"
if command -v rg >/dev/null; then
    timed "rg -F" 1 "0 1" rg -c -F -f "$NIKS" "$DUMP"
    RG_NOTE="rg matched $(cat "$LAST_OUT") lines"
fi

# --- table ----------------------------------------------------------------------------------
cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
mem_gb=$(awk '/^MemTotal:/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo)
{
    echo "Machine: ${cpu:-unknown CPU}, $(nproc) CPUs, ${mem_gb} GB RAM, $(uname -sr); $(date -u +%Y-%m-%d)"
    echo "Input: $DUMP ($FORMAT), $DUMP_BYTES bytes, ${DUMP_RECORDS:+$DUMP_RECORDS, }warm page cache;" \
        "watchlist $PEOPLE people ($EXPECTED planted); median of $RUNS runs; MB = 10^6 bytes"
    echo
    echo "| tool | threads | median s | MB/s | peak RSS MB |"
    echo "|---|---:|---:|---:|---:|"
    printf '%s\n' "${ROWS[@]}"
    echo
    echo "grep -F matched $GREP_LINES lines with the $(wc -l <"$NIKS") raw watchlist NIKs" \
        "(leakcheck should find $EXPECTED planted records; many are spelled differently); $RG_NOTE."
} | tee "$RESULTS"

if ((${#CHECK_FAILURES[@]} > 0)); then
    echo >&2
    printf 'bench.sh: CHECK FAILED: %s\n' "${CHECK_FAILURES[@]}" >&2
    exit 3
fi
note "leakcheck reports match the ground truth ($EXPECTED planted records); table saved to $RESULTS"
