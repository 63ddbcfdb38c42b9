#!/usr/bin/env python3
"""What a careful analyst could do with DuckDB instead of leakcheck (used by scripts/bench.sh).

Reads the dump CSV as all-VARCHAR, normalizes the identity columns in SQL as far as SQL
reasonably can follow SPEC.md §2, hashes them with DuckDB's sha256() in SPEC §3's message
format ("leakcheck:v1:" + kind + ":" + canonical, so the digests equal leakcheck's unkeyed
ones), does the same to the watchlist CSV, joins the two on the digests and writes one line
per matched (record, watch person): `record,watch,kinds` (record = 1-based data row, like
leakcheck's `record`; kinds joined with `+`). Prints a one-line summary on stdout.

    python3 scripts/bench_duckdb.py --dump DUMP.csv --watch WATCH.csv --threads 2 \
        --out /tmp/matches.csv [--no-hash]
    python3 scripts/bench_duckdb.py --watch WATCH.csv --compare-hashed HASHED.jsonl

--no-hash joins on the kind-prefixed canonical strings instead of their SHA-256 (what the
hashing costs). --compare-hashed checks the SQL normalization and hashing of the watchlist
against `leakcheck hash WATCH.csv` output (same labels, kinds and digests), and exits 1 if
they differ.

What the SQL normalization handles (SPEC §2) and what it does not:
  nik    drops ASCII whitespace, one leading ', one trailing .0, then . - _; keeps exactly
         16 ASCII digits. Misses: non-ASCII whitespace (NBSP), NIKs stored as JSON numbers
         (CSV only here).
  phone  splits the field on , ; / | and the word "atau"; cuts an extension at the first
         x X # after the first digit; keeps digits and a + written before them; maps +62…,
         0062…, 62… (11-15 digits), 0… and a bare 8… (9-12 digits) to +62…, drops a trunk 0
         after 62, requires 8-12 national digits not starting with 0; keeps other +
         numbers of 8-15 digits. This is the whole of SPEC §2's phone rule.
  name   strip_accents (NFD without marks), lower(), drops everything from the first comma,
         removes ' ’ ` and dots, turns every other non-letter (\\p{L}) run into one space,
         strips leading honorific and trailing degree tokens (SPEC's lists). Misses: NFKC
         (full-width letters, ligatures like "ﬁ"): DuckDB has only NFC.
  dob    YYYY-MM-DD, YYYY/MM/DD, DD-MM-YYYY, DD/MM/YYYY, DD.MM.YYYY, YYYYMMDD (try_strptime,
         so real calendar dates only), and DD <month> YYYY with the Indonesian and English
         month names and abbreviations leakcheck knows. Misses: ISO datetimes (time part).
  email  not done: the generated dump has no e-mail column.
A record is "exposed" when a strong kind matches (nik, phone, name_dob), "possible" when only
the name does, as in SPEC §6.
"""

import argparse
import sys
import time

import duckdb

HONORIFICS = "h|hj|dr|drs|dra|ir|prof|bpk|bapak|ibu|sdr|sdri|tn|ny|nn|an"
DEGREES = "skom|sh|se|st|spd|amd|mm|mt|mkes|ssos|sked|sip|ssi|mpd|mba"
MONTHS = {
    "januari": 1, "january": 1, "jan": 1,
    "februari": 2, "pebruari": 2, "february": 2, "feb": 2, "peb": 2,
    "maret": 3, "march": 3, "mar": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "june": 6, "jun": 6,
    "juli": 7, "july": 7, "jul": 7,
    "agustus": 8, "august": 8, "agu": 8, "aug": 8, "ags": 8, "agt": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "october": 10, "okt": 10, "oct": 10,
    "november": 11, "nopember": 11, "nov": 11, "nop": 11,
    "desember": 12, "december": 12, "des": 12, "dec": 12,
}
MONTH_MAP = "MAP {" + ", ".join(f"'{k}': {v}" for k, v in MONTHS.items()) + "}"

