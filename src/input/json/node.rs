//! A JSON record read with its keys and strings borrowed from the record's text: what the scan
//! needs of it (its leaves, by path) without `serde_json::Value`'s allocation of every key,
//! string and map node, which was over half the time of an NDJSON scan.
//!
//! It gives the answers `Value` gives: the same parser, nesting limit and errors; an object's
//! members in key order, the last of duplicate keys winning, as `serde_json::Map` (a `BTreeMap`
//! without the `preserve_order` feature) holds them; numbers exactly as written
//! (`arbitrary_precision`). One difference: a MongoDB extended JSON wrapper (`mongoexport`'s
//! `{"$numberLong":"…"}`, `{"$oid":"…"}`, `{"$date":…}`, [`EXTENDED_JSON_WRAPPERS`]) is the value
//! it wraps, so `{"nik":{"$numberLong":"3201…"}}` is the leaf `nik`, not `nik.$numberLong`.
//!
//! The tree a record builds is bounded ([`MAX_TREE_BYTES`]): its cost is counted as it grows,
//! and a record whose tree would outgrow the bound is refused before the allocation is made.

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;

/// The most memory the tree of one record may take. Its text may be up to 64 MiB, but a text of
/// small nested arrays (`[[],[],…]`) costs 10 to 40 times its bytes as nodes (2.3 GB for 20 MB).
pub const MAX_TREE_BYTES: usize = 64 << 20;
/// Why a record over [`MAX_TREE_BYTES`] is bad.
const TOO_LARGE: &str = "JSON record too large to hold";
/// What an allocator takes beyond the bytes asked for.
const ALLOCATION_OVERHEAD: usize = 16;

/// How `arbitrary_precision` hands a number to a visitor: a one-member map with this key and
/// the number's text as value (`serde_json::Value`'s visitor checks for the same key).
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// The keys of MongoDB extended JSON (v2) that wrap one value in an object of their own: the
/// object is read as that value. `$date` wraps an ISO date-time string, or (before 1970 or after
/// 9999, and in canonical mode) a `$numberLong` or a number of milliseconds since 1970, read as
/// its UTC date (`YYYY-MM-DD`).
pub const EXTENDED_JSON_WRAPPERS: [&str; 7] =
    ["$numberLong", "$numberInt", "$numberDouble", "$numberDecimal", "$oid", "$date", "$symbol"];

/// An object's members, in key order.
pub type Members<'a> = Vec<(Cow<'a, str>, Node<'a>)>;

