//! Which format an input is: from its name, then from its first bytes; and which inputs are not
//! dumps at all (images, PDFs, archives, binaries), so they can be skipped and counted.

use super::Format;

/// What detection concluded about an input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detected {
    Dump(Format),
    /// Not a supported format; the reason names what it looks like.
    Unsupported(&'static str),
    /// Likely holds records that cannot be read here (an archive, a database): the reason.
    Unreadable(&'static str),
}

/// Magic numbers of files that are certainly not dumps.
const NOT_DUMPS: &[(&[u8], &str)] = &[
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x7fELF", "an executable"),
    (b"MZ", "an executable"),
];

/// Magic numbers of containers that may well hold a dump but that this version cannot read:
/// skipping one is not a clean result (SPEC §8: `error` true, the run exits 2), since the
/// people in it were not checked.
const UNREADABLE: &[(&[u8], &str)] = &[
    (b"PK\x03\x04", "a ZIP archive (unpack it first)"),
    (OLE2_MAGIC, super::archive::WORKBOOK_STREAM),
    (b"Rar!", "a RAR archive (unpack it first)"),
    (b"7z\xbc\xaf", "a 7-Zip archive (unpack it first)"),
    (b"BZh", "a bzip2 stream (decompress it first)"),
    (b"\xfd7zXZ", "an xz stream (decompress it first)"),
    (b"SQLite format 3\0", "an SQLite database (export it to CSV or SQL first)"),
    (PG_DUMP_MAGIC, PG_CUSTOM),
];

use super::workbook::OLE2_MAGIC;

/// The first bytes of a `pg_dump -Fc` archive and of the `toc.dat` of a `-Fd` one.
pub(crate) const PG_DUMP_MAGIC: &[u8] = b"PGDMP";
/// Why a `pg_dump -Fc` archive is skipped, and how to read it (SPEC §5).
pub const PG_CUSTOM: &str = "a PostgreSQL custom-format archive (pg_dump -Fc); \
    read it with: pg_restore -f - FILE | leakcheck scan -";
/// Why a `pg_dump -Ft` archive is skipped, and how to read it.
pub const PG_TAR: &str = "a PostgreSQL tar-format archive (pg_dump -Ft); \
    read it with: pg_restore -f - FILE | leakcheck scan -";
/// Why a `pg_dump -Fd` directory (or its `toc.dat`) is skipped, and how to read it.
pub const PG_DIRECTORY: &str = "a PostgreSQL directory-format archive (pg_dump -Fd); \
    read it with: pg_restore -f - DIRECTORY | leakcheck scan -";

/// A `pg_dump -Ft` archive: a tar whose first member is `toc.dat` (pg_dump writes it first).
fn is_pg_tar(head: &[u8]) -> bool {
    // A tar header: the member name, NUL-padded, at 0; `ustar` at 257 (POSIX and GNU).
    head.starts_with(b"toc.dat\0") && head.get(257..262) == Some(b"ustar")
}

/// SQL statements a dump can start with (after comments).
const SQL_STARTS: &[&str] = &[
    "INSERT", "REPLACE", "CREATE", "COPY", "SET", "DROP", "LOCK", "UNLOCK", "USE", "BEGIN", "START", "ALTER",
];

/// The format of an input called `name` (compression suffix already removed) whose decompressed
/// stream starts with `head`.
pub fn detect(name: Option<&str>, head: &[u8]) -> Detected {
    let ext = name.and_then(|n| n.rsplit_once('.')).map(|(_, e)| e.to_ascii_lowercase());
    let named_workbook = matches!(ext.as_deref(), Some("xls" | "xlsx" | "xlsm" | "ods"));
    // A file named as a workbook that does not start as one (a workbook reaches this only when
    // its first bytes are not a workbook's) and is not text either is a damaged workbook, not
    // "binary data": its people were not checked (SPEC §8).
    if named_workbook
        && !UNREADABLE.iter().any(|(magic, _)| head.starts_with(magic))
        && (NOT_DUMPS.iter().any(|(magic, _)| head.starts_with(magic))
            || looks_binary(head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head)))
    {
        return Detected::Unreadable(DAMAGED_WORKBOOK);
    }
    if let Some((_, what)) = NOT_DUMPS.iter().find(|(magic, _)| head.starts_with(magic)) {
        return Detected::Unsupported(what);
    }
    if head.starts_with(PG_DUMP_MAGIC) && name.is_some_and(|n| n.eq_ignore_ascii_case("toc.dat")) {
        return Detected::Unreadable(PG_DIRECTORY);
    }
    if let Some((_, what)) = UNREADABLE.iter().find(|(magic, _)| head.starts_with(magic)) {
        return Detected::Unreadable(what);
    }
    if is_pg_tar(head) {
        return Detected::Unreadable(PG_TAR);
    }
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    // A file named as a dump is read as one, control bytes and all (they make bad records);
    // only unnamed or otherwise-named files are judged binary by their content.
    let named_dump =
        matches!(ext.as_deref(), Some("csv" | "tsv" | "tab" | "ndjson" | "jsonl" | "json" | "sql"));
    if !named_dump && looks_binary(head) {
        return Detected::Unsupported("binary data");
    }
    if contains(head, b"urn:schemas-microsoft-com:office:spreadsheet") {
        return Detected::Unreadable(XML_SPREADSHEET);
    }
    // A web application's "export to Excel" is often an HTML table named `.xls`; when it is
    // tab-separated text instead, it is read as such below.
    if named_workbook && looks_like_html(head) {
        return Detected::Unreadable(HTML_EXPORT);
    }
    // `mysqldump --xml` whatever its name (`> dump.sql` is common); other XML is no dump.
    if super::xml::is_mysqldump_xml(head) {
        return Detected::Dump(Format::Xml);
    }
    if ext.as_deref() == Some("xml") {
        return Detected::Unsupported("an XML document that is not a mysqldump --xml dump");
    }
    let by_content = from_content(head);
    // Content wins where it contradicts a JSON-family name (SPEC §5 "from extension, then from
    // content"): read as named, every record of an export saved under the wrong name would be
    // bad and the run a false CLEAR.
    let first = head.iter().find(|b| !b.is_ascii_whitespace()).copied();
    let json_start = matches!(first, Some(b'{' | b'['));
    Detected::Dump(match ext.as_deref() {
        Some("csv") => Format::Csv,
        Some("tsv" | "tab") => Format::Tsv,
        Some("ndjson" | "jsonl" | "json") if first.is_some() && !json_start && contradicts_json(head) => {
            by_content
        }
        // A JSON array saved as `.jsonl` is not one object per line: pretty-printed (its first
        // line no whole value), or all on one line. Lines that each hold an array are NDJSON:
        // each one a bad record, counted.
        // A first line such as `[INFO] export started` is a log line before NDJSON, not an array.
        Some("ndjson" | "jsonl") if first == Some(b'[') && !json_lines(head) && opens_objects(head) => {
            Format::Json
        }
        Some("ndjson" | "jsonl") => Format::Ndjson,
        // A `.json` file holding one object per line is NDJSON whatever it is called.
        Some("json") if by_content == Format::Ndjson => Format::Ndjson,
        Some("json") => Format::Json,
        Some("sql") => Format::Sql,
        _ => by_content,
    })
}

