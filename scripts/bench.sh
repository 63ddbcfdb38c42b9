#!/usr/bin/env bash
# Whole-program benchmark suite: time `leakcheck scan` on a synthetic ~1.1 GB leak (made by
# examples/gendump.rs) with watchlists of 1k, 100k and 1M people, at 1 and 2 threads, keyed
# and unkeyed, on CSV and on NDJSON of the same records, and on a messy CSV (gendump --messy:
# ten columns with an e-mail, most values spelled as exports spell them); the time to load the
# 1M watchlist;
# next to `grep -F` and `rg -F` with the watchlist's raw NIKs and phones, and next to what a
# careful analyst would write in DuckDB (scripts/bench_duckdb.py), and, with --baseline-bin,
# next to another build of leakcheck. Prints a markdown table.
#
# Every watchlist holds the same planted people, so one ground truth (target/bench/truth.csv,
# from gendump --truth-out) serves every row: each tool's row says how many of the planted
# records it found, and every leakcheck report is checked against the truth (exactly the
# planted people, in the planted records, nothing "possible", the same report whatever the
# thread count or key).
#
# With --format F (not csv) it runs the single-format benchmark it ran before the suite.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: scripts/bench.sh [options]

Builds leakcheck (cargo build --release) and examples/gendump, generates the data below
into DIR (target/bench by default) unless it is already there with the same parameters,
warms the page cache, then runs every configuration RUNS times, round-robin (run 1 of
each, then run 2 of each, ...; so a slow minute of the shared VM hits all alike; a row
compared with a clean row runs next to it, and every other round runs backwards), and
prints a markdown table of medians on stdout, also kept in DIR/results.md.

Data (all deterministic):
  dump.csv          --size-mb MB of CSV records (columns nik,nama,tgl_lahir,no_hp,...)
  dump.ndjson       the same records as NDJSON (~1.7x the bytes)
  dump.messy.csv    --size-mb MB of gendump --messy CSV: an e-mail column too, and most
                    values spelled as real exports spell them (titles and degrees in names,
                    upper-case and wrapped e-mails, (0812) 3456-7890, +62 812-…, NIKs with
                    .0 or ', DD/MM/YYYY dates); the same watchlist and planted people
                    (truth.messy.csv)
  watchlist.csv     the --people K people (1000); --planted P (100) of them are in the dump,
                    each in one record, spelled differently (truth.csv, truth.ndjson.csv)
  watchlist-N.csv   for each N of --watch-sizes: the first N people of one list of the
                    largest N (gendump --extra-people), whose first K rows are
                    watchlist.csv; the people after K never occur in the dump, so every
                    watchlist has the same ground truth
  raw-N.txt         the NIKs and phones of watchlist N as written in it, one per line
  bench.key         a fixed 32-byte test key for the keyed (HMAC) scans
  tiny.csv          a 1-record dump, to time loading a watchlist

Rows (T = each of --threads, REF_T = the largest; REF = the reference watchlist, the
second-smallest size, 100000 by default):
  leakcheck             scan dump.csv --watch watchlist-N.csv --format json -o ... --threads T,
                        for every N and T
  baseline              with --baseline-bin BIN: BIN's scan of dump.csv, for every N and T; its
                        report is checked against the truth by watch, record and line (an
                        older build may name other kinds in `matched`)
  leakcheck keyed       the same with --key-file bench.key (HMAC-SHA256), watchlist REF, every T
  leakcheck hashed list, leakcheck hashed keyed list
                        watchlist REF hashed with `leakcheck hash` (unkeyed, and keyed with
                        bench.key), REF_T threads: digests only, so the scan cannot prefilter
                        on canonical values and hashes every value
  leakcheck ndjson      scan dump.ndjson, watchlist REF, REF_T threads
  leakcheck messy       scan dump.messy.csv, watchlist REF, every T; its records/s against
                        the clean CSV's is the line "messy / clean records/s" below the table,
                        and per byte the line "messy / clean CSV MB/s"
  leakcheck load        scan tiny.csv: the time to start and load watchlist N, every N
  leakcheck inspect     inspect dump.csv --full --format json --threads T, every T: every
                        value of every column checked against every kind (no watchlist); its
                        report must be the same at every T
  grep -F / rg -F       LC_ALL=C grep -n -F -f raw-N.txt dump.csv (and rg), N <= --grep-max
  duckdb sha256         python3 scripts/bench_duckdb.py at REF_T threads, watchlist REF: reads
                        the CSV as VARCHAR, normalizes NIK, phones, name and birth date in SQL,
                        hashes them with sha256() in SPEC 3's format, joins with the
                        watchlist's digests; the whole python3 process is timed
  duckdb no-hash        the same, joining on the canonical strings (no sha256)

Columns: median wall seconds (GNU time), MB/s of the row's input (MB = 10^6 bytes),
records/s, peak RSS (the largest of the runs), planted found = how many of the P planted
records the tool found (leakcheck: exposed records of its JSON report that are truth
records; grep/rg: truth lines among the line numbers of -n output; DuckDB: records it
matched on nik, phone or name+dob that are truth records; "+N other" counts what else it
matched), and the ratio of the median to leakcheck's at REF_T threads with the same
watchlist. Below the table: speedups and ratios.

Options:
  -s, --size-mb N       dump size in MB of CSV, 1 MB = 10^6 bytes     [default: 1100]
  -r, --runs N          timed runs per configuration                 [default: 3]
  -t, --threads LIST    leakcheck thread counts                      [default: "1 2"]
  -p, --people K        smallest watchlist; the planted are drawn from it [default: 1000]
  -W, --watch-sizes L   larger watchlists (each > K); "" for none
                                                        [default: "100000 1000000"]
      --planted P       planted people                               [default: 100]
      --seed S          generator seed                               [default: 42]
      --grep-max N      grep/rg only with watchlists of at most N    [default: 100000]
      --skip LIST       leave out parts: keyed ndjson messy load inspect grep rg duckdb nohash
  -q, --quick           smoke test: --size-mb 20 --runs 1 unless given, and --dir
                        target/bench/quick unless given (keeps the big data apart)
  -d, --dir DIR         where data, logs and results go (env BENCH_DIR) [default: target/bench]
      --no-install      do not install missing DuckDB (pip) or ripgrep (apt-get): skip them
      --regen           regenerate the data even if it is up to date
      --skip-build      use the binaries already in target/release
  -B, --baseline-bin BIN
                        also time BIN (another build of leakcheck, e.g. v0.1's: a path or a
                        command on PATH) on every clean CSV row, each of its runs next to
                        this build's; the lines below the table give this build's records/s
                        against it. On a shared VM whose speed drifts, this is how "no slower
                        than before" is measured rather than by MB/s. It doubles the clean
                        rows' time (the 1M list's too)
  -f, --format F        csv (default) runs the suite. ndjson json mysql pgcopy instead run
                        the single-format benchmark of before: leakcheck at each --threads
                        with watchlist.F.csv (K people), grep -F/rg -F with its raw values;
                        every file but the dump gets a .F suffix (results.F.md, logs.F/, ...)
      --classic         that single-format benchmark on CSV (results.classic.md)
  -h, --help            this text

