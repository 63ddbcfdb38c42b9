use super::*;
use crate::input::testing::Trickle;
use crate::roles::RoleSource;

const DUMP: &str = r#"<?xml version="1.0"?>
<mysqldump xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<database name="leak">
	<table_structure name="pasien">
		<field Field="nik" Type="varchar(20)" Null="YES" Key="" Extra="" Comment="" />
	</table_structure>
	<table_data name="pasien">
	<row>
		<field name="nik">3201014107900001</field>
		<field name="nama">O&apos;Brien &lt;row&gt; &amp; &quot;x&quot;&#10;two</field>
		<field name="no_hp" xsi:nil="true" />
	</row>
	<row>
		<field name="nik">3201014107900002</field>
		<field name="catatan">line one
line two &lt;/row&gt;</field>
		<field name="nama"></field>
	</row>
	</table_data>
	<table_structure name="kosong">
	</table_structure>
	<table_data name="kosong" />
	<table_data name="a&amp;b">
	<row>
		<field name="email">x@example.com</field>
	</row>
	</table_data>
</database>
</mysqldump>
"#;

/// (record, line, table, fields or bad reason) of each record.
type Split = Vec<(u64, u64, String, Result<Vec<(String, String)>, &'static str>)>;

fn drain(mut s: XmlSplitter) -> Split {
    let mut out = Vec::new();
    let mut batch = Batch::default();
    let tiny = BatchLimits { records: 1, bytes: usize::MAX };
    while s.next_batch(&mut batch, tiny).unwrap() {
        for span in &batch.spans {
            let table = batch.layout(span).map(|l| l.table.clone()).unwrap_or_default();
            let fields = match span.bad {
                Some(reason) => Err(reason),
                None => {
                    let mut fields = Vec::new();
                    for_each_field(&batch.record_text(span), &mut String::new(), |n, v| {
                        if let Some(v) = v {
                            fields.push((n.to_string(), v.to_string()))
                        }
                    })
                    .map(|()| fields)
                }
            };
            out.push((span.record, span.line, table, fields));
        }
    }
    out
}

fn split(input: &str) -> Split {
    drain(XmlSplitter::new(Box::new(std::io::empty()), input.as_bytes().to_vec(), "t".into(), Vec::new()))
}

fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
    p.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

#[test]
fn rows_are_records_with_their_table_line_and_unescaped_fields() {
    assert_eq!(
        split(DUMP),
        vec![
            (
                1,
                8,
                "pasien".to_string(),
                Ok(pairs(&[("nik", "3201014107900001"), ("nama", "O'Brien <row> & \"x\"\ntwo")]))
            ),
            (
                2,
                13,
                "pasien".to_string(),
                Ok(pairs(&[
                    ("nik", "3201014107900002"),
                    ("catatan", "line one\nline two </row>"),
                    ("nama", "")
                ]))
            ),
            (3, 24, "a&b".to_string(), Ok(pairs(&[("email", "x@example.com")]))),
        ]
    );
}

#[test]
fn byte_by_byte_reads_split_the_same() {
    let trickled = drain(XmlSplitter::new(
        Box::new(Trickle(DUMP.as_bytes().to_vec(), 0)),
        Vec::new(),
        "t".into(),
        Vec::new(),
    ));
    assert_eq!(trickled, split(DUMP));
}

#[test]
fn broken_and_oversized_rows_are_bad_records_and_the_rest_is_read() {
    let row = |nik: &str| format!("<row><field name=\"nik\">{nik}</field></row>\n");
    let long = "x".repeat(500);
    let input = format!(
        "<mysqldump>\n<table_data name=\"t\">\n{}<row><field name=\"nama\">{long}</field></row>\n{}<row><field name=\"nik\">1</fild></row>\n{}<row><field name=\"nik\">4",
        row("1"),
        row("2"),
        row("3")
    );
    let reader = Box::new(Trickle(input.clone().into_bytes(), 0));
    let got = drain(XmlSplitter::new(reader, Vec::new(), "t".into(), Vec::new()).with_max_record(200));
    let summary: Vec<(u64, u64, Result<usize, &str>)> =
        got.iter().map(|(r, l, _, f)| (*r, *l, f.as_ref().map(Vec::len).map_err(|e| *e))).collect();
    assert_eq!(
        summary,
        [
            (1, 3, Ok(1)),
            (2, 4, Err("XML row larger than 64 MiB")),
            (3, 5, Ok(1)),
            (4, 6, Err("not well-formed XML")),
            (5, 7, Ok(1)),
            (6, 8, Err("XML ends inside a row")),
        ]
    );
}

/// An entity mysqldump never writes, or a character reference to no character, costs that
/// value, not the record: the other fields are still read.
#[test]
fn unknown_entities_and_bad_character_references_keep_the_record() {
    let input = "<mysqldump><table_data name=\"t\"><row><field name=\"nama\">&xxe;A&#99999999;&#x42;</field>\
                 <field name=\"nik\">3201014107900001</field></row></table_data></mysqldump>";
    let got = split(input);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].3, Ok(pairs(&[("nama", "&xxe;A\u{fffd}B"), ("nik", "3201014107900001")])));
}

