#!/usr/bin/env bash
# Round trip through the real database tools (issue 21): load the hard-values table of
# fixtures/producers/table.py (2,000 rows, 60 watched people present, 40 absent) into MariaDB,
# PostgreSQL and sqlite3, dump it every way users dump it, scan each dump with leakcheck against
# the table's watchlist, and check that every record and every watched person comes back at its
# record. Prints one line per dump (records read, bad, people found, exit) and exits non-zero if
# any dump falls short. With --update, runs on the 200-row table and copies the dumps into
# fixtures/producers/ (what the ordinary `cargo test` reads, without servers).
#
# A CI step of its own (.ci/run runs it after the tests): it installs mariadb-server, postgresql
# and sqlite3 from Debian when they are missing, and pandas from PyPI, runs private servers on
# Unix sockets under a temporary directory (no TCP port), and stops them on exit. Bounded: every
# server command has a timeout.
#
#   scripts/roundtrip.sh [--update] [path/to/leakcheck]
#   ROUNDTRIP_KEEP=DIR keeps the dumps, the watchlist and the expected pairs in DIR.
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
update=false
if [[ "${1:-}" == "--update" ]]; then update=true; shift; fi
leakcheck="${1:-$here/target/debug/leakcheck}"
[[ -x "$leakcheck" ]] || { echo "roundtrip: build leakcheck first (cargo build), or give its path" >&2; exit 2; }

rows=2000
if $update; then rows=200; fi
if ! command -v mariadbd >/dev/null || ! command -v pg_dump >/dev/null || ! command -v sqlite3 >/dev/null; then
  echo "roundtrip: installing mariadb-server postgresql sqlite3 from Debian" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mariadb-server postgresql sqlite3 >/dev/null
fi
python3 -c "import pandas" 2>/dev/null || pip install -q pandas