/// Why a file named as a workbook that is neither a workbook nor text is not read.
pub const DAMAGED_WORKBOOK: &str = "a file named as a workbook that cannot be read as one (damaged: it does not \
    start as a workbook) nor as text: open it in a spreadsheet program to repair it, save it as CSV and scan that";
/// Why a spreadsheet-named HTML page is not read, and what to do.
pub const HTML_EXPORT: &str = "an HTML page named as a workbook (a web application's \"export to Excel\"): \
    open it in a spreadsheet program, save it as CSV and scan that";
/// Why an Excel 2003 XML spreadsheet is not read, and what to do.
pub const XML_SPREADSHEET: &str = "an Excel 2003 XML spreadsheet: open it in a spreadsheet program, save it \
    as .xlsx or CSV and scan that";

/// The page starts (after blanks and comments-free whitespace) with an HTML tag.
fn looks_like_html(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&head[..head.len().min(1024)]).to_ascii_lowercase();
    let text = text.trim_start();
    ["<!doctype html", "<html", "<table", "<head", "<body", "<meta", "<style"]
        .iter()
        .any(|tag| text.starts_with(tag))
}

/// `needle` occurs in `haystack`.
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// NUL bytes, or mostly control characters, in the first bytes.
fn looks_binary(head: &[u8]) -> bool {
    let sample = &head[..head.len().min(4096)];
    let control = sample.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c)).count();
    sample.contains(&0) || control * 10 > sample.len()
}

