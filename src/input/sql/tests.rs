use super::*;
use crate::input::testing::Trickle;
use crate::kind::Kind;

/// (record, line, layout roles, text or reason) of every record, read whole and byte by byte.
type Rows = Vec<(u64, u64, Vec<Option<Kind>>, Result<String, &'static str>)>;

fn rows(input: &str) -> Rows {
    let whole = split(Box::new(std::io::empty()), input.as_bytes().to_vec());
    let trickled = split(Box::new(Trickle(input.as_bytes().to_vec(), 0)), Vec::new());
    assert_eq!(whole, trickled, "read sizes must not change the split");
    whole
}

fn split(reader: Box<dyn Read + Send>, head: Vec<u8>) -> Rows {
    let mut s = SqlSplitter::new(reader, head, "t".into(), Vec::new());
    let mut batch = Batch::default();
    let mut out = Vec::new();
    let mut rounds = 0;
    while s.next_batch(&mut batch, BatchLimits { records: 3, bytes: usize::MAX }).unwrap() {
        rounds += 1;
        assert!(rounds < 1_000_000);
        for span in &batch.spans {
            let roles = batch
                .layout(span)
                .map(|l| l.roles.iter().map(|r| r.map(|r| r.kind)).collect())
                .unwrap_or_default();
            let text = match span.bad {
                Some(r) => Err(r),
                None => Ok(String::from_utf8_lossy(batch.record_bytes(span)).into_owned()),
            };
            out.push((span.record, span.line, roles, text));
        }
    }
    out
}

const MYSQL: &str = "-- MySQL dump 10.13  Distrib 8.0.36
/*!40101 SET NAMES utf8mb4 */;
DROP TABLE IF EXISTS `pasien`;
CREATE TABLE `pasien` (
  `id` int NOT NULL AUTO_INCREMENT,
  `nik` varchar(16) DEFAULT NULL,
  `nama` varchar(100) DEFAULT NULL,
  `saldo` decimal(10,2) DEFAULT NULL,
  `no_hp` varchar(20) DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `idx_nik` (`nik`)
) ENGINE=InnoDB;
LOCK TABLES `pasien` WRITE;
INSERT INTO `pasien` VALUES (1,'3201014107900001','Siti; \\'Ani\\'',1.50,'0812-3456-7890'),(2,'3174051203880003','O''Brien (x)',NULL,NULL),
(3,NULL,'Line\\nBreak',2,_binary 'abc');
UNLOCK TABLES;
INSERT INTO pegawai (nip, email) VALUES ('19800101', 'budi@example.com');
";

#[test]
fn mysql_tuples_are_records_with_their_tables_columns() {
    let got = rows(MYSQL);
    let pasien = vec![None, Some(Kind::Nik), Some(Kind::Name), None, Some(Kind::Phone)];
    assert_eq!(got.len(), 4);
    assert_eq!(
        got[0],
        (1, 14, pasien.clone(), Ok("(1,'3201014107900001','Siti; \\'Ani\\'',1.50,'0812-3456-7890')".into()))
    );
    assert_eq!(got[1].0, 2);
    assert_eq!(got[2], (3, 15, pasien, Ok("(3,NULL,'Line\\nBreak',2,_binary 'abc')".into())));
    assert_eq!(got[3].2, vec![None, Some(Kind::Email)]);
    assert_eq!(got[3].1, 17);
}

#[test]
fn postgres_copy_blocks_are_records() {
    let dump = "--\n-- PostgreSQL database dump\n--\nSET standard_conforming_strings = on;\n\
        CREATE TABLE public.pasien (\n    id integer NOT NULL,\n    nik character varying(16),\n    nama text\n);\n\
        COPY public.pasien (id, nik, nama) FROM stdin;\n1\t3201014107900001\tSiti\n2\t\\N\tBudi\\tSantoso\n\\.\n\
        INSERT INTO public.pasien VALUES (3, '3174051203880003', 'C:\\path');\n";
    let got = rows(dump);
    let roles = vec![None, Some(Kind::Nik), Some(Kind::Name)];
    assert_eq!(
        got,
        vec![
            (1, 11, roles.clone(), Ok("1\t3201014107900001\tSiti".into())),
            (2, 12, roles.clone(), Ok("2\t\\N\tBudi\\tSantoso".into())),
            (3, 14, roles, Ok("(3, '3174051203880003', 'C:\\path')".into())),
        ]
    );
}

#[test]
fn other_statements_and_comments_are_skipped() {
    let dump = "SET @x = 'INSERT INTO t VALUES (9)';\n/* INSERT INTO t VALUES (8) */\n# INSERT INTO t VALUES (7)\n\
        CREATE INDEX i ON t (a);\nINSERT INTO t SELECT * FROM u;\nINSERT INTO t (nik) VALUES ('1') ON DUPLICATE KEY UPDATE nik='2';\n";
    let got = rows(dump);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].3, Ok("('1')".into()));
    assert_eq!(got[0].1, 6);
}

#[test]
fn insert_set_is_one_record_with_the_columns_it_names() {
    // Regression (issue 16): MySQL's `INSERT … SET` was skipped in silence, its people never
    // checked. Each statement is a record: the list after SET, its columns the ones it names.
    let dump = "INSERT INTO `pasien` SET `nik` = '3201014107900001', nama='O\\'Brien; x';\n\
        INSERT IGNORE INTO db.pasien SET pasien.no_hp = CONCAT('0812', '1'), `nik`=NULL\n  ON DUPLICATE KEY UPDATE nik = 'x';\n\
        INSERT INTO t SELECT * FROM u;\nINSERT INTO t SET email = ;\n";
    let got = rows(dump);
    assert_eq!(
        got,
        vec![
            (
                1,
                1,
                vec![Some(Kind::Nik), Some(Kind::Name)],
                Ok("`nik` = '3201014107900001', nama='O\\'Brien; x'".into())
            ),
            (
                2,
                2,
                vec![Some(Kind::Phone), Some(Kind::Nik)],
                Ok("pasien.no_hp = CONCAT('0812', '1'), `nik`=NULL\n  ".into())
            ),
            (3, 5, vec![], Ok("email = ".into())),
        ]
    );
    let mut seen = Vec::new();
    let mut scratch = String::new();
    let read =
        values::for_each_assignment("`a`.`nik` = 'x''y', b = 2", false, &mut scratch, &mut |col, name, v| {
            seen.push((col, name.to_string(), format!("{v:?}")));
        });
    assert_eq!(read, Ok(()));
    assert_eq!(seen, [(0, "nik".into(), "Text(\"x'y\")".into()), (1, "b".into(), "Text(\"2\")".into())]);
    for bad in ["", "a", "a =", "= 1", "a = 1 b = 2", "a = 1,", "`a = 1"] {
        assert!(values::for_each_assignment(bad, false, &mut scratch, &mut |_, _, _| {}).is_err(), "{bad}");
    }
}

