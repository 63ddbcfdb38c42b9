use super::*;
use crate::input::testing::Trickle;

/// (record, line, text or bad reason) for every record of a JSON document, read in one go and
/// one byte at a time.
fn records(input: &str) -> Vec<(u64, u64, Result<String, &'static str>)> {
    let whole = split(Box::new(std::io::empty()), input.as_bytes().to_vec());
    let trickled = split(Box::new(Trickle(input.as_bytes().to_vec(), 0)), Vec::new());
    assert_eq!(whole, trickled, "read sizes must not change the split of {input:?}");
    whole
}

fn split(reader: Box<dyn Read + Send>, head: Vec<u8>) -> Vec<(u64, u64, Result<String, &'static str>)> {
    let mut s = ArraySplitter::new(reader, head, "t".into());
    let mut batch = Batch::default();
    let mut out = Vec::new();
    let limits = BatchLimits { records: 2, bytes: usize::MAX };
    let mut rounds = 0;
    while s.next_batch(&mut batch, limits).unwrap() {
        rounds += 1;
        assert!(rounds < 100_000, "splitter does not progress");
        for span in &batch.spans {
            let v = match span.bad {
                Some(r) => Err(r),
                None => Ok(String::from_utf8_lossy(batch.record_bytes(span)).into_owned()),
            };
            out.push((span.record, span.line, v));
        }
    }
    out
}

#[test]
fn top_level_array_elements_are_records() {
    let got = records("[\n {\"nik\": \"1\"},\n {\"a\": [1, {\"b\": \"],\"}]}\n]\n");
    assert_eq!(
        got,
        vec![(1, 2, Ok("{\"nik\": \"1\"}".into())), (2, 3, Ok("{\"a\": [1, {\"b\": \"],\"}]}".into()))]
    );
}

#[test]
fn the_first_array_of_objects_inside_an_object_is_found() {
    let doc = "{\"meta\": {\"tags\": [\"x\", \"y\"], \"n\": 2},\n \"data\": {\"rows\": [\n  {\"nik\": 1},\n  {\"nik\": 2}\n ]},\n \"more\": [{\"ignored\": true}]\n}";
    let got = records(doc);
    assert_eq!(got, vec![(1, 3, Ok("{\"nik\": 1}".into())), (2, 4, Ok("{\"nik\": 2}".into()))]);
}

#[test]
fn an_object_without_such_an_array_is_one_record() {
    let got = records("{\"nik\": \"3201014107900001\", \"hp\": [\"0812\", \"0813\"]}");
    assert_eq!(got, vec![(1, 1, Ok("{\"nik\": \"3201014107900001\", \"hp\": [\"0812\", \"0813\"]}".into()))]);
}

#[test]
fn malformed_documents_give_bad_records_not_hangs() {
    let bad = |doc: &str| records(doc).into_iter().filter(|r| r.2.is_err()).count();
    assert_eq!(bad("[{\"a\":1},,{\"b\":2}]"), 1); // empty element
    // A document cut short: its whole elements are records, the cut is one bad record.
    assert_eq!(records("[{\"a\":1}").iter().map(|r| r.2.is_ok()).collect::<Vec<_>>(), [true, false]);
    assert_eq!(bad("[{\"a\":1"), 1);
    assert_eq!(bad("[{\"a\":1}] x"), 1); // trailing garbage
    assert_eq!(bad("{\"a\" \"b\"}"), 0); // structurally whole: the worker's parser rejects it
    assert_eq!(bad("nope"), 1);
    assert_eq!(bad("\"just a string\""), 0);
    assert_eq!(bad(""), 1); // an empty document is not JSON
    assert_eq!(bad(" \n"), 1);
    assert_eq!(bad("[\"unterminated"), 1);
    assert_eq!(bad(&"[".repeat(100_000)), 1);
}

#[test]
fn escapes_inside_strings_do_not_end_them() {
    let got = records("[{\"a\":\"x\\\"],{\\\\\"},{\"b\":\"\\\\\"}]");
    assert_eq!(got.len(), 2);
    assert!(got.iter().all(|r| r.2.is_ok()));
}