fn from_content(head: &[u8]) -> Format {
    let text = String::from_utf8_lossy(head);
    let trimmed = text.trim_start();
    if trimmed.starts_with('[') && opens_json(trimmed) {
        return Format::Json;
    }
    if trimmed.starts_with('{') && opens_json(trimmed) {
        return if looks_like_ndjson(trimmed) { Format::Ndjson } else { Format::Json };
    }
    if looks_like_sql(trimmed) {
        return Format::Sql;
    }
    Format::Csv
}

/// After its opening `[` or `{` (and blanks), the text goes on as JSON does: a value or `]` in
/// an array, a key or `}` in an object. A CSV header in brackets (`[nik],[nama]`, SQL Server's
/// quoting) or braces does not, and is read as CSV, as it is by its `.csv` name.
fn opens_json(text: &str) -> bool {
    let mut chars = text.chars();
    let open = chars.next();
    let rest = chars.as_str().trim_start();
    match open {
        Some('{') => rest.is_empty() || rest.starts_with(['"', '}']),
        Some('[') => {
            rest.is_empty()
                || rest.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '{' | '[' | '"' | ']' | '-'))
                || ["true", "false", "null"].iter().any(|w| {
                    rest.strip_prefix(w).is_some_and(|after| {
                        after.trim_start().is_empty() || after.trim_start().starts_with([',', ']'])
                    })
                })
        }
        _ => false,
    }
}

/// The first line is a whole JSON object and the next non-blank line starts another.
fn looks_like_ndjson(text: &str) -> bool {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let first_is_object =
        lines.next().is_some_and(|l| serde_json::from_str::<serde::de::IgnoredAny>(l).is_ok());
    first_is_object && lines.next().is_some_and(|l| l.starts_with('{'))
}

/// Content that is clearly no JSON lines though its name says so: an SQL dump, or a CSV's
/// header and first row: a first line that is no JSON and a next non-blank line that starts no
/// JSON object or array, both holding the same delimiter (or, one column, neither any delimiter
/// nor blank). A title or comment line before JSON lines, a lone JSON scalar or broken JSON keeps
/// its name: read as JSON, each line that is none is a bad record (SPEC §9).
fn contradicts_json(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(head);
    let text = text.trim_start();
    if looks_like_sql(text) {
        return true;
    }
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let (Some(first), Some(second)) = (lines.next(), lines.next()) else { return false };
    if second.starts_with(['{', '[']) || serde_json::from_str::<serde::de::IgnoredAny>(first).is_ok() {
        return false;
    }
    let delimiters = [',', ';', '\t', '|'];
    let one_column = |l: &str| !l.contains(delimiters) && !l.contains(char::is_whitespace);
    delimiters.iter().any(|&d| first.contains(d) && second.contains(d))
        || (one_column(first) && one_column(second))
}

/// The first non-blank line is a whole JSON value and another non-blank line follows it.
fn json_lines(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(head);
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next().is_some_and(|l| serde_json::from_str::<serde::de::IgnoredAny>(l).is_ok());
    first && lines.next().is_some()
}

/// After its first `[` (and blanks, line breaks too), the text goes on with `{` or `]`: an
/// array of objects (or an empty one), not a line that merely starts with a bracket.
fn opens_objects(head: &[u8]) -> bool {
    let mut rest = head.iter().skip_while(|b| b.is_ascii_whitespace());
    rest.next();
    matches!(rest.find(|b| !b.is_ascii_whitespace()), Some(b'{' | b']') | None)
}