#[test]
fn insert_set_with_a_backslash_quote_and_no_backticks_is_read_with_mysql_escapes() {
    // Regression (issue 16): a statement that shows no dialect (no backtick, no `E'`, no cast)
    // was read with standard strings whenever its list did not start with `(`, so
    // `nama = 'O\'Brien'` made the whole INSERT … SET a bad record and its NIK was not checked.
    let dump = "INSERT INTO pasien SET nik = '3201014107900001', nama = 'O\\'Brien';\n\
        INSERT INTO pasien SET nik = '3201014107900002', nama = 'Ani ''x''';\n";
    let mut s =
        SqlSplitter::new(Box::new(std::io::empty()), dump.as_bytes().to_vec(), "t".into(), Vec::new());
    let mut batch = Batch::default();
    let mut got = Vec::new();
    let mut scratch = String::new();
    while s.next_batch(&mut batch, BatchLimits { records: 3, bytes: usize::MAX }).unwrap() {
        for span in &batch.spans {
            let layout = batch.layout(span).unwrap();
            let mut values = Vec::new();
            let read = read_row(&batch.record_text(span), layout, &mut scratch, &mut |_, v| {
                values.push(format!("{v:?}"))
            });
            got.push((span.record, span.bad, read, values));
        }
    }
    let text = |v: &str| format!("Text({v:?})");
    assert_eq!(
        got,
        [
            (1, None, Ok(()), vec![text("3201014107900001"), text("O'Brien")]),
            (2, None, Ok(()), vec![text("3201014107900002"), text("Ani 'x'")]),
        ]
    );
}

/// The warning an SQL dump gives once it is read.
fn late_warning(dump: &str) -> Option<String> {
    let mut s =
        SqlSplitter::new(Box::new(std::io::empty()), dump.as_bytes().to_vec(), "d.sql".into(), Vec::new());
    let mut batch = Batch::default();
    while s.next_batch(&mut batch, BatchLimits { records: 3, bytes: usize::MAX }).unwrap() {}
    let warning = s.late_warning();
    assert_eq!(s.late_warning(), None, "said once");
    warning
}

#[test]
fn statements_that_may_hold_people_and_are_not_read_are_counted_and_said() {
    // Regression (issue 20): an `UPDATE … SET nik = …` or `INSERT … SELECT` was skipped in
    // silence, its people never checked and nothing said.
    let dump = "DROP TABLE t;\nLOCK TABLES t WRITE;\nSELECT pg_catalog.set_config('x', '', false);\n\
        UPDATE t SET nik = '3201014107900001' WHERE id = 1;\nINSERT INTO t SELECT * FROM u;\n\
        INSERT INTO t (nik) VALUES ('1');\nMERGE INTO t USING u ON (1) WHEN MATCHED THEN DELETE;\n";
    assert_eq!(
        late_warning(dump).as_deref(),
        Some(
            "d.sql: the UPDATE statement at line 4 and 2 more not read: SQL of a form leakcheck does not read \
             (only INSERT … VALUES, INSERT … SET and COPY rows are records); people in them were not checked"
        )
    );
    // Statements that hold no rows, and the dumps' own, say nothing.
    assert_eq!(late_warning(MYSQL), None);
    assert_eq!(late_warning("BEGIN TRANSACTION;\nCREATE INDEX i ON t (a);\nCOMMIT;\nSET x = 1;\n"), None);
}

#[test]
fn an_unclosed_tuple_at_the_end_is_a_bad_record() {
    let got = rows("INSERT INTO t (nik) VALUES ('1'),('2");
    assert_eq!(got.len(), 2);
    assert_eq!(got[1].3, Err("SQL tuple is not closed"));
}

#[test]
fn unknown_columns_are_sniffed_from_the_first_rows() {
    let mut dump = String::from("INSERT INTO t VALUES ");
    for i in 0..20 {
        dump.push_str(&format!("({i},'0812-3456-{i:04}','x{i}@example.com'),"));
    }
    dump.pop();
    dump.push(';');
    let got = rows(&dump);
    assert_eq!(got.len(), 20);
    assert_eq!(got[0].2, vec![None, Some(Kind::Phone), Some(Kind::Email)]);
}

fn values(tuple: &str, backslash: bool) -> Result<Vec<SqlValue<'static>>, &'static str> {
    let mut out = Vec::new();
    let mut scratch = String::new();
    for_each_value(tuple, backslash, &mut scratch, &mut |_, v| {
        out.push(match v {
            SqlValue::Text(t) => SqlValue::Text(Box::leak(t.to_string().into_boxed_str())),
            SqlValue::Absent => SqlValue::Absent,
            SqlValue::NotIdentity => SqlValue::NotIdentity,
        })
    })?;
    Ok(out)
}

#[test]
fn tuple_values_unescape() {
    use SqlValue::*;
    assert_eq!(
        values(
            "(1, -2.5e3, 'a\\'b''c', \"d\\\\e\", NULL, _binary 'x', X'4142', 0x41, NOW(), _utf8mb4 'é', E'f\\tg', TRUE)",
            true
        ),
        Ok(vec![
            Text("1"),
            Text("-2.5e3"),
            Text("a'b'c"),
            Text("d\\e"),
            Absent,
            Text("x"),
            Text("AB"),
            Text("A"),
            NotIdentity,
            Text("é"),
            Text("f\tg"),
            NotIdentity
        ])
    );
    assert_eq!(values("('C:\\path', 'it''s')", false), Ok(vec![Text("C:\\path"), Text("it's")]));
    assert_eq!(values("()", true), Ok(vec![]));
    assert_eq!(values("(1,,2)", true), Err("empty value in an SQL tuple"));
    assert_eq!(values("('a' x)", true), Err("SQL tuple does not parse"));
    assert_eq!(values("('open", true), Err("SQL tuple does not parse"));
}