work="$(mktemp -d)"
chmod 755 "$work"
pgbin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)"
cleanup() {
  [[ -f "$work/my.pid" ]] && kill "$(cat "$work/my.pid")" 2>/dev/null || true
  [[ -d "$work/pg" ]] && su postgres -c "$pgbin/pg_ctl -D $work/pg -m immediate stop" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

python3 "$here/fixtures/producers/table.py" "$work/load.sql" "$work/watchlist.csv" "$work/expected.csv" "$rows"

# sqlite3: .dump of the table loaded as it is (standard strings, X'…' BLOBs).
mkdir -p "$work/out"
timeout 120 sqlite3 "$work/sqlite.db" <"$work/load.sql"
timeout 120 sqlite3 "$work/sqlite.db" .dump >"$work/out/sqlite_dump.sql"

# MariaDB: a private server on a socket, no networking.
mkdir -p "$work/tab"
chmod 777 "$work/tab"
mariadb-install-db --datadir="$work/my" --user=root >/dev/null 2>&1
mariadbd --datadir="$work/my" --socket="$work/my.sock" --skip-networking --user=root \
  --secure-file-priv="$work/tab" --pid-file="$work/my.pid" >"$work/my.log" 2>&1 &
my=(mariadb --socket="$work/my.sock" -uroot --default-character-set=utf8mb4)
for _ in $(seq 60); do "${my[@]}" -e "select 1" >/dev/null 2>&1 && break; sleep 1; done
"${my[@]}" -e "create database leak character set utf8mb4"
{ echo "SET sql_mode='NO_BACKSLASH_ESCAPES';"; cat "$work/load.sql"; } | timeout 120 "${my[@]}" leak
timeout 120 "${my[@]}" leak -B -e "SELECT * FROM pasien ORDER BY id" >"$work/out/select_B.tsv"
timeout 120 "${my[@]}" leak --xml -e "SELECT * FROM pasien ORDER BY id" >"$work/out/select_xml.xml"
dump=(mysqldump --socket="$work/my.sock" -uroot --default-character-set=utf8mb4)
timeout 120 "${dump[@]}" --tab="$work/tab" leak pasien
cp "$work/tab/pasien.txt" "$work/out/tab_pasien.txt"
timeout 120 "${dump[@]}" --xml --hex-blob leak pasien >"$work/out/xml_hex_blob.xml"
timeout 120 "${dump[@]}" leak pasien >"$work/out/mysqldump.sql"

# PostgreSQL: a private cluster on a socket, no TCP.
chown postgres "$work"
su postgres -c "$pgbin/initdb -D $work/pg -A trust -U postgres" >/dev/null
su postgres -c "$pgbin/pg_ctl -D $work/pg -o '-k $work -c listen_addresses=' -l $work/pg.log -w -t 60 start" >/dev/null
export PGHOST="$work" PGUSER=postgres
psql -q -c "create database leak"
sed 's/ BLOB)/ BYTEA)/; s/X'"'"'\([0-9a-f]*\)'"'"'/'"'"'\\x\1'"'"'::bytea/' "$work/load.sql" | timeout 120 psql -q -d leak
# Rows in id order on disk, so every dump writes them in the order the table made them (the free
# space map puts some rows of a 2,000-row load into earlier pages).
timeout 120 psql -q -d leak -c "CLUSTER pasien USING pasien_pkey"
timeout 120 psql -d leak -c "COPY (SELECT * FROM pasien ORDER BY id) TO STDOUT" >"$work/out/copy_to.txt"
timeout 120 psql -d leak -c "COPY (SELECT * FROM pasien ORDER BY id) TO STDOUT WITH (HEADER)" >"$work/out/copy_to_header.txt"
timeout 120 psql -d leak -c "COPY (SELECT * FROM pasien ORDER BY id) TO STDOUT WITH (FORMAT csv, HEADER)" >"$work/out/copy.csv"
timeout 120 pg_dump -d leak -f "$work/out/pg_dump.sql"
timeout 120 pg_dump -d leak --inserts -f "$work/out/pg_dump_inserts.sql"
timeout 120 pg_dump -d leak -Fc -f "$work/out/pasien.Fc"
timeout 120 pg_dump -d leak -Ft -f "$work/out/pasien.tar"
timeout 120 pg_dump -d leak -Fd -f "$work/out/pasien_Fd"
pg_restore -f - "$work/out/pasien.Fc" >"$work/out/pg_restore.sql"
# A dump cut in two at a line boundary: the second piece has no header comment.
split -n l/2 "$work/out/pg_dump_inserts.sql" "$work/out/inserts_split."

# pandas: to_json of a datetime64 column writes epoch milliseconds.
python3 - "$work/out" <<'EOF'
import sys, warnings
import pandas as pd
out = sys.argv[1]
warnings.simplefilter("ignore")
df = pd.read_csv(out + "/copy.csv", dtype=str, keep_default_na=False, na_values=[""])
df["tgl_lahir"] = pd.to_datetime(df["tgl_lahir"])
df = df.drop(columns=["catatan", "foto"])
df.to_json(out + "/to_json_records.json", orient="records")
df.to_json(out + "/to_json_lines.ndjson", orient="records", lines=True)
EOF

# Scan each dump (one or more pieces, as one scan): every record, none bad, every watched
# person at its record (numbered across the pieces in order), exit 1.
fail=0
check() {
  local files=()
  while [[ $# -gt 0 && "$1" != --* ]]; do files+=("$work/out/$1"); shift; done
  local report="$work/report.json"
  rm -f "$report" # a scan that writes no report fails, never passes on the last one
  set +e
  "$leakcheck" scan "${files[@]}" --watch "$work/watchlist.csv" -f json -o "$report" "$@" 2>/dev/null
  local code=$?
  set -e
  if python3 - "$report" "$work/expected.csv" "$code" "$rows" <<'EOF'
import csv, json, sys
report = json.load(open(sys.argv[1]))
want = sorted((int(r["record"]), r["watch"]) for r in csv.DictReader(open(sys.argv[2])))
offset, seen = {}, 0
for i in report["inputs"]:
    offset[i["path"]] = seen
    seen += i["records"]
got = sorted((e["record"] + offset[e["input"]], e["watch"]) for e in report["exposures"]
             if e["confidence"] == "exposed")
bad = sum(i["bad_records"] for i in report["inputs"])
rows = int(sys.argv[4])
ok = sys.argv[3] == "1" and seen == rows and bad == 0 and got == want
name = " + ".join(i["path"].rsplit("/", 1)[-1] for i in report["inputs"])
print("%s %-36s records %5d/%d bad %3d people %2d/%d exit %s" % (
    "ok  " if ok else "FAIL", name, seen, rows, bad, len(set(w for _, w in got)), len(want), sys.argv[3]))
sys.exit(0 if ok else 1)
EOF
  then :; else fail=1; fi
}
check sqlite_dump.sql
check select_B.tsv
check tab_pasien.txt --map name=3 --map dob=4
check copy_to.txt --map name=3 --map dob=4
check copy_to_header.txt
check copy.csv
check xml_hex_blob.xml
check select_xml.xml
check mysqldump.sql
check pg_dump.sql
check pg_dump_inserts.sql
check inserts_split.aa inserts_split.ab --map name=3 --map dob=4 # the second piece has no CREATE TABLE
check pg_restore.sql
check to_json_records.json
check to_json_lines.ndjson
for archive in pasien.Fc pasien.tar pasien_Fd; do
  set +e
  "$leakcheck" scan "$work/out/$archive" --watch "$work/watchlist.csv" -f json -o "$work/skip.json" 2>/dev/null
  code=$?
  reason="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["skipped"][0]["reason"])' "$work/skip.json")"
  set -e
  rm -f "$work/skip.json"
  # Not read, so not checked: exit 2 (incomplete), never a CLEAR.
  if [[ "$code" == 2 && "$reason" == *"pg_restore -f - "* ]]; then
    echo "ok   $archive skipped, exit $code: $reason"
  else
    echo "FAIL $archive exit $code: $reason"; fail=1
  fi
done

if $update; then
  dest="$here/fixtures/producers"
  cp "$work/watchlist.csv" "$work/expected.csv" "$dest/"
  cp "$work/out/select_B.tsv" "$dest/mysql/"
  cp "$work/out/tab_pasien.txt" "$work/out/xml_hex_blob.xml" "$dest/mysqldump/"
  cp "$work/out/copy_to.txt" "$work/out/copy_to_header.txt" "$dest/psql/"
  cp "$work/out/pasien.Fc" "$work/out/pasien.tar" "$dest/pg_dump/"
  rm -rf "$dest/pg_dump/pasien_Fd" && cp -r "$work/out/pasien_Fd" "$dest/pg_dump/" && chmod 755 "$dest/pg_dump/pasien_Fd"
  cp "$work/out/to_json_records.json" "$work/out/to_json_lines.ndjson" "$dest/pandas/"
  mkdir -p "$dest/sqlite" && cp "$work/out/sqlite_dump.sql" "$dest/sqlite/dump.sql"
  cp "$work/out/inserts_split.aa" "$work/out/inserts_split.ab" "$dest/pg_dump/"
fi
if [[ -n "${ROUNDTRIP_KEEP:-}" ]]; then mkdir -p "$ROUNDTRIP_KEEP" && cp -r "$work/out/." "$work/watchlist.csv" "$work/expected.csv" "$ROUNDTRIP_KEEP/"; fi
if [[ "$fail" != 0 ]]; then echo "roundtrip: FAILED: a dump above did not give every record and person" >&2; fi
exit "$fail"