#[test]
fn only_a_mysqldump_prolog_is_detected() {
    assert!(is_mysqldump_xml(b"<?xml version=\"1.0\"?>\n<mysqldump xmlns:xsi=\"x\">"));
    assert!(is_mysqldump_xml(b"\xef\xbb\xbf<mysqldump>"));
    assert!(!is_mysqldump_xml(b"<?xml version=\"1.0\"?>\n<workbook>"));
    assert!(!is_mysqldump_xml(b"<mysqldumpx>"));
    assert!(!is_mysqldump_xml(b"nik,nama\n"));
    assert!(!is_mysqldump_xml(b"<?xml"));
    // `mysql --xml` output (MariaDB 10.11's client).
    assert!(is_mysqldump_xml(
        b"<?xml version=\"1.0\"?>\n\n<resultset statement=\"SELECT 1\n\" xmlns:xsi=\"x\">"
    ));
    assert!(!is_mysqldump_xml(b"<resultsets>"));
}

/// A row's fields, as (name, value).
type Row<'a> = Vec<(&'a str, String)>;
/// A table's planned columns, as (column, kind, sniffed).
type Planned = Vec<(String, Option<Kind>, bool)>;

/// A `mysqldump --xml` document of `tables`, each a name and its rows.
fn document(tables: &[(&str, Vec<Row<'_>>)]) -> String {
    let mut xml = String::from("<?xml version=\"1.0\"?>\n<mysqldump>\n<database name=\"d\">\n");
    for (table, rows) in tables {
        xml.push_str(&format!("<table_data name=\"{table}\">\n"));
        for row in rows {
            xml.push_str("<row>");
            for (field, value) in row {
                xml.push_str(&format!("<field name=\"{field}\">{value}</field>"));
            }
            xml.push_str("</row>\n");
        }
        xml.push_str("</table_data>\n");
    }
    xml.push_str("</database>\n</mysqldump>\n");
    xml
}

/// Each table's planned columns, as (column, kind, sniffed), in the order the tables come.
fn plans(input: &str, maps: Vec<ColumnMap>) -> Vec<(String, Planned)> {
    let mut s =
        XmlSplitter::new(Box::new(Trickle(input.as_bytes().to_vec(), 0)), Vec::new(), "t".into(), maps);
    let mut batch = Batch::default();
    let mut out: Vec<(String, Planned)> = Vec::new();
    while s.next_batch(&mut batch, BatchLimits::STEADY).unwrap() {
        for layout in &batch.layouts {
            if out.last().is_some_and(|(t, _)| *t == layout.table) {
                continue;
            }
            let columns = layout
                .names
                .iter()
                .zip(&layout.roles)
                .map(|(n, r)| {
                    (
                        n.clone(),
                        r.map(|r| r.kind),
                        r.is_some_and(|r| matches!(r.source, RoleSource::Sniffed(_))),
                    )
                })
                .collect();
            out.push((layout.table.clone(), columns));
        }
    }
    out
}

fn nik(i: usize) -> String {
    format!("3201014107900{:03}", i % 999 + 1)
}

/// Issue 16: a table after the first 1,000 rows of the file had no sniffed columns (its NIKs
/// under `kolom7` were not read: a false CLEAR). Each table is sniffed on its own first rows.
#[test]
fn each_table_is_planned_from_its_own_first_rows() {
    let log: Vec<_> = (0..1_001).map(|i| vec![("id", i.to_string()), ("kolom7", "x".to_string())]).collect();
    let warga: Vec<_> = (0..5).map(|i| vec![("id", i.to_string()), ("kolom7", nik(i))]).collect();
    let got = plans(&document(&[("log", log), ("warga", warga)]), Vec::new());
    let kolom7 = |table: &str| {
        let (_, columns) = got.iter().find(|(t, _)| t == table).unwrap();
        columns.iter().find(|(n, ..)| n == &format!("{table}.kolom7")).unwrap().clone()
    };
    assert_eq!(got.len(), 2);
    assert_eq!(kolom7("log"), ("log.kolom7".to_string(), None, false));
    assert_eq!(kolom7("warga"), ("warga.kolom7".to_string(), Some(Kind::Nik), true));
}

/// A field that is NULL in every sampled row is still a column, its role from its name; a field
/// no sampled row has takes its role from its name when it comes (not sniffed).
#[test]
fn fields_null_or_absent_in_the_first_rows_take_their_role_from_their_name() {
    let input = "<mysqldump><table_data name=\"p\">\
        <row><field name=\"id\">1</field><field name=\"no_hp\" xsi:nil=\"true\" /></row>\
        </table_data></mysqldump>";
    let got = plans(input, Vec::new());
    assert_eq!(
        got,
        vec![(
            "p".to_string(),
            vec![("p.id".to_string(), None, false), ("p.no_hp".to_string(), Some(Kind::Phone), false)]
        )]
    );
    let layout = Layout {
        table: "p".into(),
        names: vec!["p.id".into()],
        roles: vec![None],
        copy: false,
        backslash_escapes: false,
        copy_fields: None,
    };
    let extractor = XmlExtractor { maps: Vec::new() };
    let row = "<row><field name=\"id\">2</field><field name=\"nik\">3201014107900001</field>\
               <field name=\"kolom9\">3201014107900002</field></row>";
    let mut got = Vec::new();
    extractor
        .extract(row, Some(&layout), &mut String::new(), &mut |kind, text| got.push((kind, text.to_string())))
        .unwrap();
    assert_eq!(got, vec![(Kind::Nik, "3201014107900001".to_string())]);
}

/// `--map KIND=table.field` gives that table's field its role, not the same field of another
/// table; `--map KIND=field` gives it in every table that has it (as SQL columns).
#[test]
fn a_map_with_a_table_applies_to_that_table_only() {
    let rows = |v: &str| (0..3).map(|i| vec![("kode", format!("{v}{i}"))]).collect::<Vec<_>>();
    let input = document(&[("a", rows("x")), ("b", rows("y"))]);
    let map = |m: &str| m.parse::<ColumnMap>().unwrap();
    let kinds = |maps| plans(&input, maps).into_iter().map(|(t, c)| (t, c[0].1)).collect::<Vec<_>>();
    assert_eq!(
        kinds(vec![map("name=b.kode")]),
        vec![("a".to_string(), None), ("b".to_string(), Some(Kind::Name))]
    );
    assert_eq!(
        kinds(vec![map("name=kode")]),
        vec![("a".to_string(), Some(Kind::Name)), ("b".to_string(), Some(Kind::Name))]
    );
}

#[test]
fn a_row_end_tag_with_whitespace_before_its_bracket_ends_the_row() {
    // Regression (hostile9-A e6.xml, e3.xml, e5.xml): the splitter looked for `</row>` only, so
    // `</row >` or `</row` + newline + `>` (legal XML) ran on to the next row's end: two rows
    // were one record, and the name of one with the date of birth of the other a false exposure.
    let input = "<mysqldump>\n<table_data name=\"t\">\n<row\n><field name=\"nik\">1</field></row\n>\n\
                 <row ><field name=\"nik\">2</field></row \t>\n<row><field name=\"nik\">3</field><rows></rows ></row>\n\
                 <row>\n<field name=\"nik\">4</field></row>\n</table_data>\n</mysqldump>\n";
    let want: Split = vec![
        (1, 3, "t".to_string(), Ok(pairs(&[("nik", "1")]))),
        (2, 6, "t".to_string(), Ok(pairs(&[("nik", "2")]))),
        (3, 7, "t".to_string(), Ok(pairs(&[("nik", "3")]))),
        (4, 8, "t".to_string(), Ok(pairs(&[("nik", "4")]))),
    ];
    assert_eq!(split(input), want);
    let trickled = drain(XmlSplitter::new(
        Box::new(Trickle(input.as_bytes().to_vec(), 0)),
        Vec::new(),
        "t".into(),
        Vec::new(),
    ));
    assert_eq!(trickled, want);
}