#[test]
fn copy_fields_unescape() {
    let mut got = Vec::new();
    let mut scratch = String::new();
    for_each_copy_field("1\t\\N\ta\\tb\\\\c\\101\\x42", &mut scratch, &mut |i, v| {
        got.push(format!("{i}:{v:?}"))
    });
    assert_eq!(got, ["0:Text(\"1\")", "1:Absent", "2:Text(\"a\\tb\\\\cAB\")"]);
}

#[test]
fn heads_parse() {
    assert_eq!(
        parse_insert_head("INSERT IGNORE INTO `db`.`t` (`a`, \"b\", c) "),
        Some(("t".into(), Some(vec!["a".into(), "b".into(), "c".into()])))
    );
    assert_eq!(parse_insert_head("REPLACE INTO t "), Some(("t".into(), None)));
    assert_eq!(
        parse_copy_head("COPY public.t (a, b) FROM stdin;"),
        Some(("t".into(), Some(vec!["a".into(), "b".into()])))
    );
    assert_eq!(parse_copy_head("COPY t TO stdout;"), None);
    assert_eq!(
        parse_create_table(
            "CREATE TABLE IF NOT EXISTS `t` (`a` decimal(10,2), b int, PRIMARY KEY (a), CONSTRAINT x FOREIGN KEY (b) REFERENCES u (id))"
        ),
        Some(("t".into(), vec!["a".into(), "b".into()]))
    );
}

#[test]
fn oversized_rows_are_bad_and_the_rest_is_read() {
    let long = "x".repeat(5000);
    let dump = format!(
        "COPY t (nik, nama) FROM stdin;\n1\ta\n2\t{long}\n3\tc\n\\.\nINSERT INTO t (nik) VALUES ('{long}'),('4');\n"
    );
    // Fed a byte at a time, so the limit is checked as each row grows.
    let mut s = SqlSplitter::new(Box::new(Trickle(dump.into_bytes(), 0)), Vec::new(), "t".into(), Vec::new())
        .with_max_record(1000);
    let mut batch = Batch::default();
    let mut got = Vec::new();
    while s.next_batch(&mut batch, BatchLimits::STEADY).unwrap() {
        got.extend(batch.spans.iter().map(|sp| (sp.record, sp.bad)));
    }
    let bad = Some("record larger than 64 MiB");
    assert_eq!(got, [(1, None), (2, bad), (3, None), (4, bad), (5, None)]);
}

#[test]
fn standard_conforming_strings_decides_backslashes() {
    for (setting, tuple, backslashes) in [
        ("on", "('Ma''ruf', 'C:\\x')", false),
        ("off", "('Ma\\'ruf', 'x')", true),
        ("TO 'off'", "('Ma\\'ruf', 'x')", true),
    ] {
        let dump = format!(
            "SET standard_conforming_strings = {setting};\nINSERT INTO t (nama, nik) VALUES {tuple};\n"
        );
        let got = rows(&dump);
        assert_eq!(got.len(), 1, "{setting}");
        assert!(got[0].3.is_ok(), "{setting}");
        let mut s = SqlSplitter::new(Box::new(std::io::empty()), dump.into_bytes(), "t".into(), Vec::new());
        let mut batch = Batch::default();
        s.next_batch(&mut batch, BatchLimits::STEADY).unwrap();
        assert_eq!(batch.layouts[0].backslash_escapes, backslashes, "{setting}");
    }
}

#[test]
fn string_defaults_and_comments_in_create_table_keep_the_columns() {
    let dump = "CREATE TABLE `p` (`id` int,\n `nama` varchar(50) COMMENT 'nama lengkap, sesuai KTP' DEFAULT 'a,b',\n \
        -- no_hp, surel\n `no_hp` varchar(20), /* x, y */ `email` varchar(50), PRIMARY KEY (`id`));\n\
        INSERT INTO `p` VALUES (1,'Siti','0812','s@x.co');\n";
    let got = rows(dump);
    assert_eq!(got[0].2, vec![None, Some(Kind::Name), Some(Kind::Phone), Some(Kind::Email)]);
}

#[test]
fn comments_between_tuples_and_statements_without_semicolons() {
    let dump = "INSERT INTO t (id, nik) VALUES\n  -- batch 1\n  (1, 'a'),\n  /* x */ (2, 'b'),\n  # y\n (3, 'c')\n\
        INSERT INTO t (id, nik) VALUES (4, N'd')\nGO\nINSERT INTO t (id, nik) VALUES (5, 'e');\n";
    let got = rows(dump);
    let records: Vec<u64> = got.iter().map(|r| r.0).collect();
    assert_eq!(records, [1, 2, 3, 4, 5]);
    assert!(got.iter().all(|r| r.3.is_ok()));
}

#[test]
fn a_map_applies_only_to_the_tables_that_have_the_column() {
    let dump = "CREATE TABLE a (id int, nomor text);\nCREATE TABLE b (id int, nik text, email text);\n\
        INSERT INTO a VALUES (1, 'x');\nINSERT INTO b VALUES (1, 'y', 'z');\n";
    let maps = vec!["nik=nomor".parse().unwrap()];
    let mut s = SqlSplitter::new(Box::new(std::io::empty()), dump.as_bytes().to_vec(), "t".into(), maps);
    let mut batch = Batch::default();
    s.next_batch(&mut batch, BatchLimits::STEADY).unwrap();
    let roles: Vec<Vec<Option<Kind>>> = batch
        .spans
        .iter()
        .map(|sp| batch.layout(sp).unwrap().roles.iter().map(|r| r.map(|r| r.kind)).collect())
        .collect();
    assert_eq!(roles, [vec![None, Some(Kind::Nik)], vec![None, Some(Kind::Nik), Some(Kind::Email)]]);
}

/// Records as (number, line, text or reason), for the resynchronization tests.
fn numbered(input: &str) -> Vec<(u64, u64, Result<String, &'static str>)> {
    rows(input).into_iter().map(|(record, line, _, text)| (record, line, text)).collect()
}