def canonical(source, label):
    """SELECT label, nik_c, name_c, dob_c, phones_c (a list) from `source`, NULL when absent or
    invalid. Staged sub-selects (and structs inside the phone lists) make every regular
    expression run once per value: DuckDB would re-run a repeated expression."""
    return rf"""
    SELECT {label},
        CASE WHEN regexp_full_match(nik_x, '[0-9]{{16}}') THEN nik_x END AS nik_c,
        nullif(regexp_replace(regexp_replace(name_x, '^(?:(?:{HONORIFICS})(?: |$))+', ''),
                              '(?:^| )(?:{DEGREES})(?: (?:{DEGREES}))*$', ''), '') AS name_c,
        strftime(coalesce(
            try_strptime(dob_s, ['%Y-%m-%d', '%Y/%m/%d', '%d-%m-%Y', '%d/%m/%Y', '%d.%m.%Y', '%Y%m%d']),
            try_strptime(dob_m.d || '-' || {MONTH_MAP}[lower(dob_m.m)] || '-' || dob_m.y, '%d-%m-%Y')),
            '%Y-%m-%d') AS dob_c,
        list_filter(list_transform(phone_parts, lambda s: CASE
            WHEN s.d = '' THEN NULL
            WHEN s.plus AND NOT starts_with(s.d, '62') THEN
                CASE WHEN length(s.d) BETWEEN 8 AND 15 AND NOT starts_with(s.d, '0') THEN '+' || s.d END
            WHEN length(s.nat) BETWEEN 8 AND 12 AND NOT starts_with(s.nat, '0') THEN '+62' || s.nat
        END), lambda x: x IS NOT NULL) AS phones_c
    FROM (
        SELECT {label}, nik_x, name_x, dob_s, dob_m,
            list_transform(phone_raw, lambda s: {{'plus': s.plus, 'd': s.d, 'nat': CASE
                WHEN s.plus THEN regexp_replace(s.d[3:], '^0', '')
                WHEN starts_with(s.d, '0062') THEN regexp_replace(s.d[5:], '^0', '')
                WHEN starts_with(s.d, '62') AND length(s.d) BETWEEN 11 AND 15
                    THEN regexp_replace(s.d[3:], '^0', '')
                WHEN starts_with(s.d, '0') THEN s.d[2:]
                WHEN starts_with(s.d, '8') AND length(s.d) BETWEEN 9 AND 12 THEN s.d
            END}}) AS phone_parts
        FROM (
            SELECT {label},
                regexp_replace(nik, '^\s*''|\.0\s*$|[\s._-]', '', 'g') AS nik_x,
                trim(regexp_replace(regexp_replace(split_part(lower(strip_accents(nama)), ',', 1),
                                                   '[''’`.]', '', 'g'),
                                    '[^\p{{L}}]+', ' ', 'g')) AS name_x,
                trim(tgl_lahir) AS dob_s,
                regexp_extract(trim(tgl_lahir), '^([0-9]{{1,2}})[ ./-]+([A-Za-z]+)[ ./-]+([0-9]{{4}})$',
                               ['d', 'm', 'y']) AS dob_m,
                list_transform(string_split_regex(no_hp, '[,;/|]|(?i)\batau\b'), lambda p: {{
                    'plus': regexp_matches(p, '^[^0-9]*\+'),
                    'd': regexp_replace(regexp_replace(p, '^([^0-9]*[0-9][^xX#]*)[xX#].*$', '\1'),
                                        '[^0-9]', '', 'g')}}) AS phone_raw
            FROM {source}))
    """


def digest(kind, expr, hashed):
    message = f"'leakcheck:v1:{kind}:' || {expr}" if hashed else f"'{kind}:' || {expr}"
    return f"sha256({message})" if hashed else message


def keyed_digests(source, label, hashed):
    """SELECT label, kind, h for every canonical identifier of every row of `source`."""
    return f"""
    SELECT {label} AS label, k.kind, k.h FROM (
        SELECT {label}, list_filter([
            {{'kind': 'nik', 'h': {digest('nik', 'nik_c', hashed)}}},
            {{'kind': 'name', 'h': {digest('name', 'name_c', hashed)}}},
            {{'kind': 'name_dob', 'h': {digest('name_dob', "name_c || '|' || dob_c", hashed)}}}
        ] || list_transform(coalesce(phones_c, []), lambda p: {{'kind': 'phone', 'h': {digest('phone', 'p', hashed)}}}),
        lambda x: x.h IS NOT NULL) AS hs
        FROM ({canonical(source, label)})
    ), unnest(hs) AS t(k)
    """


