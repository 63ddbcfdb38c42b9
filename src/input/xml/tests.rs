use super::*;
use crate::input::testing::Trickle;

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
                        fields.push((n.to_string(), v.to_string()))
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
    drain(XmlSplitter::new(Box::new(std::io::empty()), input.as_bytes().to_vec(), "t".into()))
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
    let trickled =
        drain(XmlSplitter::new(Box::new(Trickle(DUMP.as_bytes().to_vec(), 0)), Vec::new(), "t".into()));
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
    let got = drain(XmlSplitter::new(reader, Vec::new(), "t".into()).with_max_record(200));
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
}