#[test]
fn a_stray_paren_in_one_tuple_loses_only_that_tuple() {
    let got = numbered(
        "INSERT INTO t (id, nik) VALUES (1,'a'),(2,(,'b'),(3,'c'),(4,'d');\nINSERT INTO t (id, nik) VALUES (5,'e');\n",
    );
    assert_eq!(
        got,
        vec![
            (1, 1, Ok("(1,'a')".into())),
            (2, 1, Err("SQL tuple is not closed")),
            (3, 1, Ok("(3,'c')".into())),
            (4, 1, Ok("(4,'d')".into())),
            (5, 2, Ok("(5,'e')".into())),
        ]
    );
}

#[test]
fn a_stray_quote_in_one_tuple_loses_only_that_tuple() {
    let dump = "INSERT INTO t (id, nik) VALUES (1,'a'),(2,'b'x'),(3,'c'),(4,'d;e');\n\
        INSERT INTO t (id, nik) VALUES (5,'e'),(6,'it''s');\nUNLOCK TABLES;\nINSERT INTO t (id, nik) VALUES (7,'f');\n";
    let got = numbered(dump);
    let texts: Vec<(u64, Result<String, &str>)> = got.iter().map(|r| (r.0, r.2.clone())).collect();
    assert_eq!(
        texts,
        vec![
            (1, Ok("(1,'a')".into())),
            (2, Err("SQL tuple is not closed")),
            (3, Ok("(3,'c')".into())),
            (4, Ok("(4,'d;e')".into())),
            (5, Ok("(5,'e')".into())),
            (6, Ok("(6,'it''s')".into())),
            (7, Ok("(7,'f')".into())),
        ]
    );
    assert_eq!(got.iter().map(|r| r.1).collect::<Vec<_>>(), [1, 1, 1, 1, 2, 2, 4]);
}

#[test]
fn a_stray_close_paren_loses_only_its_tuple() {
    let got = numbered("INSERT INTO t (id, nik) VALUES (1,'a'),(2,'b'),'x'),(3,'c');\n");
    let texts: Vec<Result<String, &str>> = got.into_iter().map(|r| r.2).collect();
    assert_eq!(texts, vec![Ok("(1,'a')".into()), Err("SQL tuple does not parse"), Ok("(3,'c')".into())]);
}

#[test]
fn an_unclosed_quote_in_the_last_tuple_keeps_the_next_tables() {
    // mysqldump: the statements after the last INSERT of a table, then the next table.
    let dump = "INSERT INTO `a` VALUES (1,'x'),(2,'y);\nUNLOCK TABLES;\nDROP TABLE IF EXISTS `b`;\n\
        CREATE TABLE `b` (\n  `id` int,\n  `nik` varchar(16) COMMENT 'no. KTP'\n);\nINSERT INTO `b` VALUES (1,'3201014107900001');\n";
    let got = rows(dump);
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(got[1].3, Err("SQL tuple is not closed"));
    assert_eq!((got[2].0, got[2].1), (3, 8));
    assert_eq!(got[2].2, vec![None, Some(Kind::Nik)], "b's CREATE TABLE was read");
}

#[test]
fn a_quote_left_open_in_a_skipped_statement_ends_at_the_next_insert_line() {
    let dump = "SET @x = 'never closed;\nINSERT INTO t (id, nik) VALUES (1,'a');\n";
    assert_eq!(numbered(dump), vec![(1, 2, Ok("(1,'a')".into()))]);
}

#[test]
fn a_tuple_cut_by_the_end_of_a_line_keeps_the_next_statements() {
    let dump = "INSERT INTO t (id, nik) VALUES (1,'a'),(2,'b\nINSERT INTO t (id, nik) VALUES (3,'c');\n";
    let got = numbered(dump);
    assert_eq!(
        got,
        vec![
            (1, 1, Ok("(1,'a')".into())),
            (2, 1, Err("SQL tuple is not closed")),
            (3, 2, Ok("(3,'c')".into()))
        ]
    );
}

#[test]
fn a_copy_row_with_the_wrong_number_of_fields_is_a_bad_record() {
    // A raw line break inside a value splits one row in two: neither half is read with the
    // wrong columns (the NIK as a name), and the rows after them are read as before.
    let dump = "COPY public.p (id, nama, nik) FROM stdin;\n1\tSiti\t3201014107900001\n2\tBudi\nSantoso\t3174051203880003\n\
        3\tAni\t3271010101900009\n\\.\n";
    let mut s =
        SqlSplitter::new(Box::new(std::io::empty()), dump.as_bytes().to_vec(), "t".into(), Vec::new());
    let mut batch = Batch::default();
    s.next_batch(&mut batch, BatchLimits::STEADY).unwrap();
    let got: Vec<Result<Vec<String>, &str>> = batch
        .spans
        .iter()
        .map(|span| {
            let mut values = Vec::new();
            SqlExtractor
                .extract(&batch.record_text(span), batch.layout(span), &mut String::new(), &mut |kind, v| {
                    values.push(format!("{kind:?}={v}"))
                })
                .map(|()| values)
        })
        .collect();
    let bad = Err("COPY row has the wrong number of fields");
    assert_eq!(got.len(), 4);
    assert_eq!((&got[1], &got[2]), (&bad, &bad));
    assert_eq!(got[3], Ok(vec!["Name=Ani".to_string(), "Nik=3271010101900009".to_string()]));
}

#[test]
fn a_copy_block_that_lost_its_end_marker_ends_at_the_next_copy() {
    let dump = "COPY public.a (id, nama) FROM stdin;\n1\tSiti\n\n--\n-- Data for Name: b\n--\n\n\
        COPY public.b (nik, id) FROM stdin;\n3201014107900001\t1\n\\.\n";
    let got = rows(dump);
    let last = got.last().unwrap();
    assert_eq!(last.2, vec![Some(Kind::Nik), None], "b's row is read with b's columns: {got:?}");
    assert_eq!(last.3, Ok("3201014107900001\t1".into()));
}