def csv_source(path):
    return (f"read_csv('{path}', all_varchar = true, header = true, delim = ',', quote = '\"', "
            "escape = '\"', strict_mode = false)")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dump")
    ap.add_argument("--watch", required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out")
    ap.add_argument("--no-hash", action="store_true")
    ap.add_argument("--compare-hashed")
    args = ap.parse_args()

    started = time.monotonic()
    con = duckdb.connect()
    con.execute(f"SET threads = {args.threads}")
    vector = con.execute("SELECT sha256('leakcheck:v1:nik:3201014107900001')").fetchone()[0]
    if vector != "e77a3d6148b08bd89fa92cd9b384fac919d09bda67a4ee94a2a115b645a0fdfe":
        sys.exit(f"bench_duckdb.py: sha256 does not give SPEC §3's test vector: {vector}")

    if args.compare_hashed:
        return compare(con, args)
    if not (args.dump and args.out):
        ap.error("--dump and --out are needed (or --compare-hashed)")

    hashed = not args.no_hash
    con.execute(f"CREATE TEMP TABLE watch AS {keyed_digests(csv_source(args.watch), 'id', hashed)}")
    # row_number() OVER () numbers the rows in file order (DuckDB keeps the order for an
    # empty OVER clause): the same 1-based record number as leakcheck's.
    dump = f"(SELECT row_number() OVER () AS rec, * FROM {csv_source(args.dump)})"
    rows = con.execute(f"""
        SELECT d.label AS rec, w.label AS watch, string_agg(DISTINCT w.kind, '+' ORDER BY w.kind) AS kinds
        FROM ({keyed_digests(dump, 'rec', hashed)}) d JOIN watch w ON d.h = w.h
        GROUP BY ALL ORDER BY rec, watch
    """).fetchall()
    strong = {"nik", "phone", "name_dob"}
    exposed = {r for r, _, k in rows if strong & set(k.split("+"))}
    possible = {r for r, _, k in rows if r not in exposed}
    with open(args.out, "w") as f:
        f.write("record,watch,kinds\n")
        for r, w, k in rows:
            f.write(f"{r},{w},{k}\n")
    print(f"duckdb {'sha256' if hashed else 'no-hash'}: exposed_records={len(exposed)} "
          f"possible_records={len(possible)} pairs={len(rows)} in {time.monotonic() - started:.2f} s")


def compare(con, args):
    ours = keyed_digests(csv_source(args.watch), "id", True)
    theirs = f"""
        SELECT label, kind, unnest(h) AS h FROM (
            SELECT label, unnest(['nik', 'phone', 'email', 'name', 'name_dob']) AS kind,
                   unnest([nik, phone, email, name, name_dob]) AS h
            FROM read_json('{args.compare_hashed}', format = 'newline_delimited',
                           columns = {{label: 'VARCHAR', nik: 'VARCHAR[]', phone: 'VARCHAR[]',
                                      email: 'VARCHAR[]', name: 'VARCHAR[]', name_dob: 'VARCHAR[]'}})
            WHERE label IS NOT NULL)
        WHERE h IS NOT NULL
    """
    both, only_sql, only_lc = con.execute(f"""
        WITH a AS (SELECT DISTINCT * FROM ({ours})), b AS (SELECT DISTINCT * FROM ({theirs}))
        SELECT (SELECT count(*) FROM (SELECT * FROM a INTERSECT SELECT * FROM b)),
               (SELECT count(*) FROM (SELECT * FROM a EXCEPT SELECT * FROM b)),
               (SELECT count(*) FROM (SELECT * FROM b EXCEPT SELECT * FROM a))
    """).fetchone()
    print(f"watchlist digests: {both} equal, {only_sql} only from the SQL, {only_lc} only from leakcheck hash")
    if only_sql or only_lc:
        for row in con.execute(f"""
                WITH a AS (SELECT DISTINCT * FROM ({ours})), b AS (SELECT DISTINCT * FROM ({theirs}))
                (SELECT 'sql-only', * FROM (SELECT * FROM a EXCEPT SELECT * FROM b) LIMIT 5)
                UNION ALL (SELECT 'leakcheck-only', * FROM (SELECT * FROM b EXCEPT SELECT * FROM a) LIMIT 5)
                """).fetchall():
            print("  ", *row)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