#[test]
fn oversized_elements_are_bad_and_skipped() {
    let big = format!("[{{\"a\":\"{}\"}},{{\"b\":1}}]", "x".repeat(200));
    let mut s =
        ArraySplitter::new(Box::new(std::io::empty()), big.into_bytes(), "t".into()).with_max_record(64);
    let mut batch = Batch::default();
    // The whole input is already in memory, so the limit is checked when more is needed: feed
    // it through a reader instead.
    assert!(s.next_batch(&mut batch, BatchLimits::STEADY).unwrap() || batch.spans.is_empty());
    let doc = format!("[{{\"a\":\"{}\"}},{{\"b\":1}}]", "x".repeat(400_000));
    let mut s = ArraySplitter::new(Box::new(std::io::Cursor::new(doc.into_bytes())), Vec::new(), "t".into())
        .with_max_record(1000);
    let mut got = Vec::new();
    while s.next_batch(&mut batch, BatchLimits::STEADY).unwrap() {
        got.extend(batch.spans.iter().map(|sp| sp.bad));
    }
    assert_eq!(got, [Some("record larger than 64 MiB"), None]);
}

fn extract(record: &str, known: &[(&str, Kind)]) -> Result<Vec<(Kind, String)>, &'static str> {
    let extractor = JsonExtractor {
        known: known
            .iter()
            .map(|(p, k)| (p.to_string(), Some(Role { kind: *k, source: RoleSource::Header })))
            .collect(),
        maps: Vec::new(),
    };
    let mut out = Vec::new();
    let mut scratch = String::new();
    extractor.extract(record, None, &mut scratch, &mut |k, v| out.push((k, v.to_string())))?;
    Ok(out)
}

#[test]
fn nested_values_flatten_to_dotted_paths() {
    let record = r#"{"pasien": {"nama": "Budi", "kontak": {"hp": ["0812", "0813"], "email": null},
        "keluarga": [{"nik": 3201014107900001}, {"nik": "3174051203880003"}]}, "nik": 3.20101E+15}"#;
    let got = extract(record, &[]).unwrap();
    // Keys are visited in sorted order; numbers keep their digits.
    assert_eq!(
        got,
        vec![
            (Kind::Nik, "3.20101e+15".to_string()),
            (Kind::Nik, "3201014107900001".to_string()),
            (Kind::Nik, "3174051203880003".to_string()),
            (Kind::Phone, "0812".to_string()),
            (Kind::Phone, "0813".to_string()),
            (Kind::Name, "Budi".to_string()),
        ]
    );
    let got = extract(r#"{"nik": 3201014107900001.0, "hp": 6281234567890123456789}"#, &[]).unwrap();
    assert_eq!(
        got,
        vec![
            (Kind::Phone, "6281234567890123456789".to_string()),
            (Kind::Nik, "3201014107900001.0".to_string())
        ]
    );
}