#[test]
fn a_quote_left_open_on_a_line_longer_than_the_record_limit_costs_one_tuple() {
    // No `;`, no line break: the open quote only shows as a tuple outgrowing the limit, and the
    // scan goes back to find the tuples after it.
    let tuples: Vec<String> = (3..200).map(|i| format!("({i},'n{i}')")).collect();
    let dump = format!("INSERT INTO t (id, nik) VALUES (1,'a'),(2,'b'x'),{}", tuples.join(","));
    let mut s = SqlSplitter::new(Box::new(Trickle(dump.into_bytes(), 0)), Vec::new(), "t".into(), Vec::new())
        .with_max_record(1000);
    let mut batch = Batch::default();
    let mut got = Vec::new();
    while s.next_batch(&mut batch, BatchLimits::STEADY).unwrap() {
        got.extend(batch.spans.iter().map(|sp| (sp.record, sp.bad)));
    }
    assert_eq!(got.len(), 199);
    assert_eq!(got[1], (2, Some("record larger than 64 MiB")));
    assert!(got.iter().enumerate().all(|(i, r)| r.0 == i as u64 + 1 && (i == 1 || r.1.is_none())), "{got:?}");
}

#[test]
fn junk_between_values_and_tuples_is_a_bad_record_not_a_silent_end_of_the_statement() {
    let texts = |dump: &str| -> Vec<Result<String, &'static str>> {
        numbered(dump).into_iter().map(|r| r.2).collect()
    };
    let junk = Err("SQL values do not parse");
    // Junk right after VALUES: one bad record, then every tuple.
    for head in ["VALUES )(", "VALUES [(", "VALUES ;("] {
        let dump = format!(
            "INSERT INTO t (id, nik) VALUES (0,'z');\nINSERT INTO t (id, nik) {head}1,'a'),(2,'b'),(3,'c');\nINSERT INTO t (id, nik) VALUES (4,'d');\n"
        );
        let got = texts(&dump);
        assert_eq!(got.iter().filter(|t| t.is_err()).count(), 1, "{head}: {got:?}");
        for tuple in ["(0,'z')", "(1,'a')", "(2,'b')", "(3,'c')", "(4,'d')"] {
            assert!(got.contains(&Ok(tuple.into())), "{head}: {tuple} lost: {got:?}");
        }
    }
    // A `;` between tuples, or a `)` followed by a value.
    assert_eq!(
        texts("INSERT INTO t (id, nik) VALUES (1,'a'),(2,'b');,(3,'c'),(4,'d');\n"),
        vec![
            Ok("(1,'a')".into()),
            Ok("(2,'b')".into()),
            junk.clone(),
            Ok("(3,'c')".into()),
            Ok("(4,'d')".into())
        ]
    );
    assert_eq!(
        texts("INSERT INTO t (id, nik) VALUES (1,'a',NULL),-5,6),(2,'b'),(3,'c');\n"),
        vec![Ok("(1,'a',NULL)".into()), junk, Ok("(2,'b')".into()), Ok("(3,'c')".into())]
    );
    // Clauses after the tuples, and statements after them, are not junk.
    let fine = "INSERT INTO t (id, nik) VALUES (1,'a') ON DUPLICATE KEY UPDATE nik=VALUES(nik);\nUNLOCK TABLES;\n(x);\n";
    assert_eq!(texts(fine), vec![Ok("(1,'a')".into())]);
}

#[test]
fn copy_rows_after_an_extra_end_marker_are_read_as_rows_of_the_block() {
    let dump = "COPY public.p (id, nik) FROM stdin;\n1\ta\n\\.\n3\tc\n4\td\n\\.\n\n-- x\nALTER TABLE p OWNER TO x;\n";
    let texts: Vec<Result<String, &str>> = numbered(dump).into_iter().map(|r| r.2).collect();
    assert_eq!(texts, vec![Ok("1\ta".into()), Ok("3\tc".into()), Ok("4\td".into())]);
}

#[test]
fn a_stray_quote_that_closes_a_string_early_loses_only_its_tuple() {
    // `'2020-'01-02'` read as one tuple swallowed the next one up to its `)`: tuple 3 was lost
    // inside bad record 2, and a watched person in it never checked (issue 14).
    let texts = |dump: &str| -> Vec<Result<String, &'static str>> {
        numbered(dump).into_iter().map(|r| r.2).collect()
    };
    let got = texts(
        "INSERT INTO `p` VALUES (1,'Budi','2020-01-01'),(2,'Dewi','2020-'01-02'),(3,'Ma\\'ruf','2020-01-03'),(4,'Sari','x');\n",
    );
    assert_eq!(
        got,
        vec![
            Ok("(1,'Budi','2020-01-01')".into()),
            Err("SQL tuple does not parse"),
            Ok("(3,'Ma\\'ruf','2020-01-03')".into()),
            Ok("(4,'Sari','x')".into()),
        ]
    );
    let got = texts("INSERT INTO `p` VALUES (1,'a'),(2,'De'wi','x'),(3,'Sari','kontrol),(ulang'),(4,'b');\n");
    assert_eq!(
        got,
        vec![
            Ok("(1,'a')".into()),
            Err("SQL tuple does not parse"),
            Ok("(3,'Sari','kontrol),(ulang')".into()),
            Ok("(4,'b')".into()),
        ]
    );
}

#[test]
fn a_stray_byte_between_tuples_costs_no_tuple_after_it() {
    // After `),[` or `)'` the resynchronization wanted `),(` exactly: the tuple after the stray
    // byte was lost with the one before it.
    for junk in ["),[(", ")',(", "),'(", "),)(", ") ;,("] {
        let dump = format!("INSERT INTO t (id, nik) VALUES (1,'a'{junk}2,'b'),(3,'c');\n");
        let got = numbered(&dump);
        for tuple in ["(2,'b')", "(3,'c')"] {
            assert!(got.iter().any(|r| r.2 == Ok(tuple.into())), "{junk}: {tuple} lost: {got:?}");
        }
        assert!(got.len() >= 3, "{junk}: every tuple read or counted bad: {got:?}");
    }
}