/// One JSON value.
pub enum Node<'a> {
    Object(Members<'a>),
    Array(Vec<Node<'a>>),
    /// A string.
    Text(Cow<'a, str>),
    /// A number, as written (SPEC §2 reads an integer in a dob field as a date).
    Number(String),
    /// `true`, `false` or `null`: never a leaf of interest.
    Other,
}

/// Parses a record that must be one JSON object.
pub fn parse_object(record: &str) -> Result<Members<'_>, &'static str> {
    parse_object_within(record, MAX_TREE_BYTES)
}

/// [`parse_object`], with the tree bounded by `budget` bytes.
fn parse_object_within(record: &str, budget: usize) -> Result<Members<'_>, &'static str> {
    let budget = Budget(Cell::new(budget));
    let mut deserializer = serde_json::Deserializer::from_str(record);
    let node = Nested { budget: &budget, record: true }
        .deserialize(&mut deserializer)
        .and_then(|node| deserializer.end().map(|()| node))
        .map_err(|e| {
            if e.is_eof() {
                "JSON ends in the middle of a value"
            } else if e.to_string().starts_with("recursion limit") {
                "JSON nested too deeply"
            } else if e.to_string().starts_with(TOO_LARGE) {
                TOO_LARGE
            } else {
                "not valid JSON"
            }
        })?;
    match node {
        Node::Object(members) => Ok(members),
        _ => Err("not a JSON object"),
    }
}

/// Calls `f(path, text, is_number)` for every string and number under `members`, depth first;
/// nested keys join the path with `.`, arrays add no segment. A key that holds an e-mail (an
/// object keyed by e-mail) is the segment `*`: its own dots would make the path's segments
/// ambiguous, and a report could only hide the whole path (`a.*.x`, not `*`).
pub fn for_each_leaf_of(
    members: &[(Cow<'_, str>, Node<'_>)],
    path: &mut String,
    f: &mut dyn FnMut(&str, &str, bool),
) {
    for (key, value) in members {
        let len = path.len();
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(if holds_dotted_email(key) { "*" } else { key });
        for_each_leaf(value, path, f);
        path.truncate(len);
    }
}

/// The key holds an e-mail with a dot in it (checked only for keys with both an `@` and a `.`:
/// ordinary keys cost two byte scans).
fn holds_dotted_email(key: &str) -> bool {
    key.contains('@')
        && key.contains('.')
        && crate::normalize::identifiers_in(key).iter().any(|found| found.kind == crate::kind::Kind::Email)
}

fn for_each_leaf(value: &Node<'_>, path: &mut String, f: &mut dyn FnMut(&str, &str, bool)) {
    match value {
        Node::Object(members) => for_each_leaf_of(members, path, f),
        Node::Array(items) => items.iter().for_each(|item| for_each_leaf(item, path, f)),
        Node::Text(text) => f(path, text, false),
        Node::Number(text) => f(path, text, true),
        Node::Other => {}
    }
}

/// Bytes the record's tree may still take.
struct Budget(Cell<usize>);

impl Budget {
    /// Takes `bytes` (and an allocation's overhead) from the budget, or fails when it is spent.
    fn charge<E: de::Error>(&self, bytes: usize) -> Result<(), E> {
        let left =
            self.0.get().checked_sub(bytes + ALLOCATION_OVERHEAD).ok_or_else(|| E::custom(TOO_LARGE))?;
        self.0.set(left);
        Ok(())
    }

    /// Makes room for one more item in `items`, paying for the growth before it is allocated.
    fn room_for_one<T, E: de::Error>(&self, items: &mut Vec<T>) -> Result<(), E> {
        if items.len() == items.capacity() {
            let more = items.capacity().max(4);
            self.charge(more * std::mem::size_of::<T>())?;
            items.reserve_exact(more);
        }
        Ok(())
    }

    /// [`in_key_order`], giving back what the dropped duplicates' own values took (what is
    /// nested in them is not counted back: the bound stays above what the tree holds).
    fn in_key_order(&self, members: &mut Members<'_>) {
        let cost = |members: &Members<'_>| members.iter().map(|(_, node)| own_cost(node)).sum::<usize>();
        let before = cost(members);
        in_key_order(members);
        self.0.set(self.0.get() + before.saturating_sub(cost(members)));
    }

    /// Text the tree owns (a number, or a string with escapes), paid for.
    fn owned<'de, E: de::Error>(&self, text: String) -> Result<Node<'de>, E> {
        self.charge(text.capacity())?;
        Ok(Node::Text(Cow::Owned(text)))
    }

    /// A number's text, paid for.
    fn number<'de, E: de::Error>(&self, text: String) -> Result<Node<'de>, E> {
        self.charge(text.capacity())?;
        Ok(Node::Number(text))
    }
}

/// Reads a value of the record, within its budget.
#[derive(Clone, Copy)]
struct Nested<'b> {
    budget: &'b Budget,
    /// The record's own object (not one nested in it): room for its members is made at once.
    record: bool,
}

impl<'de> DeserializeSeed<'de> for Nested<'_> {
    type Value = Node<'de>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Node<'de>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Nested<'_> {
    type Value = Node<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Node<'de>, E> {
        Ok(Node::Other)
    }

    fn visit_unit<E>(self) -> Result<Node<'de>, E> {
        Ok(Node::Other)
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Node<'de>, E> {
        self.budget.number(n.to_string())
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Node<'de>, E> {
        self.budget.number(n.to_string())
    }

    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Node<'de>, E> {
        self.budget.number(serde_json::Number::from_f64(n).map_or_else(String::new, |n| n.to_string()))
    }

    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Node<'de>, E> {
        Ok(Node::Text(Cow::Borrowed(s)))
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Node<'de>, E> {
        self.budget.owned(s.to_string())
    }

    fn visit_string<E: de::Error>(self, s: String) -> Result<Node<'de>, E> {
        self.budget.owned(s)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node<'de>, A::Error> {
        let nested = Nested { record: false, ..self };
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(nested)? {
            self.budget.room_for_one(&mut items)?;
            items.push(item);
        }
        Ok(Node::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node<'de>, A::Error> {
        let Some(Key(first)) = map.next_key()? else {
            return Ok(Node::Object(Vec::new()));
        };
        if first == NUMBER_TOKEN {
            // A number; checked as `Value` checks it.
            // As `Value` reads it: parsed, and written back the way serde_json writes it.
            let text: String = map.next_value()?;
            let number = text.parse::<serde_json::Number>().map_err(de::Error::custom)?;
            return self.budget.number(number.to_string());
        }
        // Room for a typical record's members at once (a `Vec` grown from one made an NDJSON
        // scan 12 % slower); nested objects, which a hostile record may hold millions of, get
        // no more than a `BTreeMap` node would take.
        let nested = Nested { record: false, ..self };
        let first_value = map.next_value_seed(nested)?;
        let wrapper = !self.record && EXTENDED_JSON_WRAPPERS.contains(&first.as_ref());
        let second = map.next_key()?;
        if wrapper && second.is_none() && first == "$date" {
            // SPEC §2: what `$date` wraps, a number or a `$numberLong` (already its text), is
            // Unix milliseconds: the date, so a dob field reads it (mongoexport writes dates
            // before 1970 so). An ISO string, or milliseconds outside 1900..2099, stay as written.
            let ms = match &first_value {
                Node::Text(text) => Some(text.as_ref()),
                Node::Number(text) => Some(text.as_str()),
                _ => None,
            };
            let mut date = String::new();
            if ms.is_some_and(|ms| crate::normalize::normalize_dob_epoch_ms(ms, &mut date).is_ok()) {
                return self.budget.owned(date);
            }
        }
        if wrapper && second.is_none() && matches!(first_value, Node::Text(_)) {
            // `{"$numberLong":"…"}` alone: the text it wraps (a nested wrapper, `$date`'s
            // `$numberLong`, already is text). Anything else stays an object, its leaves read.
            return Ok(first_value);
        }
        let capacity = if self.record { 16 } else { 4 };
        self.budget.charge(capacity * std::mem::size_of::<(Cow<'_, str>, Node<'_>)>())?;
        let mut members = Vec::with_capacity(capacity);
        members.push((first, first_value));
        let mut pending = second;
        // Duplicate keys are dropped whenever the list has doubled, so that an object of one
        // key repeated millions of times holds one member, as a `BTreeMap` would.
        let mut compact_at = 64;
        while let Some(Key(key)) = match pending.take() {
            Some(key) => Some(key),
            None => map.next_key()?,
        } {
            let value = map.next_value_seed(nested)?;
            self.budget.room_for_one(&mut members)?;
            members.push((key, value));
            if members.len() == compact_at {
                self.budget.in_key_order(&mut members);
                compact_at = (members.len() * 2).max(64);
            }
        }
        self.budget.in_key_order(&mut members);
        Ok(Node::Object(members))
    }
}