/// Starts with an SQL comment or statement, after any blank lines and MySQL `#` comment lines.
fn looks_like_sql(text: &str) -> bool {
    let mut rest = text.trim_start();
    // `mysql` client dumps and hand-edited scripts open with `# …` comment lines.
    while rest.starts_with('#') {
        rest = rest.split_once('\n').map_or("", |(_, after)| after).trim_start();
    }
    if rest.starts_with("--") || rest.starts_with("/*") {
        return true;
    }
    let word: String = rest.chars().take_while(char::is_ascii_alphabetic).collect();
    let after = &rest[word.len()..];
    if SQL_STARTS.iter().any(|s| s.eq_ignore_ascii_case(&word)) && after.starts_with(char::is_whitespace) {
        return true;
    }
    // `sqlite3 .dump` opens with `PRAGMA foreign_keys=OFF;`, psql scripts with `BEGIN;`: a whole
    // statement on the first line, which a CSV header (`begin;end`) is not.
    let line = rest.lines().next().unwrap_or("").trim_end();
    let statement = line.strip_suffix(';').unwrap_or("").trim_end();
    let bare = |s: &str| statement.eq_ignore_ascii_case(s);
    (word.eq_ignore_ascii_case("PRAGMA") && after.starts_with(char::is_whitespace) && !statement.is_empty())
        || ["BEGIN", "BEGIN TRANSACTION", "START TRANSACTION", "COMMIT"].iter().any(|s| bare(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn by_name_then_by_content() {
        let table: [(Option<&str>, &[u8], Detected); 16] = [
            (Some("a.csv"), b"x;y\n", Detected::Dump(Format::Csv)),
            (Some("a.TSV"), b"x\ty\n", Detected::Dump(Format::Tsv)),
            (Some("a.jsonl"), b"{}\n", Detected::Dump(Format::Ndjson)),
            (Some("a.json"), b"{\"a\":1}\n{\"a\":2}\n", Detected::Dump(Format::Ndjson)),
            (Some("a.json"), b"{\n \"data\": [\n", Detected::Dump(Format::Json)),
            (Some("a.sql"), b"", Detected::Dump(Format::Sql)),
            (None, b"  [{\"nik\":1}]", Detected::Dump(Format::Json)),
            (None, b"{\"nik\":\"1\"}\r\n{\"nik\":\"2\"}", Detected::Dump(Format::Ndjson)),
            (None, b"{\"rows\":[{\"nik\":\"1\"}]}", Detected::Dump(Format::Json)),
            (None, b"-- MySQL dump 10.13\n", Detected::Dump(Format::Sql)),
            (None, b"INSERT INTO t VALUES (1);", Detected::Dump(Format::Sql)),
            (Some("dump.txt"), b"copy public.t (a) FROM stdin;\n", Detected::Dump(Format::Sql)),
            (None, b"nik,nama\n", Detected::Dump(Format::Csv)),
            (Some("x.csv"), b"%PDF-1.7", Detected::Unsupported("a PDF document")),
            (None, b"ab\0\0\0\x01\x02", Detected::Unsupported("binary data")),
            (Some("x.json"), b"{\"a\":\"1\0\"}", Detected::Dump(Format::Json)),
        ];
        for (name, head, want) in table {
            assert_eq!(detect(name, head), want, "{name:?} {head:?}");
        }
    }

    #[test]
    fn content_that_contradicts_a_json_family_name_wins() {
        let table: [(&str, &[u8], Format); 21] = [
            ("a.jsonl", b"[{\"nik\":\"1\"},{\"nik\":\"2\"}]\n", Format::Json),
            // hostile test: a log line that starts with a bracket, then NDJSON
            ("a.jsonl", b"[INFO] mongoexport started\n{\"nik\":\"1\"}\n{\"nik\":\"2\"}\n", Format::Ndjson),
            ("a.ndjson", b"[\n  {\"nik\": \"1\"},\n  {\"nik\": \"2\"}\n]\n", Format::Json),
            ("one.json", b"nik\n3201014107900001\n", Format::Csv),
            // A lone scalar, or broken JSON, is no other format: read as JSON, it is a bad record.
            ("y.json", b"\"asd\"", Format::Json),
            ("n.json", b"\"", Format::Json),
            ("n.jsonl", b"tru", Format::Ndjson),
            ("a.ndjson", b"\n  [\n  {\n    \"nik\": \"1\"\n  }\n]\n", Format::Json),
            ("a.JSONL", b"[]", Format::Json),
            // Lines that each hold an array are JSON lines, each a bad record, not one document.
            ("arr.jsonl", b"[{\"nik\":\"1\"}]\n[{\"nik\":\"2\"}]\n", Format::Ndjson),
            ("arr.ndjson", b"[1,2]\n\n[3,4]\n", Format::Ndjson),
            ("export.json", b"nik,nama\n3201014107900001,Budi\n", Format::Csv),
            ("dump.json", b"-- MySQL dump 10.13\nINSERT INTO t VALUES (1);\n", Format::Sql),
            ("a.jsonl", b"nik;nama\n1;B\n", Format::Csv),
            // A title or comment line before JSON lines does not make them CSV.
            ("cm.jsonl", b"# export pasien, 2024-01-01\n{\"nik\": \"1\", \"nama\": \"S\"}\n", Format::Ndjson),
            ("cm.ndjson", b"Export of pasien table\n{\"nik\": \"1\"}\n", Format::Ndjson),
            ("t.json", b"Export of pasien table\n\n1,2\n", Format::Json),
            ("a.ndjson", b"INSERT INTO t VALUES (1);\n", Format::Sql),
            // What the name says, when the content agrees or says nothing.
            ("a.jsonl", b"{\"nik\":\"1\"}\n{\"nik\":\"2\"}\n", Format::Ndjson),
            ("a.json", b"  [\"3201014107900001\"]", Format::Json),
            ("a.jsonl", b"  \n", Format::Ndjson),
        ];
        for (name, head, want) in table {
            assert_eq!(detect(Some(name), head), Detected::Dump(want), "{name} {head:?}");
        }
    }

    #[test]
    fn pg_dump_archives_are_named_by_their_format() {
        let mut tar = b"toc.dat".to_vec();
        tar.resize(512, 0);
        tar[257..262].copy_from_slice(b"ustar");
        let table: [(Option<&str>, &[u8], Detected); 5] = [
            (Some("leak.dump"), b"PGDMP\x01\x0e\x00\x04\x08", Detected::Unreadable(PG_CUSTOM)),
            (None, b"PGDMP\x01\x0f", Detected::Unreadable(PG_CUSTOM)),
            (Some("toc.dat"), b"PGDMP\x01\x0e", Detected::Unreadable(PG_DIRECTORY)),
            (Some("leak.tar"), &tar, Detected::Unreadable(PG_TAR)),
            // Another tar, or a file that only starts with the name, is not one.
            (Some("toc.dat.csv"), b"toc.dat,x\n", Detected::Dump(Format::Csv)),
        ];
        for (name, head, want) in table {
            assert_eq!(detect(name, head), want, "{name:?}");
        }
    }

    #[test]
    fn mysqldump_xml_is_found_by_its_prolog_whatever_its_name() {
        let xml =
            b"<?xml version=\"1.0\"?>\n<mysqldump xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n";
        for name in [None, Some("dump.xml"), Some("dump.sql"), Some("dump.txt")] {
            assert_eq!(detect(name, xml), Detected::Dump(Format::Xml), "{name:?}");
        }
        assert_eq!(
            detect(Some("feed.xml"), b"<?xml version=\"1.0\"?>\n<rss>"),
            Detected::Unsupported("an XML document that is not a mysqldump --xml dump")
        );
    }

    #[test]
    fn a_workbook_that_is_really_text_is_read_or_named_by_its_content() {
        let table: [(&str, &[u8], Detected); 9] = [
            ("export.xls", b"nik\tnama\n3201014107900001\tSiti\n", Detected::Dump(Format::Csv)),
            // Regression (hostile testers): a .xlsx whose first bytes were overwritten was
            // "binary data", not an error, and a directory holding it was CLEAR under --strict.
            ("book.xlsx", b"XX\x03\x04\x14\0\0\0\x08\0", Detected::Unreadable(DAMAGED_WORKBOOK)),
            ("book.ods", b"%PDF-1.7", Detected::Unreadable(DAMAGED_WORKBOOK)),
            ("book.csv", b"XX\x03\x04\x14\0\0\0\x08\0", Detected::Dump(Format::Csv)),
            ("export.xlsx", b"nik;nama\n", Detected::Dump(Format::Csv)),
            ("export.xls", b"\r\n<html><body><table><tr><td>nik</td>", Detected::Unreadable(HTML_EXPORT)),
            ("export.XLS", b"<!DOCTYPE html>\n<table>", Detected::Unreadable(HTML_EXPORT)),
            ("export.xls", b"<table border=1><tr><th>NIK</th>", Detected::Unreadable(HTML_EXPORT)),
            (
                "export.xml",
                b"<?xml version=\"1.0\"?>\n<Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\">",
                Detected::Unreadable(XML_SPREADSHEET),
            ),
        ];
        for (name, head, want) in table {
            assert_eq!(detect(Some(name), head), want, "{name}");
        }
    }

    #[test]
    fn csv_that_mentions_sql_words_is_still_csv() {
        assert_eq!(detect(None, b"insert_date,nik\n"), Detected::Dump(Format::Csv));
        assert_eq!(detect(None, b"Set,Value\n"), Detected::Dump(Format::Csv));
        for head in [&b"begin;end\n1;2\n"[..], b"pragma,nik\n", b"# title\nnik,nama\n", b"#,nik\n1,2\n"] {
            assert_eq!(detect(None, head), Detected::Dump(Format::Csv), "{head:?}");
        }
    }

    #[test]
    fn a_bracketed_csv_header_through_a_pipe_is_csv_as_by_its_name() {
        for head in
            [&b"[nik],[nama]\n3174051203880003,Budi\n"[..], b"{nik},{nama}\n1,2\n", b"[null_flag],[nik]\n"]
        {
            assert_eq!(detect(None, head), Detected::Dump(Format::Csv), "{head:?}");
            assert_eq!(detect(Some("a.csv"), head), Detected::Dump(Format::Csv), "{head:?}");
        }
        for head in [
            &b"[\n  {\"nik\": \"1\"}\n]"[..],
            b"[]",
            b"[",
            b"[ 1, 2]",
            b"[\"a\"]",
            b"[null]",
            b"{}",
            b"{ \"a\": 1}",
            b"[[1]]",
        ] {
            assert_eq!(detect(None, head), Detected::Dump(Format::Json), "{head:?}");
        }
    }

    #[test]
    fn sql_dumps_through_a_pipe_are_sql_by_their_first_lines() {
        let heads: [&[u8]; 9] = [
            b"PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\nCREATE TABLE t (a);\n",
            b"PRAGMA foreign_keys=OFF;\nINSERT INTO p (nik) VALUES ('1');\n",
            b"BEGIN;\nINSERT INTO t VALUES (1);\n",
            b"begin transaction;\n",
            b"START TRANSACTION;\nINSERT INTO t VALUES (1);\n",
            b"# MySQL dump\n# Host: localhost\n\nINSERT INTO t VALUES (1);\n",
            b"#\n# comment\n#\n-- more\nCREATE TABLE t (a int);\n",
            b"\n\n  BEGIN ;\n",
            b"\xef\xbb\xbfPRAGMA foreign_keys=OFF;\n",
        ];
        for head in heads {
            assert_eq!(detect(None, head), Detected::Dump(Format::Sql), "{head:?}");
            assert_eq!(detect(Some("dump.txt"), head), Detected::Dump(Format::Sql), "{head:?}");
        }
    }
}