#[test]
fn values_row_tuples_are_read_and_words_in_place_of_tuples_are_bad_records() {
    // MySQL 8 `VALUES ROW(…)`, and junk starting with a letter after VALUES, ended the statement
    // in silence.
    let texts = |dump: &str| -> Vec<Result<String, &'static str>> {
        numbered(dump).into_iter().map(|r| r.2).collect()
    };
    assert_eq!(
        texts("INSERT INTO t (id, nik) VALUES ROW(1,'a'), ROW (2,'b'),row(3,'c');\n"),
        vec![Ok("(1,'a')".into()), Ok("(2,'b')".into()), Ok("(3,'c')".into())]
    );
    let junk = Err("SQL values do not parse");
    assert_eq!(
        texts("INSERT INTO t (id, nik) VALUES garbage;\nINSERT INTO t (id, nik) VALUES (1,'a');\n"),
        vec![junk, Ok("(1,'a')".into())]
    );
    assert_eq!(
        texts("INSERT INTO t (id, nik) VALUES (1,'a') junk,(2,'b'),(3,'c');\n"),
        vec![Err("SQL tuple does not parse"), Ok("(2,'b')".into()), Ok("(3,'c')".into())]
    );
    // Clauses and statements after the tuples are no junk.
    let fine = "INSERT INTO t (id, nik) VALUES (1,'a') AS new ON DUPLICATE KEY UPDATE nik=new.nik;\n\
        INSERT INTO t (id, nik) VALUES (2,'b')\nGO\n";
    assert_eq!(texts(fine), vec![Ok("(1,'a')".into()), Ok("(2,'b')".into())]);
}

#[test]
fn a_copy_head_with_a_stray_byte_still_reads_its_rows() {
    // The rows of a COPY whose head did not parse were skipped as statements, in silence (a
    // quote in a row then swallowed the next block too).
    for head in [
        "COPY (public.p (id, nik, nama) FROM stdin;",
        "C'OPY public.p (id, nik, nama) FROM stdin;",
        "COPY public.p (id, ni'k, nama) FROM stdin;",
    ] {
        let dump = format!(
            "{head}\n1\t3201014107900001\tSiti\n2\t3174051203880002\tMa'ruf\n\\.\n\
             COPY public.q (id, nik) FROM stdin;\n3\t3174051203880003\n\\.\n"
        );
        let got = rows(&dump);
        let texts: Vec<&str> = got.iter().filter_map(|r| r.3.as_deref().ok()).collect();
        let want = ["1\t3201014107900001\tSiti", "2\t3174051203880002\tMa'ruf", "3\t3174051203880003"];
        assert_eq!(texts, want, "{head}");
        assert_eq!(got[0].2[1], Some(Kind::Nik), "{head}: the NIK column is found");
    }
}

#[test]
fn copy_rows_after_an_extra_end_marker_that_start_with_a_letter_are_read() {
    let dump = "COPY public.p (nama, nik) FROM stdin;\nSiti\t3201014107900001\n\\.\nBudi\t3174051203880003\n\\.\n\n\
        ALTER TABLE ONLY public.p\n    ADD CONSTRAINT p_pkey PRIMARY KEY (nik);\n";
    let texts: Vec<Result<String, &str>> = numbered(dump).into_iter().map(|r| r.2).collect();
    assert_eq!(texts, vec![Ok("Siti\t3201014107900001".into()), Ok("Budi\t3174051203880003".into())]);
}

#[test]
fn a_quote_left_open_before_a_copy_block_ends_at_its_head() {
    let dump = "-'-\n-- PostgreSQL database dump\n\nCOPY public.p (id, nik) FROM stdin;\n1\ta\n\\.\n";
    assert_eq!(numbered(dump), vec![(1, 5, Ok("1\ta".into()))]);
}

/// Issue 21: sqlite3's `.dump` writes standard strings (`'C:\data\'` ends in a backslash) and
/// values as expressions: `replace('…\n…','\n',char(10))`, `char(…)`, `unistr('…')`, `X'…'`, `||`.
#[test]
fn sqlite_dump_value_expressions_are_read_as_their_text() {
    use SqlValue::*;
    assert_eq!(
        values(
            "(1,'C:\\data\\',replace('line one\\nline two','\\n',char(10)),char(72,105),unistr('caf\\u00e9 \\\\ \\+01F600'),\
             X'00ff','a'||'b'||3,NULL,replace(replace('a\\r\\nb','\\r',char(13)),'\\n',char(10)),'x'||NULL)",
            false
        ),
        Ok(vec![
            Text("1"),
            Text("C:\\data\\"),
            Text("line one\nline two"),
            Text("Hi"),
            Text("café \\ 😀"),
            Text("\0ÿ"),
            Text("ab3"),
            Absent,
            Text("a\r\nb"),
            Absent
        ])
    );
    // Unknown functions stay values that are no identity; broken expressions do not parse.
    assert_eq!(values("(now(), lower('A'))", false), Ok(vec![NotIdentity, NotIdentity]));
    assert_eq!(values("('a'||)", false), Err("SQL tuple does not parse"));
    assert_eq!(values("(replace('a','a'))", false), Err("SQL tuple does not parse"));
}

/// A hostile `replace()` that would multiply a value past the tuple's own size, or nest without
/// end, is a bad record: memory per record stays bounded.
#[test]
fn value_expressions_that_grow_or_nest_without_bound_are_bad_records() {
    let grow = format!("(replace('{}','x','{}'))", "x".repeat(1000), "y".repeat(1000));
    assert_eq!(values(&grow, false), Err("SQL value expression is too large"));
    let deep = format!("({}'a'{})", "replace(".repeat(100), ",'a','b')".repeat(100));
    assert_eq!(values(&deep, false), Err("SQL value expression is too large"));
    // Cold review #4: many results each within the tuple's size, together far beyond it.
    let one = format!("replace('{}','x','{}')", "x".repeat(100), "y".repeat(10));
    let many = format!("(1, char({}))", vec![one.as_str(); 20].join(", "));
    assert_eq!(values(&many, false), Err("SQL value expression is too large"));
    // The tuples after it are read.
    assert_eq!(values("(2, char(72, 105))", false), Ok(vec![SqlValue::Text("2"), SqlValue::Text("Hi")]));
    assert_eq!(
        values("(3, '3174051203880003')", false),
        Ok(vec![SqlValue::Text("3"), SqlValue::Text("3174051203880003")])
    );
}