/// What [`Budget`] charged for `node` itself, not counting what is nested in it.
fn own_cost(node: &Node<'_>) -> usize {
    let bytes = match node {
        Node::Text(Cow::Owned(text)) | Node::Number(text) => text.capacity(),
        Node::Object(members) => members.capacity() * std::mem::size_of::<(Cow<'_, str>, Node<'_>)>(),
        Node::Array(items) => items.capacity() * std::mem::size_of::<Node<'_>>(),
        Node::Text(Cow::Borrowed(_)) | Node::Other => return 0,
    };
    if bytes == 0 { 0 } else { bytes + ALLOCATION_OVERHEAD }
}

/// Sorts members by key, keeping the last of equal keys, as a `BTreeMap` filled member by
/// member holds them: reversed, a stable sort keeps the last first among equals, and `dedup`
/// keeps the first of each run.
fn in_key_order(members: &mut Members<'_>) {
    members.reverse();
    members.sort_by(|a, b| a.0.cmp(&b.0));
    members.dedup_by(|later, kept| later.0 == kept.0);
}

/// An object key, borrowed from the record unless it had escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(s.to_string())))
            }
            fn visit_string<E>(self, s: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(s)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    /// The (path, text) leaves through `Value`, the way the extractor read records before.
    fn value_leaves(record: &str) -> Result<Vec<(String, String)>, String> {
        fn walk(value: &Value, path: &mut String, out: &mut Vec<(String, String)>) {
            match value {
                Value::Object(map) => {
                    for (key, value) in map {
                        let len = path.len();
                        if !path.is_empty() {
                            path.push('.');
                        }
                        path.push_str(key);
                        walk(value, path, out);
                        path.truncate(len);
                    }
                }
                Value::Array(items) => items.iter().for_each(|item| walk(item, path, out)),
                Value::String(s) => out.push((path.clone(), s.clone())),
                Value::Number(n) => out.push((path.clone(), n.to_string())),
                Value::Bool(_) | Value::Null => {}
            }
        }
        match serde_json::from_str::<Value>(record).map_err(|e| e.to_string())? {
            Value::Object(map) => {
                let mut out = Vec::new();
                walk(&Value::Object(map), &mut String::new(), &mut out);
                Ok(out)
            }
            _ => Err("not an object".into()),
        }
    }

    fn node_leaves(record: &str) -> Result<Vec<(String, String)>, String> {
        let members = parse_object(record).map_err(str::to_string)?;
        let mut out = Vec::new();
        for_each_leaf_of(&members, &mut String::new(), &mut |p, t, _| {
            out.push((p.to_string(), t.to_string()))
        });
        Ok(out)
    }

    #[test]
    fn a_key_that_is_an_e_mail_is_one_star_segment() {
        let leaves = node_leaves(r#"{"a":{"budi@rs.go.id":{"x":1}},"n.a":3}"#).unwrap();
        let paths: Vec<&str> = leaves.iter().map(|(path, _)| path.as_str()).collect();
        assert_eq!(paths, ["a.*.x", "n.a"]);
    }

    #[test]
    fn leaves_equal_those_of_serde_json_value() {
        let records = [
            r#"{"nik":3509265903760546,"nama":"Winda","kontak":{"no_hp":"0812","email":null},"x":[1,"a",{"b":2.50}]}"#,
            r#"{"b":1,"a":2,"b":3,"a":{"z":"\u0041\n","y":-1e-7}}"#,
            r#"{"k\u00e9y":"v\"","":"empty key","big":123456789012345678901234567890,"t":true}"#,
            r#"{"$serde_json::private::Number":"12"}"#,
            r#"{"hp":{"$serde_json::private::Number":"6281234567890E0"}}"#,
            r#"{"$serde_json::private::Number":"x"}"#,
            r#"{"a":[[[]]],"b":{}}"#,
            r#"{}"#,
        ];
        for record in records {
            let want = value_leaves(record);
            let got = node_leaves(record);
            assert_eq!(got.is_ok(), want.is_ok(), "{record}: {got:?} vs {want:?}");
            if want.is_ok() {
                assert_eq!(got, want, "{record}");
            }
        }
        for bad in ["[1]", "3", "{\"a\":1", "{\"a\":01}", "{\"a\":1} x", "{\"a\":\"\\x\"}"] {
            assert!(node_leaves(bad).is_err() && value_leaves(bad).is_err(), "{bad}");
        }
        // Many duplicates, across compactions: the last value of each key wins.
        let many = format!(
            "{{{}\"k\":\"last\",\"a\":1}}",
            (0..1000).map(|i| format!("\"k\":{i},")).collect::<String>()
        );
        assert_eq!(node_leaves(&many), value_leaves(&many));
        assert_eq!(
            node_leaves(&many).unwrap(),
            [("a".to_string(), "1".to_string()), ("k".to_string(), "last".to_string())]
        );
        let deep = format!("{}1{}", "{\"a\":".repeat(200), "}".repeat(200));
        assert_eq!(parse_object(&deep).err(), Some("JSON nested too deeply"));
    }

    #[test]
    fn mongodb_extended_json_wrappers_are_the_values_they_wrap() {
        let cases: [(&str, &[(&str, &str)]); 7] = [
            (r#"{"nik":{"$numberLong":"3201014107900001"}}"#, &[("nik", "3201014107900001")]),
            (r#"{"_id":{"$oid":"5f1d7a3e9c1b2a0001a1b2c3"}}"#, &[("_id", "5f1d7a3e9c1b2a0001a1b2c3")]),
            (r#"{"tgl_lahir":{"$date":"1990-07-01T00:00:00Z"}}"#, &[("tgl_lahir", "1990-07-01T00:00:00Z")]),
            (r#"{"n":{"$numberInt":"7"},"d":{"$numberDouble":"1.5"}}"#, &[("d", "1.5"), ("n", "7")]),
            (
                r#"{"hp":[{"$numberLong":"6281234567890"},"0812"]}"#,
                &[("hp", "6281234567890"), ("hp", "0812")],
            ),
            // Not a wrapper alone, or wrapping no text: an ordinary object, every leaf read.
            (r#"{"x":{"$oid":"a","nik":"1"}}"#, &[("x.$oid", "a"), ("x.nik", "1")]),
            (r#"{"x":{"$date":{"nik":"1"}}}"#, &[("x.$date.nik", "1")]),
        ];
        for (record, want) in cases {
            let want: Vec<(String, String)> =
                want.iter().map(|(p, t)| (p.to_string(), t.to_string())).collect();
            assert_eq!(node_leaves(record).unwrap(), want, "{record}");
        }
        // The record itself is never unwrapped: it is the object whose leaves are read.
        assert_eq!(node_leaves(r#"{"$oid":"a"}"#).unwrap(), [("$oid".to_string(), "a".to_string())]);
    }

    #[test]
    fn a_date_wrapping_milliseconds_is_that_date() {
        // mongoexport writes a date before 1970 as a `$numberLong`, or a plain number: it was
        // read as the number, no dob, so a person watched by name + dob was only "possible".
        let cases: [(&str, &str); 5] = [
            (r#"{"tgl_lahir":{"$date":{"$numberLong":"-231984000000"}}}"#, "1962-08-26"),
            (r#"{"tgl_lahir":{"$date":{"$numberLong":"-315619200000"}}}"#, "1960-01-01"),
            (r#"{"tgl_lahir":{"$date":-1000}}"#, "1969-12-31"),
            (r#"{"tgl_lahir":{"$date":646790400000}}"#, "1990-07-01"),
            // An ISO string is left to the dob normalizer, as written.
            (r#"{"tgl_lahir":{"$date":"1990-07-01T00:00:00Z"}}"#, "1990-07-01T00:00:00Z"),
        ];
        for (record, want) in cases {
            assert_eq!(
                node_leaves(record).unwrap(),
                [("tgl_lahir".to_string(), want.to_string())],
                "{record}"
            );
        }
        // Milliseconds outside 1900..2099 stay as written (an invalid dob, never another date).
        assert_eq!(
            node_leaves(r#"{"t":{"$date":{"$numberLong":"-9999999999999"}}}"#).unwrap(),
            [("t".to_string(), "-9999999999999".to_string())]
        );
    }

    #[test]
    fn a_record_of_small_nested_arrays_is_too_large_to_hold_not_gigabytes() {
        // 9 MB of `[],` would be 3 million nodes: over 64 MiB as a tree.
        let record = format!("{{\"a\":[{}[]]}}", "[],".repeat(3_000_000));
        assert_eq!(parse_object(&record).err(), Some("JSON record too large to hold"));
        let small = format!("{{\"a\":[{}[0]],\"nik\":\"1\"}}", "[0],".repeat(1000));
        assert_eq!(parse_object_within(&small, 1 << 16).err(), Some("JSON record too large to hold"));
        assert!(parse_object_within(&small, 1 << 20).is_ok());
    }
}