Examples:
  scripts/bench.sh                       # the full suite, ~1.1 GB + ~1.9 GB of data, ~10 min
  scripts/bench.sh --runs 5
  scripts/bench.sh --quick               # a minute: 20 MB, one run, target/bench/quick
  scripts/bench.sh --format json         # the single-format benchmark on a JSON array

Exit status: 0 all ran and every leakcheck report matched the ground truth; 2 a tool
failed or bad usage (leakcheck exiting 1 = "exposures found" is success); 3 the table was
printed but a report (this build's or the baseline's) disagreed with the ground truth.
EOF
}

die() {
    echo "bench.sh: $*" >&2
    exit 2
}
note() { echo "==> $*" >&2; }
# people N — 1000 → 1k, 1000000 → 1M.
people() {
    if (($1 >= 1000000 && $1 % 1000000 == 0)); then
        echo "$(($1 / 1000000))M"
    elif (($1 >= 1000 && $1 % 1000 == 0)); then
        echo "$(($1 / 1000))k"
    else
        echo "$1"
    fi
}
plural() { if (($1 != 1)); then echo s; fi; }

FORMAT=csv
CLASSIC=0
SIZE_MB=
RUNS=
THREADS="1 2"
PEOPLE=1000
WATCH_SIZES="100000 1000000"
PLANTED=100
SEED=42
GREP_MAX=100000
SKIP=
QUICK=0
BENCH=${BENCH_DIR:-}
INSTALL=1
REGEN=0
SKIP_BUILD=0
BASELINE=

while [[ $# -gt 0 ]]; do
    case "$1" in
        -f | --format) FORMAT=${2:?"$1 needs a value"}; shift 2 ;;
        --classic) CLASSIC=1; shift ;;
        -s | --size-mb) SIZE_MB=${2:?"$1 needs a value"}; shift 2 ;;
        -r | --runs) RUNS=${2:?"$1 needs a value"}; shift 2 ;;
        -t | --threads) THREADS=${2:?"$1 needs a value"}; shift 2 ;;
        -p | --people) PEOPLE=${2:?"$1 needs a value"}; shift 2 ;;
        -W | --watch-sizes) [[ $# -ge 2 ]] || die "$1 needs a value"; WATCH_SIZES=$2; shift 2 ;;
        --planted) PLANTED=${2:?"$1 needs a value"}; shift 2 ;;
        --seed) SEED=${2:?"$1 needs a value"}; shift 2 ;;
        --grep-max) GREP_MAX=${2:?"$1 needs a value"}; shift 2 ;;
        --skip) SKIP=${2:?"$1 needs a value"}; shift 2 ;;
        -q | --quick) QUICK=1; shift ;;
        -d | --dir) BENCH=${2:?"$1 needs a value"}; shift 2 ;;
        --no-install) INSTALL=0; shift ;;
        --regen) REGEN=1; shift ;;
        --skip-build) SKIP_BUILD=1; shift ;;
        -B | --baseline-bin) [[ -n ${2:-} ]] || die "$1 needs a value"; BASELINE=$2; shift 2 ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; die "unknown argument: $1" ;;
    esac
done

if ((QUICK == 1)); then
    SIZE_MB=${SIZE_MB:-20}
    RUNS=${RUNS:-1}
    BENCH=${BENCH:-target/bench/quick}
fi
SIZE_MB=${SIZE_MB:-1100}
RUNS=${RUNS:-3}
BENCH=${BENCH:-target/bench}

# require_int NAME VALUE MIN — dies unless VALUE is an integer >= MIN.
require_int() {
    [[ $2 =~ ^[0-9]+$ ]] && (($2 >= $3)) && return 0
    die "$1 must be an integer >= $3, not '$2'"
}
case "$FORMAT" in
    csv | ndjson | json | mysql | pgcopy) ;;
    *) die "--format must be one of csv ndjson json mysql pgcopy, not '$FORMAT'" ;;