/// SPEC §5: casts read as their literal (`::bytea` is binary), in either mode.
#[test]
fn casts_are_read_as_their_literal() {
    use SqlValue::*;
    for backslash in [false, true] {
        assert_eq!(
            values(
                "('1990-01-01'::date, '\\x00ff'::bytea, 'Siti'::text, '2020-01-01 00:00:00+07'::timestamp with time zone, \
                 5::numeric(10,2), 'a'::character varying::text, '{1,2}'::integer[], 'b' :: \"my type\")",
                backslash
            ),
            Ok(vec![
                Text("1990-01-01"),
                NotIdentity,
                Text("Siti"),
                Text("2020-01-01 00:00:00+07"),
                Text("5"),
                Text("a"),
                Text("{1,2}"),
                Text("b")
            ]),
            "backslash {backslash}"
        );
    }
    assert_eq!(values("('a'::)", false), Err("SQL tuple does not parse"));
}

/// `E'…'` strings take PostgreSQL's backslash escapes in either mode; other strings do not.
#[test]
fn e_strings_take_backslash_escapes_in_either_mode() {
    use SqlValue::*;
    for backslash in [false, true] {
        assert_eq!(
            values("(E'O\\'Brien', e'a\\nb\\x41\\101\\u00e9\\\\')", backslash),
            Ok(vec![Text("O'Brien"), Text("a\nbAAé\\")]),
            "backslash {backslash}"
        );
    }
}

/// Issue 21: a `.dump` of sqlite3 (no header comment, `PRAGMA` and `BEGIN TRANSACTION` first,
/// no column list: the columns come from the `CREATE TABLE`); `'C:\data\'` swallowed the rows
/// after it when read with MySQL's escapes.
#[test]
fn sqlite_dump_backslash_before_a_quote_ends_the_string() {
    let dump = "PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\nCREATE TABLE \"p\" (id INT, nik TEXT, catatan TEXT);\n\
        INSERT INTO \"p\" VALUES(1,'3201014107900001','C:\\data\\');\n\
        INSERT INTO \"p\" VALUES(2,'3201014107900002',replace('a\\nb),(','\\n',char(10)));\nCOMMIT;\n";
    let got = rows(dump);
    let roles = vec![None, Some(Kind::Nik), None];
    assert_eq!(
        got,
        vec![
            (1, 4, roles.clone(), Ok("(1,'3201014107900001','C:\\data\\')".into())),
            (2, 5, roles, Ok("(2,'3201014107900002',replace('a\\nb),(','\\n',char(10)))".into())),
        ]
    );
}

/// Issue 21: the second half of a `split` pg_dump --inserts has no header: its statements show
/// nothing, so standard strings (they parse), not MySQL's escapes for the whole file.
#[test]
fn a_headerless_dump_piece_reads_standard_strings_when_they_parse() {
    let piece = "INSERT INTO public.p VALUES (1, '3201014107900001', 'C:\\data\\');\n\
        INSERT INTO public.p VALUES (2, '3201014107900002', 'two\\\\backslashes');\n\
        INSERT INTO public.p VALUES (3, '3201014107900003', 'x');\n";
    let got = rows(piece);
    assert_eq!(got.len(), 3, "{got:?}");
    assert!(got.iter().all(|r| r.3.is_ok()), "{got:?}");
    // MySQL's escapes still read where only they parse.
    let mysql = "INSERT INTO t VALUES (1,'O\\'Brien','3201014107900001');\n";
    assert_eq!(rows(mysql)[0].3, Ok("(1,'O\\'Brien','3201014107900001')".into()));
}

/// SPEC §5: the dialect is decided per statement, from what it shows (backticks: MySQL; a cast:
/// PostgreSQL), and a statement that shows nothing takes the last shown one: a MySQL piece and
/// a PostgreSQL piece (no header) in one input both read right.
#[test]
fn the_string_dialect_is_decided_per_statement() {
    let dump = "INSERT INTO `p` VALUES (1,'O\\'Brien','3201014107900001');\n\
        INSERT INTO public.p VALUES (2, '1990-01-01'::date, 'C:\\', '3201014107900002');\n\
        INSERT INTO public.p VALUES (3, 'C:\\', '3201014107900003');\n\
        INSERT INTO `p` VALUES (4,'a\\\\','3201014107900004');\n";
    let mut s =
        SqlSplitter::new(Box::new(std::io::empty()), dump.as_bytes().to_vec(), "t".into(), Vec::new());
    let mut batch = Batch::default();
    let mut dialects = Vec::new();
    while s.next_batch(&mut batch, BatchLimits::STEADY).unwrap() {
        for span in &batch.spans {
            assert_eq!(span.bad, None, "{span:?}");
            dialects.push(batch.layout(span).map(|l| l.backslash_escapes));
        }
    }
    assert_eq!(dialects, [Some(true), Some(false), Some(false), Some(true)]);
}

/// `E'…'` (with `\'` in it) and casts in a PostgreSQL dump: the lexer knows an E-string's
/// escapes, so `E'O\'Brien (x), '` does not end at `\'`.
#[test]
fn e_strings_do_not_end_at_an_escaped_quote() {
    let dump = "--\n-- PostgreSQL database dump\n--\n\
        INSERT INTO t (nik, nama) VALUES ('3201014107900001'::text, E'O\\'Brien (x), ');\n\
        INSERT INTO t (nik, nama) VALUES ('3201014107900002', 'b');\n";
    let got = rows(dump);
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(got.iter().all(|r| r.3.is_ok()), "{got:?}");
}