#[test]
fn known_paths_take_their_planned_role() {
    let got =
        extract(r#"{"x": {"kontak": "0812"}, "kontak": "a@b.co"}"#, &[("x.kontak", Kind::Phone)]).unwrap();
    assert_eq!(got, vec![(Kind::Phone, "0812".to_string())]);
}

#[test]
fn non_objects_and_broken_lines_are_bad_records() {
    assert_eq!(extract("[1,2]", &[]), Err("not a JSON object"));
    assert_eq!(extract("{\"a\":", &[]), Err("JSON ends in the middle of a value"));
    assert_eq!(extract("{\"a\" 1}", &[]), Err("not valid JSON"));
    let deep = format!("{{\"a\":{}1{}}}", "[".repeat(200), "]".repeat(200));
    assert_eq!(extract(&deep, &[]), Err("JSON nested too deeply"));
}

#[test]
fn an_escape_cut_by_a_read_still_escapes_one_byte() {
    // Read a byte at a time, the backslash of `\n` ends one read and the `n` is the whole next one.
    let got = records("[{\"a\":\"x\\n\"},{\"nik\":\"3201014107900001\"}]");
    assert_eq!(got.len(), 2);
    assert!(got.iter().all(|r| r.2.is_ok()), "{got:?}");
}

#[test]
fn concatenated_documents_are_all_read() {
    // NDJSON under a `.json` name, or several documents one after the other.
    let got = records("{\"nik\":\"1\"}\n{\"nik\":\"2\"}\n\n{\"nik\":\"3\"}\n");
    let lines: Vec<(u64, u64)> = got.iter().map(|r| (r.0, r.1)).collect();
    assert_eq!(lines, [(1, 1), (2, 2), (3, 4)]);
    assert!(got.iter().all(|r| r.2.is_ok()));
    // Not JSON: two values on one line, or an array after an object.
    let bad = |doc: &str| records(doc).into_iter().filter(|r| r.2.is_err()).map(|r| r.1).collect::<Vec<_>>();
    assert_eq!(bad("{}{}"), [1]);
    assert_eq!(bad("[][]"), [1]);
    assert_eq!(bad("{\"a\":1}\n\n[{\"b\":2}]"), [3]);
}

#[test]
fn a_long_top_level_scalar_is_one_bad_record() {
    let doc = format!("\"{}\"", "x".repeat(2 * MAX_SCALAR));
    let mut s = ArraySplitter::new(Box::new(std::io::Cursor::new(doc.into_bytes())), Vec::new(), "t".into());
    let mut batch = Batch::default();
    let mut bad = Vec::new();
    while s.next_batch(&mut batch, BatchLimits::STEADY).unwrap() {
        bad.extend(batch.spans.iter().map(|sp| sp.bad));
    }
    bad.extend(batch.spans.iter().map(|sp| sp.bad));
    assert_eq!(bad, [Some("not a JSON array or object")]);
    assert!(s.buf.len() <= 2 * READ, "the scalar is not kept: {}", s.buf.len());
}

/// Bytes read at a time by the splitter (see `read_chunk`).
const READ: usize = 256 << 10;

/// (record, line, text or reason) of each record, for the resynchronization tests.
fn texts(doc: &str) -> Vec<(u64, Result<String, &'static str>)> {
    records(doc).into_iter().map(|(record, _, text)| (record, text)).collect()
}

const BAD: Result<String, &str> = Err("JSON element does not parse");

#[test]
fn a_stray_quote_in_one_element_loses_only_that_element() {
    // Minified: the next element's start is swallowed into the string the stray quote opened.
    assert_eq!(
        texts(r#"[{"a":"1"},{"b":"x"y"},{"c":"3"},{"d":"4"}]"#),
        [
            (1, Ok(r#"{"a":"1"}"#.into())),
            (2, BAD),
            (3, Ok(r#"{"c":"3"}"#.into())),
            (4, Ok(r#"{"d":"4"}"#.into()))
        ]
    );
    assert_eq!(
        texts(r#"[{"a":"1"},{"b":"x},{"c":"3"},{"d":"4"}]"#),
        [
            (1, Ok(r#"{"a":"1"}"#.into())),
            (2, BAD),
            (3, Ok(r#"{"c":"3"}"#.into())),
            (4, Ok(r#"{"d":"4"}"#.into()))
        ]
    );
    // Pretty-printed, in a wrapper object: lines stay right.
    let got = records("{\"data\": [\n  {\"a\": \"1\"},\n  {\"b\": \"x},\n  {\"c\": \"3\"}\n]}\n");
    assert_eq!(got, [(1, 2, Ok("{\"a\": \"1\"}".into())), (2, 3, BAD), (3, 4, Ok("{\"c\": \"3\"}".into()))]);
}

#[test]
fn a_stray_brace_in_one_element_loses_only_that_element() {
    let ok = |s: &str| Ok::<String, &str>(s.into());
    assert_eq!(
        texts(r#"[{"a":1},{"b":{,"x":2},{"c":3}]"#),
        [(1, ok(r#"{"a":1}"#)), (2, BAD), (3, ok(r#"{"c":3}"#))]
    );
    assert_eq!(
        texts(r#"[{"a":1},{"b":2}},{"c":3}]"#),
        [(1, ok(r#"{"a":1}"#)), (2, BAD), (3, ok(r#"{"c":3}"#))]
    );
    // A `}` that closes the element early: the rest of it is no element of its own.
    assert_eq!(
        texts(r#"[{"a":1},{"b":2}, "n":"3201014107900001"},{"c":3}]"#),
        [(1, ok(r#"{"a":1}"#)), (2, BAD), (3, ok(r#"{"c":3}"#))]
    );
    // Nested objects of the bad element are not taken for elements.
    assert_eq!(texts(r#"[{"v":[{"x":1},{"y":2}],"b":"x"y"},{"c":3}]"#), [(1, BAD), (2, ok(r#"{"c":3}"#))]);
    // A missing comma: the first is lost, the second read.
    assert_eq!(texts(r#"[{"a":1}{"c":3}]"#), [(1, BAD), (2, ok(r#"{"c":3}"#))]);
}

#[test]
fn a_bad_last_element_is_one_bad_record() {
    assert_eq!(texts(r#"[{"a":1},{"b":"x"y}]"#), [(1, Ok(r#"{"a":1}"#.into())), (2, BAD)]);
}

#[test]
fn a_stray_brace_before_a_key_does_not_make_the_rest_of_its_element_a_record() {
    // The `{` where a key should be, closed by the element's own `}`, reads as an object, but it
    // is the broken element's tail: found by the property test of one corrupt record.
    assert_eq!(
        texts(r#"[{"id":1,"nama":"x",{"nik":"1"},{"id":2}]"#),
        [(1, BAD), (2, Ok(r#"{"id":2}"#.into()))]
    );
}

#[test]
fn a_number_cut_by_a_read_is_one_token() {
    // Read in two parts that cut `1234` in the middle: the grammar saw two numbers in a row, and
    // a valid element was taken for a bad one (found on a 77 MB array, at batch boundaries).
    let doc = b"[{\"id\":1234,\"nik\":\"1\"},{\"id\":5}]".to_vec();
    let (head, tail) = doc.split_at(9);
    let mut s = ArraySplitter::new(Box::new(std::io::Cursor::new(tail.to_vec())), head.to_vec(), "t".into());
    let mut batch = Batch::default();
    let mut got = Vec::new();
    while s.next_batch(&mut batch, BatchLimits::STEADY).unwrap() {
        got.extend(batch.spans.iter().map(|sp| sp.bad));
    }
    assert_eq!(got, [None, None]);
}

#[test]
fn every_read_boundary_splits_alike() {
    // Elements are scanned a whole buffer at a time and a token the buffer cuts is carried over
    // by the token-at-a-time path: cut at every byte, each document splits as when read whole
    // (and as one byte at a time). Escapes, raw line breaks in a string, numbers and words,
    // brackets nested past 64 levels, and broken elements (a stray `"`, `{`, `}`, a bracket
    // closed by the other kind) at every cut.
    let deep = format!("{}1{}", "[{\"k\":".repeat(40), "}]".repeat(40));
    let docs = [
        format!(
            "[\n {{\"nik\": \"32\\\"01\\\\\", \"n\": 12345, \"t\": true, \"a\": [1, {{\"b\": null}}]}},\n \
             {{\"d\": {deep}}},\n {{\"s\": \"x\ny\"}},\n {{\"e\": -1.5e3}}\n]\n"
        ),
        r#"[{"id":1,"nama":"x",{"nik":"1"},{"id":2},{"id":3,"n":"a"b"},{"id":4}]"#.to_string(),
        r#"{"meta":{"n":[1,2]},"data":[{"a":[1}]},{"id":5},{"id":6,"x":[{"y":1]]},{"id":7}]}"#.to_string(),
        format!("[{{\"d\": {}}}, {{\"id\": 8}}]", deep.replacen("}]", "]]", 1)),
    ];
    for doc in &docs {
        let whole = records(doc);
        assert!(whole.iter().any(|r| r.2.is_ok()), "{doc:?}: {whole:?}");
        for at in 1..doc.len() {
            let (head, tail) = doc.as_bytes().split_at(at);
            let cut = split(Box::new(std::io::Cursor::new(tail.to_vec())), head.to_vec());
            assert_eq!(cut, whole, "{doc:?} read in two at {at}");
        }
    }
}

#[test]
fn a_records_array_closed_after_a_resynchronization_is_not_followed_in_silence() {
    // The element after the bad one is itself bad (`tru`), so the resynchronization takes the
    // `{` nested in its array: that array's `]` then ends the records array. What follows is no
    // close of the enclosing object, and is a bad record, not skipped unseen.
    let got = records(r#"{"a":{"data":[{"nik":{"x"}},{"a":[1,{"n":1}],"b":tru},{"nik":"5"}]}}"#);
    assert!(got.iter().any(|(_, _, r)| *r == Err("data after the JSON records array")), "{got:?}");
}

#[test]
fn a_stray_quote_between_elements_does_not_cost_the_element_before_it() {
    // The element before the stray `"` was whole when its `}` came: the string after its `,` is
    // no key (no `:` follows), so only the element the quote broke is lost.
    let ok = |s: &str| Ok::<String, &str>(s.into());
    assert_eq!(
        texts("[{\"nik\":\"1\"},\n {\"nik\":\"3\"},\n \"{\"nik\":\"2\"},\n {\"nik\":\"4\"}]\n"),
        [(1, ok(r#"{"nik":"1"}"#)), (2, ok(r#"{"nik":"3"}"#)), (3, BAD), (4, ok(r#"{"nik":"4"}"#))]
    );
    // A key there still means the element went on past a stray `}`.
    assert_eq!(
        texts(r#"[{"a":1},{"b":2}, "n" : "1"},{"c":3}]"#),
        [(1, ok(r#"{"a":1}"#)), (2, BAD), (3, ok(r#"{"c":3}"#))]
    );
}

#[test]
fn a_restart_is_taken_at_the_records_arrays_own_depth() {
    // A stray quote in an element holding an array of objects: the restart was taken at a nested
    // `{"dx":…}`, whose `]}` then ended the records array, and every element after it was lost.
    let row =
        |nik: &str| format!(r#"{{"nik":"{nik}","riwayat":[{{"dx":"A09"}},{{"dx":"J18"}},{{"dx":"K1"}}]}}"#);
    let doc = format!(
        "[{},\n{{\"n\"ik\":\"2\",\"riwayat\":[{{\"dx\":\"A09\"}},{{\"dx\":\"J18\"}},{{\"dx\":\"K1\"}}]}},\n{},\n{}]\n",
        row("1"),
        row("4"),
        row("3")
    );
    assert_eq!(texts(&doc), [(1, Ok(row("1"))), (2, BAD), (3, Ok(row("4"))), (4, Ok(row("3")))]);
    // In a wrapper object too.
    let doc = format!(
        "{{\"data\":[{},{{\"n\"ik\":\"2\",\"riwayat\":[{{\"dx\":\"A\"}},{{\"dx\":\"B\"}}]}},{}]}}",
        row("1"),
        row("3")
    );
    assert_eq!(texts(&doc), [(1, Ok(row("1"))), (2, BAD), (3, Ok(row("3")))]);
}

#[test]
fn a_stray_bracket_before_an_element_loses_only_that_element() {
    // The `[` made the elements after it its own: the rest of the array was lost.
    let ok = |s: &str| Ok::<String, &str>(s.into());
    assert_eq!(
        texts("[{\"nik\":\"1\"},\n [{\"nik\":\"2\"},\n {\"nik\":\"3\"},\n {\"nik\":\"4\"}]\n"),
        [(1, ok(r#"{"nik":"1"}"#)), (2, BAD), (3, ok(r#"{"nik":"3"}"#)), (4, ok(r#"{"nik":"4"}"#))]
    );
}

#[test]
fn an_array_is_taken_for_its_first_objects_identity_fields() {
    let maps = ["nik=pasien.no_ktp".parse::<ColumnMap>().unwrap()];
    let table = [
        (r#"{"nik":"1"}"#, true),
        (r#"{"kontak":{"No HP":"0812"}}"#, true),
        (r#"{"surel":"a@b.c"}"#, true),
        (r#"{"nama":"Budi","ttl":"Jakarta, 1-1-1990"}"#, true),
        (r#"{"nama":"Budi"}"#, false),
        (r#"{"kode":"3174","nama_kota":"Jakarta"}"#, false),
        (r#"{"tgl_lahir":"1990-01-01"}"#, false),
        (r#"{"pasien":{"no_ktp":"3201"}}"#, true),
        (r#"{"no_ktp":"3201"}"#, true),
        (r#"{"broken"#, true),
    ];
    for (element, want) in table {
        assert_eq!(carries_identity(element, &maps), want, "{element}");
    }
    assert!(!carries_identity(r#"{"pasien":{"no_rm":"3201"}}"#, &maps));
    // A nested array of objects is an array of its own, looked at next; one of scalars is a key's values.
    assert!(!carries_identity(r#"{"rs":"RSUD","pasien":[{"nik":"3201"}]}"#, &maps));
    assert!(carries_identity(r#"{"hp":["0812","0813"]}"#, &maps));
    assert_eq!(value_end(br#"x{"a":"}\"}",[1]}]"#, 1), Some(17));
    assert_eq!(value_end(br#"{"a":{"#, 0), None);
}

#[test]
fn a_stray_close_bracket_between_elements_loses_no_element() {
    // `}],{` or `,]{` ended the records array: the elements after it were one bad record
    // ("unexpected data after the JSON document") and never read.
    for doc in [
        "[{\"a\":1}],{\"a\":2},{\"a\":3}]",
        "[{\"a\":1},]{\"a\":2},\n{\"a\":3}]\n",
        "[{\"a\":1}\n],\n{\"a\":2},{\"a\":3}]",
    ] {
        let got = texts(doc);
        let read: Vec<&str> = got.iter().filter_map(|r| r.1.as_deref().ok()).collect();
        assert_eq!(read, ["{\"a\":1}", "{\"a\":2}", "{\"a\":3}"], "{doc}");
        assert_eq!(got.len(), 4, "{doc}: the stray `]` is one bad record: {got:?}");
    }
    // The `]` that ends the document, and a nested records array's, are no strays.
    assert_eq!(texts("[{\"a\":1}]\n").len(), 1);
    assert_eq!(texts("{\"data\":[{\"nik\":\"1\"}],\"x\":{\"y\":2}}").len(), 1);
}

#[test]
fn a_stray_close_bracket_in_a_nested_records_array_loses_no_element() {
    // `{"data":[…]}`: the stray `]` ended the records array at depth 2 and every element after
    // it was skipped as the rest of the object: one bad record, the others never read.
    for doc in [
        "{\"data\":[{\"a\":1}],{\"a\":2},{\"a\":3}]}",
        "{\"data\":[{\"a\":1},],{\"a\":2},{\"a\":3}]}",
        "{\"data\":[{\"a\":1},]{\"a\":2},\n{\"a\":3}]}\n",
        "{\"data\":[{\"a\":1}\n],\n{\"a\":2},{\"a\":3}]}",
    ] {
        let got = texts(doc);
        let read: Vec<&str> = got.iter().filter_map(|r| r.1.as_deref().ok()).collect();
        assert_eq!(read, ["{\"a\":1}", "{\"a\":2}", "{\"a\":3}"], "{doc}");
        assert_eq!(got.len(), 4, "{doc}: the stray `]` is one bad record: {got:?}");
    }
    // The `]` that closes the nested array, followed by another key, is no stray.
    assert_eq!(texts("{\"data\":[{\"nik\":\"1\"}],\n\"x\":[{\"y\":2}]}").len(), 1);
    assert_eq!(texts("{\"data\":[{\"nik\":\"1\"}]}").len(), 1);
}

#[test]
fn ndjson_lines_end_at_a_lone_cr_only_when_the_head_has_no_lf() {
    for (head, end) in [
        (&b"{\"a\":1}\r{\"a\":2}\r"[..], b'\r'),
        (b"{\"a\":1}\r\n{\"a\":2}\r\n", b'\n'),
        (b"{\"a\":1}\n{\"a\":2}", b'\n'),
        (b"{\"a\":1}\r{\"a\":2}\n", b'\n'),
        (b"{\"a\":1}", b'\n'),
        (b"", b'\n'),
        (b"{\"a\":1}\r \r{\"a\":2}", b'\r'),
        (b"[1]\r[2]", b'\r'),
        // A CR as JSON whitespace inside a long first record is no line end (hostile-C #4).
        (b"{\"a\":1,\r\"foto\":\"xxxx", b'\n'),
        (b"{\"a\":\r1}\r{\"a\":2}", b'\n'),
        // A CR as whitespace before a nested object or array (reviewer): no line end.
        (b"{\"riwayat\":[\r{\"x\":1}],\"foto\":\"AAAA", b'\n'),
        (b"{\"kontak\":\r{\"hp\":\"1\"},\"foto\":\"AAAA", b'\n'),
        (b"{\"a\":[1],\r[2]", b'\n'),
        (b"\r{\"a\":1}", b'\n'),
    ] {
        assert_eq!(ndjson_line_end(head), end, "{:?}", String::from_utf8_lossy(head));
    }
}