esac
if [[ $FORMAT != csv ]]; then CLASSIC=1; fi
[[ $SIZE_MB =~ ^[0-9]+([.][0-9]+)?$ ]] || die "--size-mb must be a number, not '$SIZE_MB'"
require_int --runs "$RUNS" 1
require_int --people "$PEOPLE" 1
require_int --planted "$PLANTED" 0
((PLANTED <= PEOPLE)) || die "--planted ($PLANTED) must not exceed --people ($PEOPLE)"
((PEOPLE <= 999999)) || die "--people must be at most 999999"
require_int --seed "$SEED" 0
require_int --grep-max "$GREP_MAX" 0
[[ -n ${THREADS// /} ]] || die "--threads needs at least one thread count"
REF_T=0
MIN_T=
for t in $THREADS; do
    require_int "--threads entry" "$t" 1
    if ((t > REF_T)); then REF_T=$t; fi
    if [[ -z $MIN_T ]] || ((t < MIN_T)); then MIN_T=$t; fi
done
# Watchlist sizes: K, then the larger ones, ascending, without repeats.
SIZES=$PEOPLE
if ((CLASSIC == 0)); then
    for n in $WATCH_SIZES; do
        require_int "--watch-sizes entry" "$n" $((PEOPLE + 1))
        ((n <= 9999999)) || die "--watch-sizes entries must be at most 9999999"
    done
    read -r -a more <<<"$WATCH_SIZES"
    SIZES=$(printf '%s\n' "$PEOPLE" "${more[@]}" | sort -n -u | tr '\n' ' ')
    SIZES=${SIZES% }
fi
read -r -a SIZE_LIST <<<"$SIZES"
MAX_SIZE=${SIZE_LIST[${#SIZE_LIST[@]} - 1]}
REF_SIZE=${SIZE_LIST[0]}
if ((${#SIZE_LIST[@]} > 1)); then REF_SIZE=${SIZE_LIST[1]}; fi
for part in $SKIP; do
    case "$part" in
        keyed | ndjson | messy | load | inspect | grep | rg | duckdb | nohash) ;;
        *) die "--skip: unknown part '$part' (keyed ndjson messy load inspect grep rg duckdb nohash)" ;;
    esac
done
skipped() { [[ " $SKIP " == *" $1 "* ]]; }
BASELINE_ID=
if [[ -n $BASELINE ]]; then
    ((CLASSIC == 0)) || die "--baseline-bin needs the csv suite"
    if [[ $BASELINE != */* ]]; then
        found=$(command -v -- "$BASELINE") || die "--baseline-bin: $BASELINE is not on PATH"
        BASELINE=$found
    fi
    [[ -f $BASELINE && -x $BASELINE ]] || die "--baseline-bin: $BASELINE is not an executable file"
    # Absolute (the script changes directory), but a symlink keeps the name it was given.
    [[ $BASELINE == /* ]] || BASELINE=$PWD/$BASELINE
    BASELINE_ID=$("$BASELINE" --version 2>/dev/null | sed -n 1p) || true
    [[ $BASELINE_ID == "leakcheck "* ]] ||
        die "--baseline-bin: $BASELINE --version does not print 'leakcheck ...': not a leakcheck build"
    BASELINE_ID="$BASELINE_ID, sha256 $(sha256sum "$BASELINE" | cut -c1-12)"
fi

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
LEAKCHECK=target/release/leakcheck
GENDUMP=target/release/examples/gendump
# csv keeps the historical names; another format suffixes every file but the dump.
SUFFIX=
if [[ $FORMAT != csv ]]; then SUFFIX=.$FORMAT; fi
if ((CLASSIC == 1)); then
    RESULTS=$BENCH/results${SUFFIX:-.classic}.md
    LOGS=$BENCH/logs${SUFFIX:-.classic}
else
    RESULTS=$BENCH/results.md
    LOGS=$BENCH/logs
fi
mkdir -p "$BENCH" "$LOGS"
SCRATCH=$(mktemp -d /tmp/lc-bench.XXXXXX)
trap 'rm -rf "$SCRATCH"' EXIT

if ! /usr/bin/time -f '%e %M' -o "$SCRATCH/time-check" true 2>/dev/null; then
    die "needs GNU time at /usr/bin/time (Debian/Ubuntu: apt-get install time)"
fi

# --- (a) build ------------------------------------------------------------------------------
if ((SKIP_BUILD == 0)); then
    note "cargo build --release"
    cargo build --release
    note "cargo build --release --features examples --example gendump"
    cargo build --release --features examples --example gendump
fi
[[ -x $LEAKCHECK ]] || die "$LEAKCHECK does not exist (build failed, or --skip-build without a build)"

# --- (b) tools ------------------------------------------------------------------------------
HAVE_RG=0
HAVE_DUCKDB=0
if ((CLASSIC == 1)) || ! skipped rg; then
    if ! command -v rg >/dev/null && ((INSTALL == 1)); then
        note "ripgrep is missing: installing it (apt-get install -y ripgrep)"
        apt-get install -y ripgrep >"$LOGS/install-ripgrep.log" 2>&1 ||
            note "could not install ripgrep (see $LOGS/install-ripgrep.log): rg rows skipped"
    fi
    if command -v rg >/dev/null; then HAVE_RG=1; else note "rg not found: rg rows skipped"; fi
fi
if ((CLASSIC == 0)) && ! skipped duckdb; then
    if ! python3 -c 'import duckdb' 2>/dev/null && ((INSTALL == 1)); then
        note "the duckdb Python package is missing: installing it (pip install duckdb)"
        python3 -m pip install duckdb >"$LOGS/install-duckdb.log" 2>&1 ||
            note "could not install duckdb (see $LOGS/install-duckdb.log): DuckDB rows skipped"
    fi
    if python3 -c 'import duckdb' 2>/dev/null; then
        HAVE_DUCKDB=1
    else
        note "python3 cannot import duckdb: DuckDB rows skipped"
    fi
fi

# --- (c) data -------------------------------------------------------------------------------
# A stamp names everything a file depends on, the generator's source included, so a changed
# size or generator regenerates instead of silently benchmarking stale data.
GENDUMP_SRC=$(sha256sum examples/gendump.rs | cut -c1-16)
need_gendump() { [[ -x $GENDUMP ]] || die "$GENDUMP does not exist; run without --skip-build"; }

# ensure_dump F [messy] — dump.F, watchlist[.F].csv (K people), truth[.F].csv, gendump[.F].log;
# with messy (CSV only): dump.messy.csv, watchlist.messy.csv, truth.messy.csv, gendump.messy.log.
ensure_dump() {
    local f=$1 s= messy=${2:-}
    if [[ $f != csv ]]; then s=.$f; fi
    if [[ -n $messy ]]; then s=.messy; fi
    local dump=$BENCH/dump$s.csv watch=$BENCH/watchlist$s.csv truth=$BENCH/truth$s.csv
    if [[ -z $messy ]]; then dump=$BENCH/dump.$f; fi
    local stamp=$BENCH/dump$s.params log=$BENCH/gendump$s.log
    local params="format=$f${messy:+ messy} size_mb=$SIZE_MB people=$PEOPLE planted=$PLANTED seed=$SEED gendump=$GENDUMP_SRC"
    if ((REGEN == 1)) || [[ ! -s $dump || ! -s $watch || ! -s $truth || "$(cat "$stamp" 2>/dev/null)" != "$params" ]]; then
        need_gendump
        rm -f "$stamp"
        note "generating $dump ($SIZE_MB MB of CSV records) and $watch ($PEOPLE people, $PLANTED planted)"
        "$GENDUMP" --format "$f" ${messy:+--messy} --size-mb "$SIZE_MB" --out "$dump" --watch-out "$watch" \
            --watch-people "$PEOPLE" --planted "$PLANTED" --seed "$SEED" --truth-out "$truth" 2>"$log" ||
            { cat "$log" >&2; die "gendump failed"; }
        cat "$log" >&2
        echo "$params" >"$stamp"
    else
        note "reusing $dump ($params)"
    fi
}

# ensure_watchlists — watchlist-N.csv for every size N > K: the first N rows of one list of
# MAX_SIZE people (gendump --extra-people), checked to begin with watchlist.csv.
ensure_watchlists() {
    local big=$BENCH/watchlist-$MAX_SIZE.csv stamp=$BENCH/watchlists.params n
    local params="people=$PEOPLE planted=$PLANTED seed=$SEED sizes=$SIZES gendump=$GENDUMP_SRC"
    local missing=0
    for n in "${SIZE_LIST[@]:1}"; do [[ -s $BENCH/watchlist-$n.csv ]] || missing=1; done
    if ((REGEN == 1 || missing == 1)) || [[ "$(cat "$stamp" 2>/dev/null)" != "$params" ]]; then
        need_gendump
        rm -f "$stamp"
        note "generating $big ($PEOPLE people, then $((MAX_SIZE - PEOPLE)) who are in no dump)"
        "$GENDUMP" --size-mb 0 --out "$SCRATCH/planted-only.csv" --watch-out "$big" \
            --watch-people "$PEOPLE" --planted "$PLANTED" --seed "$SEED" \
            --extra-people $((MAX_SIZE - PEOPLE)) 2>"$LOGS/gendump-watchlists.log" ||
            { cat "$LOGS/gendump-watchlists.log" >&2; die "gendump --extra-people failed"; }
        head -n $((PEOPLE + 1)) "$big" | cmp -s - "$BENCH/watchlist.csv" ||
            die "the first $PEOPLE people of $big differ from $BENCH/watchlist.csv: the truth would not hold"
        for n in "${SIZE_LIST[@]:1}"; do
            if ((n != MAX_SIZE)); then head -n $((n + 1)) "$big" >"$BENCH/watchlist-$n.csv"; fi
        done
        echo "$params" >"$stamp"
    else
        note "reusing the watchlists of $SIZES people ($params)"
    fi
}

# watch_file N — the watchlist of N people.
watch_file() {
    if (($1 == PEOPLE)); then echo "$BENCH/watchlist$SUFFIX.csv"; else echo "$BENCH/watchlist-$1.csv"; fi
}

# raw_values N — raw-N.txt: watchlist N's NIKs (2nd column, never quoted) and phones (last
# column; a quoted name may hold a comma, the phone never does) as written, one per line.
raw_values() {
    local out=$BENCH/raw$SUFFIX-$1.txt
    awk -F, 'NR > 1 { if ($2 != "") print $2; if ($NF != "") print $NF }' "$(watch_file "$1")" >"$out"
    [[ -s $out ]] || die "no raw values in $(watch_file "$1")"
    echo "$out"
}

if ((CLASSIC == 1)); then
    ensure_dump "$FORMAT"
else
    ensure_dump csv
    if ! skipped ndjson; then ensure_dump ndjson; fi
    if ! skipped messy; then
        ensure_dump csv messy
        # The messy dump's watchlist is the clean one, so every watchlist-N serves it too.
        cmp -s "$BENCH/watchlist.messy.csv" "$BENCH/watchlist.csv" ||
            die "gendump --messy wrote another watchlist than without it: the truth would not hold"
    fi
    if ((${#SIZE_LIST[@]} > 1)); then ensure_watchlists; fi
fi
DUMP=$BENCH/dump.$FORMAT
TRUTH=$BENCH/truth$SUFFIX.csv
DUMP_BYTES=$(stat -c %s "$DUMP")
# records_of LOG — the record count gendump logged.
records_of() { grep -o '[0-9]* records' "$1" 2>/dev/null | sed -n 1p | grep -o '^[0-9]*' || true; }
RECORDS=$(records_of "$BENCH/gendump$SUFFIX.log")
EXPECTED=$(($(wc -l <"$TRUTH") - 1))
KEY=$BENCH/bench.key
printf '%s' 'leakcheck-bench-key-0123456789ab' >"$KEY" # 32 bytes, no newline; a test key
TINY=$BENCH/tiny.csv
printf '%s\n' 'nik,nama,tgl_lahir,no_hp,jenis_kelamin,alamat,kota,faskes,kelas' \
    '3201010101900001,Contoh Saja,1990-01-01,081200000000,L,Jl. Contoh No. 1,Kota Contoh,RS Contoh,1' >"$TINY"

# --- (d) configurations ---------------------------------------------------------------------
# Parallel arrays, one entry per configuration, in table order.
C_KIND=() C_TOOL=() C_WATCH=() C_THREADS=() C_BYTES=() C_TRUTH=() C_OUT=() C_OK=() C_CMD=() C_TAG=() C_KEY=()
# Records of a row's input where it is not dump.csv's RECORDS (the messy rows).
C_RECS=()
declare -A IDX=()
# add KEY KIND TOOL WATCH THREADS BYTES TRUTH OUT OK -- CMD... ; KEY names it for the ratios.
add() {
    local i=${#C_KIND[@]}
    IDX[$1]=$i
    C_KEY[i]=$1
    C_KIND[i]=$2 C_TOOL[i]=$3 C_WATCH[i]=$4 C_THREADS[i]=$5 C_BYTES[i]=$6 C_TRUTH[i]=$7 C_OUT[i]=$8 C_OK[i]=$9
    shift 10
    C_CMD[i]=$(printf '%q ' "$@")
    C_TAG[i]=$(printf '%02d-%s-w%s-t%s' "$i" "${C_TOOL[i]}" "${C_WATCH[i]}" "${C_THREADS[i]}" | tr -c 'A-Za-z0-9\n-' '_')
}
# add_scan KEY TOOL INPUT SIZE THREADS TRUTH [EXTRA ARGS...] — a leakcheck scan row.
add_scan() {
    local key=$1 tool=$2 input=$3 size=$4 t=$5 truth=$6 out
    shift 6
    out=$LOGS/report-$key.json
    add "$key" leakcheck "$tool" "$size" "$t" "$(stat -c %s "$input")" "$truth" "$out" "0 1" -- \
        "$LEAKCHECK" scan "$input" --watch "$(watch_file "$size")" --format json --threads "$t" -o "$out" "$@"
}

for n in "${SIZE_LIST[@]}"; do
    for t in $THREADS; do
        add_scan "lc-$n-$t" leakcheck "$DUMP" "$n" "$t" "$TRUTH"
    done
done
if [[ -n $BASELINE ]]; then
    # Its report is checked against the truth like leakcheck's, but not compared byte for byte
    # with this build's: an older build writes an older report.
    for n in "${SIZE_LIST[@]}"; do
        for t in $THREADS; do
            out=$LOGS/report-base-$n-$t.json
            add "base-$n-$t" baseline "baseline" "$n" "$t" "$DUMP_BYTES" "$TRUTH" "$out" "0 1" -- \
                "$BASELINE" scan "$DUMP" --watch "$(watch_file "$n")" --format json --threads "$t" -o "$out"
        done
    done
fi
if ((CLASSIC == 0)); then
    if ! skipped keyed; then
        for t in $THREADS; do
            add_scan "keyed-$REF_SIZE-$t" "leakcheck keyed" "$DUMP" "$REF_SIZE" "$t" "$TRUTH" --key-file "$KEY"
        done
        # The same list hashed with `leakcheck hash`, unkeyed and keyed: digests only, so no
        # prefilter of canonical values, and every value of the dump is hashed.
        for keyed in "" keyed; do
            hashed=$BENCH/watchlist-$REF_SIZE.hashed${keyed:+-$keyed}.jsonl
            "$LEAKCHECK" hash "$(watch_file "$REF_SIZE")" -o "$hashed" ${keyed:+--key-file "$KEY"} 2>/dev/null ||
                die "leakcheck hash $(watch_file "$REF_SIZE") failed"
            out=$LOGS/report-hashed${keyed:+-$keyed}-$REF_SIZE-$REF_T.json
            add "hashed${keyed:+-$keyed}-$REF_SIZE-$REF_T" leakcheck "leakcheck hashed${keyed:+ $keyed} list" \
                "$REF_SIZE" "$REF_T" "$DUMP_BYTES" "$TRUTH" "$out" "0 1" -- \
                "$LEAKCHECK" scan "$DUMP" --watch "$hashed" --format json --threads "$REF_T" -o "$out" \
                ${keyed:+--key-file "$KEY"}
        done
    fi
    if ! skipped ndjson; then
        add_scan "ndjson-$REF_SIZE-$REF_T" "leakcheck ndjson" "$BENCH/dump.ndjson" "$REF_SIZE" "$REF_T" \
            "$BENCH/truth.ndjson.csv"
    fi
    if ! skipped messy; then
        MESSY_RECORDS=$(records_of "$BENCH/gendump.messy.log")
        for t in $THREADS; do
            add_scan "messy-$REF_SIZE-$t" "leakcheck messy" "$BENCH/dump.messy.csv" "$REF_SIZE" "$t" \
                "$BENCH/truth.messy.csv"
            C_RECS[${IDX[messy-$REF_SIZE-$t]}]=$MESSY_RECORDS
        done
    fi
    if ! skipped inspect; then
        for t in $THREADS; do
            # Its JSON report is the run's stdout, kept in the run's log.
            add "inspect-$t" inspect "leakcheck inspect --full" 0 "$t" "$DUMP_BYTES" "" "" "0" -- \
                "$LEAKCHECK" inspect "$DUMP" --full --format json --no-progress --threads "$t"
        done
    fi
    if ! skipped load; then
        for n in "${SIZE_LIST[@]}"; do
            add "load-$n" load "leakcheck load" "$n" "$REF_T" 0 "" "$SCRATCH/load-report.json" "0 1" -- \
                "$LEAKCHECK" scan "$TINY" --watch "$(watch_file "$n")" --format json --threads "$REF_T" \
                -o "$SCRATCH/load-report.json"
        done
    fi
fi
for n in "${SIZE_LIST[@]}"; do
    ((CLASSIC == 1 || n <= GREP_MAX)) || continue
    raw=$(raw_values "$n")
    if ((CLASSIC == 1)) || ! skipped grep; then
        add "grep-$n" lines "grep -F" "$n" 1 "$DUMP_BYTES" "$TRUTH" "" "0 1" -- \
            env LC_ALL=C grep -n -F -f "$raw" "$DUMP"
    fi
    if ((HAVE_RG == 1)); then
        add "rg-$n" lines "rg -F" "$n" 1 "$DUMP_BYTES" "$TRUTH" "" "0 1" -- \
            env LC_ALL=C rg -n -F -f "$raw" "$DUMP"
    fi
done
DIGEST_NOTE=
if ((HAVE_DUCKDB == 1)); then
    ref_watch=$(watch_file "$REF_SIZE")
    add "duckdb-$REF_SIZE" duckdb "duckdb sha256" "$REF_SIZE" "$REF_T" "$DUMP_BYTES" "$TRUTH" \
        "$LOGS/duckdb-matches.csv" "0" -- python3 scripts/bench_duckdb.py --dump "$DUMP" \
        --watch "$ref_watch" --threads "$REF_T" --out "$LOGS/duckdb-matches.csv"
    if ! skipped nohash; then
        add "duckdb-nohash-$REF_SIZE" duckdb "duckdb no-hash" "$REF_SIZE" "$REF_T" "$DUMP_BYTES" "$TRUTH" \
            "$LOGS/duckdb-nohash-matches.csv" "0" -- python3 scripts/bench_duckdb.py --dump "$DUMP" \
            --watch "$ref_watch" --threads "$REF_T" --out "$LOGS/duckdb-nohash-matches.csv" --no-hash
    fi
    # Untimed: the SQL's watchlist digests must be leakcheck's (`leakcheck hash`, unkeyed).
    note "checking the DuckDB digests of $ref_watch against leakcheck hash"
    "$LEAKCHECK" hash "$ref_watch" -o "$LOGS/watchlist-hashed.jsonl" 2>"$LOGS/hash.err" ||
        { cat "$LOGS/hash.err" >&2; die "leakcheck hash failed"; }
    if DIGEST_NOTE=$(python3 scripts/bench_duckdb.py --watch "$ref_watch" \
        --compare-hashed "$LOGS/watchlist-hashed.jsonl" 2>&1); then
        DIGEST_NOTE="DuckDB's SQL digests of watchlist $(people "$REF_SIZE") vs leakcheck hash's: ${DIGEST_NOTE#watchlist digests: }"
    else
        DIGEST_NOTE="WARNING: DuckDB's SQL does not reproduce leakcheck hash's digests of watchlist $(people "$REF_SIZE"): $DIGEST_NOTE"
        note "$DIGEST_NOTE"
    fi
fi

# --- (e) warm the page cache ------------------------------------------------------------------
inputs=("$DUMP")
if ((CLASSIC == 0)) && ! skipped ndjson; then inputs+=("$BENCH/dump.ndjson"); fi
if ((CLASSIC == 0)) && ! skipped messy; then inputs+=("$BENCH/dump.messy.csv"); fi
need_kb=$(stat -c %s "${inputs[@]}" | awk '{ kb += $1 / 1024 } END { printf "%d", kb }')
avail_kb=$(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo)
if ((need_kb > avail_kb * 8 / 10)); then
    note "WARNING: the dumps ($((need_kb >> 10)) MiB) do not fit in the page cache" \
        "($((avail_kb >> 10)) MiB available): runs will measure the disk"
fi
note "warming the page cache"
cat "${inputs[@]}" >/dev/null

# --- (f) timing -----------------------------------------------------------------------------
SECS=()
RSS=()
# run_one I R — run R of configuration I under GNU time (for the peak RSS; the wall time
# comes from bash's microsecond clock, as GNU time has only 10 ms steps).
run_one() {
    local i=$1 r=$2 rc=0 e m log t0 t1
    local -a cmd
    eval "cmd=(${C_CMD[i]})"
    log=$LOGS/${C_TAG[i]}-run$r
    t0=$EPOCHREALTIME
    /usr/bin/time -f '%e %M' -o "$log.time" "${cmd[@]}" >"$log.out" 2>"$log.err" || rc=$?
    t1=$EPOCHREALTIME
    if [[ " ${C_OK[i]} " != *" $rc "* ]]; then
        echo "--- ${C_TOOL[i]} (watchlist ${C_WATCH[i]}, threads ${C_THREADS[i]}) exited $rc; stderr tail:" >&2
        tail -n 20 "$log.err" >&2
        die "${C_TOOL[i]} failed (exit $rc): ${C_CMD[i]}"
    fi
    # GNU time writes "Command exited with non-zero status N" first on exit != 0.
    read -r e m <<<"$(tail -n 1 "$log.time")"
    e=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
    SECS[i]="${SECS[i]:-} $e"
    if ((m > ${RSS[i]:-0})); then RSS[i]=$m; fi
    note "run $r/$RUNS ${C_TOOL[i]} watchlist=${C_WATCH[i]} threads=${C_THREADS[i]}: ${e}s," \
        "peak RSS $((m / 1024)) MB, exit $rc"
}
# The order of a round: the table's, but for the rows compared with a clean row, which run next
# to it (its baseline before it, the messy row after it), so that the runs of a pair are seconds
# apart; every other round runs backwards, so neither side of a pair always runs first.
ORDER=()
declare -A PLACED=()
for ((i = 0; i < ${#C_KIND[@]}; i++)); do
    [[ -z ${PLACED[$i]:-} ]] || continue
    group=("$i")
    if [[ ${C_KEY[i]} == lc-* ]]; then
        pair=${C_KEY[i]#lc-}
        if [[ -n ${IDX[base-$pair]:-} ]]; then group=("${IDX[base-$pair]}" "${group[@]}"); fi
        if [[ -n ${IDX[messy-$pair]:-} ]]; then group+=("${IDX[messy-$pair]}"); fi
    fi
    for j in "${group[@]}"; do
        ORDER+=("$j")
        PLACED[$j]=1
    done
done
for ((r = 1; r <= RUNS; r++)); do
    for ((k = 0; k < ${#ORDER[@]}; k++)); do
        i=${ORDER[k]}
        if ((r % 2 == 0)); then i=${ORDER[${#ORDER[@]} - 1 - k]}; fi
        if [[ ${C_KIND[i]} == leakcheck || ${C_KIND[i]} == baseline ]]; then rm -f "${C_OUT[i]}"; fi
        run_one "$i" "$r"
    done
done

# median "S1 S2 ..." — the median of the seconds, 3 decimals.
median() {
    # shellcheck disable=SC2086 # split the list into one argument per run
    printf '%s\n' $1 | sort -n |
        awk '{ a[NR] = $1 } END { printf "%.3f", (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
MED=()
for ((i = 0; i < ${#C_KIND[@]}; i++)); do MED[i]=$(median "${SECS[i]}"); done

# --- (g) ground truth ---------------------------------------------------------------------------
CHECK_FAILURES=()
# The rows whose check failed (ROW is the row being checked): their ratios are marked.
declare -A BAD=()
ROW=
fail_check() {
    if [[ -n $ROW ]]; then BAD[$ROW]=1; fi
    CHECK_FAILURES+=("$*")
    echo "bench.sh: CHECK FAILED: $*" >&2
}
# found_of SORTED_TRUTH_KEYS SORTED_MATCHED_KEYS — "x/P" plus "+N other" when more matched.
found_of() {
    local hit all
    hit=$(comm -12 "$1" "$2" | wc -l)
    all=$(wc -l <"$2")
    if ((all > hit)); then echo "$hit/$EXPECTED +$((all - hit)) other"; else echo "$hit/$EXPECTED"; fi
}
declare -A FIRST_REPORT=()
FOUND=()
command -v jq >/dev/null || note "jq is not installed: leakcheck reports get only a summary check"
for ((i = 0; i < ${#C_KIND[@]}; i++)); do
    tag=${C_TAG[i]} truth=${C_TRUTH[i]} ROW=$i
    case "${C_KIND[i]}" in
        leakcheck | baseline)
            report=${C_OUT[i]} what="${C_TOOL[i]} watchlist=${C_WATCH[i]} threads=${C_THREADS[i]}"
            [[ -s $report ]] || { fail_check "$what: no report $report"; FOUND[i]="?"; continue; }
            if ! command -v jq >/dev/null; then
                got=$(grep -o '"exposed_records": *[0-9]*' "$report" | sed -n 1p | grep -o '[0-9]*$' || true)
                [[ $got == "$EXPECTED" ]] || fail_check "$what: exposed_records=${got:-missing}, expected $EXPECTED"
                FOUND[i]="${got:-?}/$EXPECTED?"
                continue
            fi
            FOUND[i]="?"
            # A report from another build (--baseline-bin) may be anything: checked before use.
            if ! jq -e '(.summary | type == "object") and (.exposures | type == "array")' "$report" >/dev/null 2>&1; then
                fail_check "$what: $report is not a JSON report with a summary and exposures"
                continue
            fi
            tail -n +2 "$truth" | cut -d, -f2 | sort -u >"$LOGS/$tag.truth-records"
            jq -r '.exposures[] | select(.confidence == "exposed") | .record' "$report" 2>/dev/null |
                sort -u >"$LOGS/$tag.found" || true
            FOUND[i]=$(found_of "$LOGS/$tag.truth-records" "$LOGS/$tag.found")
            got=$(jq -r '.summary | "\(.exposed_records) \(.watch_entries_exposed) \(.possible_records)"' "$report")
            [[ $got == "$EXPECTED $EXPECTED 0" ]] ||
                fail_check "$what: exposed_records watch_entries_exposed possible_records = $got, expected $EXPECTED $EXPECTED 0"
            # The whole list loaded and the whole dump read: a build that did less would look fast.
            got=$(jq -r '.summary | "\(.watch_entries) \(.watchlist_skipped) \(.complete)"' "$report")
            [[ $got == "${C_WATCH[i]} 0 true" ]] ||
                fail_check "$what: watch_entries watchlist_skipped complete = $got, expected ${C_WATCH[i]} 0 true"
            want=${C_RECS[i]:-$RECORDS}
            if [[ -n $want ]]; then
                got=$(jq -r '.summary.records' "$report")
                [[ $got == "$want" ]] || fail_check "$what: records = $got, expected $want"
            fi
            tail -n +2 "$truth" | jq -rR 'split(",") | .[3] |= (split("+") | sort | join("+")) | join(",")' |
                sort >"$LOGS/$tag.truth-sorted"
            if [[ ${C_KIND[i]} == baseline ]]; then
                # An older build may name other kinds (before rules 1.1 a name that matched
                # with its birth date was listed as `name` too): the people and records count.
                cut -d, -f1-3 "$LOGS/$tag.truth-sorted" >"$LOGS/$tag.truth-sorted.who"
                if ! jq -r '.exposures[] | "\(.watch),\(.record),\(.line)"' "$report" 2>/dev/null |
                    sort >"$LOGS/$tag.exposures.who"; then
                    fail_check "$what: $report: exposures without watch, record and line"
                elif ! cmp -s "$LOGS/$tag.truth-sorted.who" "$LOGS/$tag.exposures.who"; then
                    fail_check "$what: exposures (watch,record,line) differ from $truth;" \
                        "see: diff $LOGS/$tag.truth-sorted.who $LOGS/$tag.exposures.who"
                fi
                continue
            fi
            # Kinds are compared as sets: SPEC §7 does not fix the order of `matched`.
            jq -r '.exposures[] | "\(.watch),\(.record),\(.line),\(.matched | sort | join("+"))"' "$report" |
                sort >"$LOGS/$tag.exposures"
            cmp -s "$LOGS/$tag.truth-sorted" "$LOGS/$tag.exposures" ||
                fail_check "$what: exposures (watch,record,line,matched) differ from $truth;" \
                    "see: diff $LOGS/$tag.truth-sorted $LOGS/$tag.exposures"
            # The same input and watchlist must give the same report at any thread count, plain or
            # hashed, apart from when it started and how long it took (report 1.1's started_at)
            # and which list file it read (report 1.1's watchlists: path, format, SHA-256). Keyed
            # runs are compared with keyed ones: SPEC §7 keys their fingerprints.
            jq -S 'del(.summary.elapsed_ms, .started_at, .watchlists)' "$report" >"$LOGS/$tag.report"
            group="${C_BYTES[i]}-${C_WATCH[i]}-keyed=$(jq '[.watchlists[].keyed] | any' "$report")"
            if [[ -n ${FIRST_REPORT[$group]:-} ]] && ! cmp -s "${FIRST_REPORT[$group]}" "$LOGS/$tag.report"; then
                fail_check "$what: report differs from ${FIRST_REPORT[$group]} (beyond elapsed_ms, started_at and watchlists)"
            fi
            FIRST_REPORT[$group]=${FIRST_REPORT[$group]:-$LOGS/$tag.report}
            ;;
        lines)
            tail -n +2 "$truth" | cut -d, -f3 | sort -u >"$LOGS/$tag.truth-lines"
            cut -d: -f1 "$LOGS/$tag-run$RUNS.out" | sort -u >"$LOGS/$tag.found"
            FOUND[i]=$(found_of "$LOGS/$tag.truth-lines" "$LOGS/$tag.found")
            ;;
        inspect)
            report=$LOGS/$tag-run$RUNS.out what="inspect threads=${C_THREADS[i]}"
            FOUND[i]="—"
            [[ -s $report ]] || { fail_check "$what: no report $report"; continue; }
            if command -v jq >/dev/null; then
                got=$(jq -r '.inputs[0].records_read' "$report")
                [[ -z $RECORDS || $got == "$RECORDS" ]] || fail_check "$what: records_read=$got, expected $RECORDS"
                jq -S . "$report" >"$LOGS/$tag.report"
                if [[ -n ${FIRST_REPORT[inspect]:-} ]] && ! cmp -s "${FIRST_REPORT[inspect]}" "$LOGS/$tag.report"; then
                    fail_check "$what: report differs from ${FIRST_REPORT[inspect]}"
                fi
                FIRST_REPORT[inspect]=${FIRST_REPORT[inspect]:-$LOGS/$tag.report}
            fi
            ;;
        duckdb)
            tail -n +2 "$truth" | cut -d, -f2 | sort -u >"$LOGS/$tag.truth-records"
            awk -F, 'NR > 1 && $3 ~ /nik|phone|name_dob/ { print $1 }' "${C_OUT[i]}" | sort -u >"$LOGS/$tag.found"
            FOUND[i]=$(found_of "$LOGS/$tag.truth-records" "$LOGS/$tag.found")
            ;;
        *) FOUND[i]="—" ;;
    esac
done

# --- (h) table ------------------------------------------------------------------------------
# ratio A B — A/B with 2 decimals, or n/a.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b <= 0) print "n/a"; else printf "%.2f", a / b }'; }
med_of() { local i=${IDX[$1]:-}; [[ -n $i ]] && echo "${MED[i]}"; }
fmt_int() { printf "%'d" "$1" 2>/dev/null || echo "$1"; }
# paired KEY_A KEY_B SCALE — row A's speed against row B's round by round (SCALE × B's seconds /
# A's seconds in the same round; the two run one after the other, so what the VM's drift does
# to both is left out, not what it does within seconds): "median (lowest–highest)" of the
# rounds' ratios, or n/a.
paired() {
    local a=${IDX[$1]:-} b=${IDX[$2]:-}
    [[ -n $a && -n $b ]] || { echo n/a; return; }
    awk -v sa="${SECS[a]}" -v sb="${SECS[b]}" -v k="$3" -v bad="${BAD[$a]:-}${BAD[$b]:-}" 'BEGIN {
        n = split(sa, x, " "); if (split(sb, y, " ") != n || n == 0 || !(k > 0)) { print "n/a"; exit }
        if (bad != "") { print "n/a (a report check failed)"; exit }
        for (r = 1; r <= n; r++) { if (x[r] <= 0) { print "n/a"; exit } v[r] = k * y[r] / x[r] }
        for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
        m = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
        printf "%.2f× (%.2f–%.2f)", m, v[1], v[n] }'
}

cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
mem_gb=$(awk '/^MemTotal:/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n $(git status --porcelain -- src Cargo.toml Cargo.lock 2>/dev/null) ]]; then commit="$commit + uncommitted src changes"; fi
versions="$("$LEAKCHECK" --version 2>/dev/null | sed -n 1p); $(grep --version | sed -n 1p)"
if ((HAVE_RG == 1)); then versions="$versions; $(rg --version | sed -n 1p)"; fi
if ((HAVE_DUCKDB == 1)); then versions="$versions; duckdb $(python3 -c 'import duckdb; print(duckdb.__version__)')"; fi
{
    echo "Machine: ${cpu:-unknown CPU}, $(nproc) CPUs, ${mem_gb} GB RAM, $(uname -sr); $(date -u +%Y-%m-%d); commit $commit"
    echo "Tools: $versions"
    line="Input: $DUMP ($FORMAT), $(fmt_int "$DUMP_BYTES") bytes, $(fmt_int "${RECORDS:-0}") records"
    if ((CLASSIC == 0)) && ! skipped ndjson; then
        line="$line; the same records as NDJSON: $(fmt_int "$(stat -c %s "$BENCH/dump.ndjson")") bytes"
    fi
    echo "$line; warm page cache"
    if ((${#SIZE_LIST[@]} > 1)); then
        line="Watchlists: $(for n in "${SIZE_LIST[@]}"; do printf '%s, ' "$(people "$n")"; done)"
        line="${line%, } people, the first rows of one list; the same $EXPECTED planted people in each"
    else
        line="Watchlist: $(people "$PEOPLE") people, $EXPECTED of them planted"
    fi
    echo "$line; median of $RUNS run$(plural "$RUNS"), round-robin; MB = 10^6 bytes;" \
        "vs leakcheck = median / leakcheck's median at $REF_T thread$(plural "$REF_T") with the same watchlist"
    echo
    echo "| tool | watchlist | threads | median s | MB/s | records/s | peak RSS MB | planted found | vs leakcheck |"
    echo "|---|---:|---:|---:|---:|---:|---:|---|---:|"
    for ((i = 0; i < ${#C_KIND[@]}; i++)); do
        ref=$(med_of "lc-${C_WATCH[i]}-$REF_T" || true)
        vs=$(ratio "${MED[i]}" "$ref")
        if [[ ${C_KIND[i]} == load ]]; then vs=n/a; fi
        if [[ ${C_KIND[i]} == inspect ]]; then vs=$(ratio "${MED[i]}" "$(med_of "lc-$PEOPLE-$REF_T")"); fi
        w=$(people "${C_WATCH[i]}")
        if [[ ${C_KIND[i]} == inspect ]]; then w="—"; fi
        awk -v tool="${C_TOOL[i]}" -v w="$w" -v t="${C_THREADS[i]}" -v s="${MED[i]}" \
            -v b="${C_BYTES[i]}" -v n="${C_RECS[i]:-${RECORDS:-0}}" -v rss="${RSS[i]}" -v found="${FOUND[i]}" -v vs="$vs" 'BEGIN {
            mbs = (b > 0 && s > 0) ? b / 1e6 / s : -1
            rps = (b > 0 && s > 0 && n > 0) ? n / s : -1
            printf "| %s | %s | %s | %s | %s | %s | %.1f | %s | %s |\n", tool, w, t,
                sprintf(s < 1 ? "%.3f" : "%.2f", s),
                (mbs < 0 ? "—" : sprintf(mbs >= 100 ? "%.0f" : "%.1f", mbs)),
                (rps < 0 ? "—" : sprintf("%.0f", rps)), rss / 1024, found, (vs == "n/a" ? "—" : vs "×") }'
    done
    echo
    if [[ $MIN_T != "$REF_T" ]]; then
        line="- leakcheck $REF_T-thread speedup over $MIN_T thread$(plural "$MIN_T") (time at $MIN_T / time at $REF_T):"
        for n in "${SIZE_LIST[@]}"; do
            line="$line $(people "$n") $(ratio "$(med_of "lc-$n-$MIN_T")" "$(med_of "lc-$n-$REF_T")")×,"
        done
        echo "${line%,}"
    fi
    if [[ -n $BASELINE ]]; then
        echo "- this build / baseline clean CSV records/s, each run next to the other (median of the" \
            "rounds' ratios, lowest–highest; baseline: $BASELINE, $BASELINE_ID):"
        for n in "${SIZE_LIST[@]}"; do
            line="  - watchlist $(people "$n"):"
            for t in $THREADS; do
                line="$line $(paired "lc-$n-$t" "base-$n-$t" 1) at $t thread$(plural "$t"),"
            done
            echo "${line%,}"
        done
    fi
    if [[ -n ${IDX[keyed-$REF_SIZE-$REF_T]:-} ]]; then
        line="- keyed (HMAC) / unkeyed time, watchlist $(people "$REF_SIZE"):"
        for t in $THREADS; do
            line="$line $(ratio "$(med_of "keyed-$REF_SIZE-$t")" "$(med_of "lc-$REF_SIZE-$t")")× at $t thread$(plural "$t"),"
        done
        echo "${line%,}"
    fi
    if [[ -n ${IDX[hashed-keyed-$REF_SIZE-$REF_T]:-} ]]; then
        echo "- hashed lists (every value hashed, no prefilter), watchlist $(people "$REF_SIZE"), $REF_T threads:" \
            "keyed / unkeyed $(ratio "$(med_of "hashed-keyed-$REF_SIZE-$REF_T")" "$(med_of "hashed-$REF_SIZE-$REF_T")")×;" \
            "unkeyed hashed / plain list $(ratio "$(med_of "hashed-$REF_SIZE-$REF_T")" "$(med_of "lc-$REF_SIZE-$REF_T")")×"
    fi
    if ((${#SIZE_LIST[@]} > 1)); then
        lo=${SIZE_LIST[0]} hi=$MAX_SIZE
        line="- watchlist $(people "$hi") vs $(people "$lo") at $REF_T threads: $(ratio "$(med_of "lc-$hi-$REF_T")" "$(med_of "lc-$lo-$REF_T")")× the time"
        if [[ -n ${IDX[load-$hi]:-} ]]; then
            scan_hi=$(awk -v a="$(med_of "lc-$hi-$REF_T")" -v b="$(med_of "load-$hi")" 'BEGIN { print a - b }')
            scan_lo=$(awk -v a="$(med_of "lc-$lo-$REF_T")" -v b="$(med_of "load-$lo")" 'BEGIN { print a - b }')
            line="$line; $(ratio "$scan_hi" "$scan_lo")× without the load time"
        fi
        echo "$line"
    fi
    if [[ -n ${IDX[load-$MAX_SIZE]:-} ]]; then
        line="- load time (scan of a 1-record dump):"
        for n in "${SIZE_LIST[@]}"; do
            line="$line $(people "$n") $(printf '%.2f' "$(med_of "load-$n")") s (peak RSS $(awk -v k="${RSS[${IDX[load-$n]}]}" 'BEGIN { printf "%.0f", k / 1024 }') MB),"
        done
        echo "${line%,}"
    fi
    if [[ -n ${IDX[inspect-$REF_T]:-} ]]; then
        line="- inspect --full / scan time, same dump, same threads:"
        for t in $THREADS; do
            line="$line $t thread$(plural "$t"): $(ratio "$(med_of "inspect-$t")" "$(med_of "lc-$PEOPLE-$t")")× the scan with watchlist $(people "$PEOPLE")"
            if [[ -n ${IDX[lc-$REF_SIZE-$t]:-} && $REF_SIZE != "$PEOPLE" ]]; then
                line="$line, $(ratio "$(med_of "inspect-$t")" "$(med_of "lc-$REF_SIZE-$t")")× with $(people "$REF_SIZE")"
            fi
            line="$line;"
        done
        echo "${line%;}"
    fi
    if [[ -n ${IDX[ndjson-$REF_SIZE-$REF_T]:-} ]]; then
        echo "- NDJSON / CSV time, same records, watchlist $(people "$REF_SIZE"), $REF_T threads:" \
            "$(ratio "$(med_of "ndjson-$REF_SIZE-$REF_T")" "$(med_of "lc-$REF_SIZE-$REF_T")")×"
    fi
    if [[ -n ${IDX[messy-$REF_SIZE-$REF_T]:-} ]]; then
        line="- messy / clean CSV records/s, watchlist $(people "$REF_SIZE") (issue 20's goal: at least 0.8):"
        for t in $THREADS; do
            line="$line $(awk -v mr="$MESSY_RECORDS" -v ms="$(med_of "messy-$REF_SIZE-$t")" \
                -v cr="$RECORDS" -v cs="$(med_of "lc-$REF_SIZE-$t")" \
                'BEGIN { if (ms > 0 && cs > 0 && cr > 0) printf "%.2f", (mr / ms) / (cr / cs); else print "n/a" }')× at $t thread$(plural "$t"),"
        done
        echo "${line%,}; messy CSV: $(fmt_int "$MESSY_RECORDS") records in $(fmt_int "$(stat -c %s "$BENCH/dump.messy.csv")") bytes"
        # The same runs paired by round: each round's messy run against its clean run.
        line="- the same, round by round (median of the rounds' ratios, lowest–highest):"
        for t in $THREADS; do
            line="$line $(paired "messy-$REF_SIZE-$t" "lc-$REF_SIZE-$t" "$(awk -v m="$MESSY_RECORDS" -v c="$RECORDS" 'BEGIN { if (m > 0 && c > 0) printf "%.9f", m / c }')") at $t thread$(plural "$t"),"
        done
        echo "${line%,}"
        # A messy record is longer and has one identity column more (the e-mail): per byte, the
        # same runs show what the spellings cost apart from the record's size.
        line="- messy / clean CSV MB/s, same runs (per byte rather than per record):"
        for t in $THREADS; do
            line="$line $(awk -v mb="$(stat -c %s "$BENCH/dump.messy.csv")" -v ms="$(med_of "messy-$REF_SIZE-$t")" \
                -v cb="$(stat -c %s "$BENCH/dump.csv")" -v cs="$(med_of "lc-$REF_SIZE-$t")" \
                'BEGIN { if (ms > 0 && cs > 0 && cb > 0) printf "%.2f", (mb / ms) / (cb / cs); else print "n/a" }')× at $t thread$(plural "$t"),"
        done
        echo "${line%,}"
    fi
    if [[ -n ${IDX[duckdb-$REF_SIZE]:-} ]]; then
        line="- DuckDB / leakcheck time, watchlist $(people "$REF_SIZE"), $REF_T threads:"
        line="$line sha256 $(ratio "$(med_of "duckdb-$REF_SIZE")" "$(med_of "lc-$REF_SIZE-$REF_T")")×"
        if [[ -n ${IDX[duckdb-nohash-$REF_SIZE]:-} ]]; then
            line="$line, no-hash $(ratio "$(med_of "duckdb-nohash-$REF_SIZE")" "$(med_of "lc-$REF_SIZE-$REF_T")")×"
        fi
        echo "$line (leakcheck / DuckDB sha256 = $(ratio "$(med_of "lc-$REF_SIZE-$REF_T")" "$(med_of "duckdb-$REF_SIZE")"))"
        echo "- $DIGEST_NOTE"
    fi
    line=
    for n in "${SIZE_LIST[@]}"; do
        if [[ -n ${IDX[grep-$n]:-}${IDX[rg-$n]:-} ]]; then
            line="$line $(wc -l <"$BENCH/raw$SUFFIX-$n.txt") of watchlist $(people "$n"),"
        fi
    done
    if [[ -n $line ]]; then
        echo "- grep/rg search the raw NIKs and phones as the watchlist writes them (${line# }" \
            "one per line); a planted record counts as found when its line matched. The dump spells" \
            "most planted values differently (dots, spaces, ', .0, +62/0/62, dashes): what leakcheck" \
            "normalizes away."
    fi
} | tee "$RESULTS"

if ((${#CHECK_FAILURES[@]} > 0)); then
    echo >&2
    printf 'bench.sh: CHECK FAILED: %s\n' "${CHECK_FAILURES[@]}" >&2
    exit 3
fi
note "leakcheck reports match the ground truth ($EXPECTED planted records); table saved to $RESULTS"