/// Hostile-2 F1: values written as expressions are read as the text they hold, not dropped in
/// silence: sqlite3's BLOBs (`X'…'`), mysqldump's `--hex-blob` (`0x…`) and charset introducers
/// (`_binary '…'`), SQL Server's `N'…'` and `CAST(… AS …)`, MySQL's `CONVERT(…)`.
#[test]
fn hex_blobs_introducers_and_conversions_are_read_as_their_text() {
    use SqlValue::*;
    let nik = "3174051203880003";
    let hex: String = nik.bytes().map(|b| format!("{b:02X}")).collect();
    for backslash in [false, true] {
        assert_eq!(
            values(
                &format!(
                    "(X'{hex}', x'{hex}', 0x{hex}, _binary '{nik}', _utf8mb4'{nik}', N'{nik}', \
                     CAST(N'1988-03-12' AS Date), cast('{nik}' as char(16)), CAST(X'{hex}' AS TEXT), \
                     CONVERT('{nik}' USING utf8mb4), convert(_binary '{nik}', char), \
                     CONVERT(date, '1988-03-12', 23), CAST(NULL AS Date), X'E9', 0x, B'0101')"
                ),
                backslash
            ),
            Ok(vec![
                Text(nik),
                Text(nik),
                Text(nik),
                Text(nik),
                Text(nik),
                Text(nik),
                Text("1988-03-12"),
                Text(nik),
                Text(nik),
                Text(nik),
                Text(nik),
                Text("1988-03-12"),
                Absent,
                Text("é"),
                Text(""),
                NotIdentity
            ]),
            "backslash {backslash}"
        );
    }
    // Hex that is no hex, a CAST without its `AS`: the record does not parse (a bad record).
    assert_eq!(values("(X'3G')", false), Err("SQL tuple does not parse"));
    assert_eq!(values("(0x123)", false), Err("SQL tuple does not parse"));
    assert_eq!(values("(CAST('a' 'b'))", false), Err("SQL tuple does not parse"));
}

/// Hostile-2 F3: pg_dump --inserts writes `OVERRIDING SYSTEM VALUE` before `VALUES` for a table
/// with an identity column; its `VALUE` is no `VALUES` keyword, so every tuple is one record.
#[test]
fn overriding_system_value_in_the_head_is_read() {
    let create = "CREATE TABLE public.pasien (id integer NOT NULL, nik character varying(16), nama text);\n";
    for with_create in [false, true] {
        let mut dump = String::from(if with_create { create } else { "" });
        for (i, how) in ["SYSTEM", "USER", "system"].iter().enumerate() {
            dump.push_str(&format!(
                "INSERT INTO public.pasien OVERRIDING {how} VALUE VALUES ({i}, '317405120388000{i}', 'Nama {i}');\n"
            ));
        }
        dump.push_str("INSERT INTO public.pasien (id, nik, nama) OVERRIDING SYSTEM VALUE VALUES (9, '3174051203880009', 'X'), (10, '3174051203880010', 'Y');\n");
        let got = rows(&dump);
        assert_eq!(got.len(), 5, "with CREATE TABLE {with_create}: {got:?}");
        assert!(got.iter().all(|r| r.3.is_ok()), "{got:?}");
        assert_eq!(got[1].3, Ok("(1, '3174051203880001', 'Nama 1')".into()));
        assert_eq!(got[4].3, Ok("(10, '3174051203880010', 'Y')".into()));
        if with_create {
            assert_eq!(got[0].2, vec![None, Some(Kind::Nik), Some(Kind::Name)]);
        }
    }
}

#[test]
fn insert_set_columns_are_sniffed_from_the_tables_first_set_statements() {
    // Regression (review 9): the columns of `INSERT … SET` got roles from their names only, so a
    // NIK in a column named `kolom7` was never checked and the scan said CLEAR; the same rows as
    // `VALUES` tuples were sniffed and found.
    let mut dump =
        String::from("-- dump\nINSERT INTO pasien SET kolom7 = '3201014107900001', nama = 'Siti';\n");
    for i in 2..6 {
        // Other statements between them, and lists naming the columns in another order.
        dump.push_str(&format!(
            "INSERT INTO lain SET x = 'a';\n/* c */ INSERT INTO pasien SET nama = 'B{i}', KOLOM7 = '320101410790000{i}';\n"
        ));
    }
    let got = rows(&dump);
    assert_eq!(got.len(), 9);
    assert_eq!(got[0].2, vec![Some(Kind::Nik), Some(Kind::Name)]);
    assert_eq!(got[0].3, Ok("kolom7 = '3201014107900001', nama = 'Siti'".to_string()));
}

#[test]
fn an_insert_set_longer_than_a_statement_head_is_read_and_past_the_record_limit_is_bad() {
    // Regression (review 9): an `INSERT … SET` longer than 4 MiB (a photo in it) was skipped as
    // a head too long to parse: no record, no bad record, no warning, and the scan said CLEAR.
    let photo = "A".repeat(5 << 20);
    let dump = format!(
        "INSERT INTO pasien SET nik = '3201014107900001', nama = 'Siti', foto = '{photo}';\n\
         INSERT INTO pasien SET nik = '3201014107900002', nama = 'Budi', foto = 'x'"
    );
    let read = |max_record: usize| {
        let reader = Box::new(std::io::Cursor::new(dump.clone().into_bytes()));
        let mut s = SqlSplitter::new(reader, Vec::new(), "t".into(), Vec::new()).with_max_record(max_record);
        let mut batch = Batch::default();
        let mut got = Vec::new();
        while s.next_batch(&mut batch, BatchLimits::STEADY).unwrap() {
            for span in &batch.spans {
                let text = span.bad.ok_or_else(|| batch.record_bytes(span)[..30].to_vec());
                got.push((span.record, span.line, text));
            }
        }
        got
    };
    let first = b"nik = '3201014107900001', nama".to_vec();
    let last = b"nik = '3201014107900002', nama".to_vec();
    assert_eq!(read(64 << 20), [(1, 1, Err(first)), (2, 2, Err(last.clone()))]);
    // Past the record limit it is a bad record, and the statement after it is read.
    assert_eq!(read(9 << 19), [(1, 1, Ok("record larger than 64 MiB")), (2, 2, Err(last))]);
}

#[test]
fn a_statement_not_read_is_named_only_by_an_sql_keyword() {
    // Regression (review 9): the warning printed a stray line's first word unmasked, a name
    // (`the DEWI statement at line 3`) on stderr and in the report.
    for first in ["Dewi", "Dewi Lestari 3201014107900001 12-05-1990"] {
        let dump = format!("INSERT INTO t (nik) VALUES ('1');\n\n{first};\nupdate t SET nik = '2';\n");
        let warning = late_warning(&dump).unwrap_or_default();
        assert!(warning.starts_with("d.sql: a statement at line 3 and 1 more not read: "), "{warning}");
        assert!(!warning.to_ascii_uppercase().contains("DEWI"), "{warning}");
    }
    let warning = late_warning("update t SET nik = '2';\nDewi;\n").unwrap_or_default();
    assert!(warning.starts_with("d.sql: the UPDATE statement at line 1 and 1 more not read: "), "{warning}");
}
