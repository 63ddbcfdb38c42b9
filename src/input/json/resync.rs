//! Finding the way back after a JSON array element that does not parse (STYLE habit 15): a
//! token grammar that notices a broken element where it breaks, and the test of a place where
//! an element provably starts again.

use crate::input::resync::Verdict;

/// Brackets an element may nest: serde_json refuses more than 128, so an element past this is
/// bad whatever follows, and the grammar holds at most this many bytes of brackets (a gigabyte
/// line of `[` is given up at once, not held).
const MAX_DEPTH: usize = 256;

/// One token of a JSON text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tok {
    /// `{` or `[`.
    Open(u8),
    /// `}` or `]`.
    Close(u8),
    Comma,
    Colon,
    Str,
    /// A number, `true`, `false`, `null` (or a word that is none of them: the parser's to judge).
    Bare,
}

/// What may come next.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Expect {
    #[default]
    Value,
    ValueOrClose,
    KeyOrClose,
    Key,
    Colon,
    CommaOrClose,
    Done,
}

/// The token grammar of one JSON value: which token may follow which, and which bracket closes
/// which. A corrupt element (a stray `"`, `{`, `}`, a value cut short) breaks it at once or within
/// a token or two.
///
/// The open brackets are a stack of bits (1 for `{`), the innermost 64 in a register-sized word
/// and the full words below it in `spill`: the splitter feeds every token of every element here,
/// and a push or pop is a shift and a mask, allocating only past 64 levels.
#[derive(Debug, Default)]
pub(super) struct Grammar {
    /// Levels `64 * spill.len()` up to `depth` of the bracket stack, level `i` in bit `i % 64`.
    top: u64,
    /// Full words of the levels below those in `top`.
    spill: Vec<u64>,
    depth: usize,
    expect: Expect,
}

impl Grammar {
    /// The value is whole.
    #[inline]
    pub(super) fn done(&self) -> bool {
        self.expect == Expect::Done
    }

    /// How many brackets are open.
    #[inline]
    pub(super) fn depth(&self) -> usize {
        self.depth
    }

    pub(super) fn reset(&mut self) {
        self.top = 0;
        self.spill.clear();
        self.depth = 0;
        self.expect = Expect::Value;
    }

    /// Feeds the next token; `false` when it cannot follow.
    #[inline(always)]
    pub(super) fn feed(&mut self, tok: Tok) -> bool {
        use Expect::*;
        self.expect = match (self.expect, tok) {
            (Value | ValueOrClose, Tok::Open(_)) if self.depth >= MAX_DEPTH => return false,
            (Value | ValueOrClose, Tok::Open(b)) => {
                let object = b == b'{';
                self.push(object);
                if object { KeyOrClose } else { ValueOrClose }
            }
            (Value | ValueOrClose, Tok::Str | Tok::Bare) => self.after_value(),
            (KeyOrClose | Key, Tok::Str) => Colon,
            (Colon, Tok::Colon) => Value,
            (CommaOrClose, Tok::Comma) => {
                if self.in_object() {
                    Key
                } else {
                    Value
                }
            }
            (ValueOrClose | KeyOrClose | CommaOrClose, Tok::Close(b)) if self.closes(b) => {
                self.pop();
                self.after_value()
            }
            _ => return false,
        };
        true
    }

    #[inline(always)]
    fn push(&mut self, object: bool) {
        let bit = self.depth % 64;
        if bit == 0 && self.depth > 0 {
            self.spill.push(self.top);
        }
        self.top = (self.top & !(1 << bit)) | (u64::from(object) << bit);
        self.depth += 1;
    }

    /// Only called with a bracket open (see [`Self::closes`]).
    #[inline(always)]
    fn pop(&mut self) {
        self.depth -= 1;
        if self.depth.is_multiple_of(64) && self.depth > 0 {
            self.top = self.spill.pop().unwrap_or(0);
        }
    }

    /// The innermost open bracket is `{`.
    #[inline(always)]
    fn in_object(&self) -> bool {
        self.depth > 0 && (self.top >> ((self.depth - 1) % 64)) & 1 == 1
    }

    #[inline(always)]
    fn closes(&self, close: u8) -> bool {
        self.depth > 0 && self.in_object() == (close == b'}')
    }

    #[inline(always)]
    fn after_value(&self) -> Expect {
        if self.depth == 0 { Expect::Done } else { Expect::CommaOrClose }
    }
}

fn is_delimiter(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'"' | b'{' | b'}' | b'[' | b']' | b',' | b':')
}

/// Whether `bytes`, which start with `{`, start a whole element: read afresh (outside any string
/// the bad element left open) it closes, parses, and is followed by `,` or `]`. Still consistent
/// after `limit` bytes, it is taken unproved. Also says how many bytes it read.
///
/// The element must also be one of the records array's (at `depth`), not a value nested in a
/// bigger element: the elements after it are read on (up to [`MAX_CHAIN`]) to the `]` that ends
/// their array, and one followed by what closes an enclosing value (`]}` at depth 1, `]},{`) is
/// no records array's. Once the candidate is whole, what breaks later is no evidence against it.
pub(super) fn verify_element(bytes: &[u8], eof: bool, limit: usize, depth: usize) -> (Verdict, usize) {
    let mut undecided = if eof { Verdict::NotRecord } else { Verdict::NeedMore };
    let mut grammar = Grammar::default();
    let mut i = 0;
    let mut start = 0;
    let mut whole = 0;
    let broken = |whole: usize| if whole == 0 { Verdict::NotRecord } else { Verdict::Record };
    while i < bytes.len() {
        if i > limit {
            return (Verdict::Unproved, i);
        }
        let b = bytes[i];
        let tok = match b {
            b' ' | b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            b'"' => {
                let mut j = i + 1;
                loop {
                    match bytes.get(j) {
                        _ if j > limit => return (Verdict::Unproved, j),
                        None => return (undecided, j),
                        // A raw line break is never inside a JSON string.
                        Some(b'\n') => return (broken(whole), j),
                        Some(b'\\') => j += 2,
                        Some(b'"') => break,
                        Some(_) => j += 1,
                    }
                }
                i = j + 1;
                Tok::Str
            }
            b'{' | b'[' => {
                i += 1;
                Tok::Open(b)
            }
            b'}' | b']' => {
                i += 1;
                Tok::Close(b)
            }
            b',' => {
                i += 1;
                Tok::Comma
            }
            b':' => {
                i += 1;
                Tok::Colon
            }
            _ => {
                let len = bytes[i..].iter().take_while(|&&c| !is_delimiter(c)).count();
                if i + len == bytes.len() && !eof {
                    return (Verdict::NeedMore, i + len);
                }
                i += len;
                Tok::Bare
            }
        };
        if !grammar.feed(tok) {
            return (broken(whole), i);
        }
        if grammar.done() {
            let Some((k, next)) = next_byte(bytes, i) else { return (undecided, i) };
            if !matches!(next, b',' | b']')
                || serde_json::from_slice::<serde::de::IgnoredAny>(&bytes[start..i]).is_err()
            {
                return (broken(whole), i);
            }
            if next == b']' {
                return (closes_records(bytes, k + 1, eof, depth), k);
            }
            whole += 1;
            if whole >= MAX_CHAIN {
                return (Verdict::Record, k);
            }
            if eof {
                undecided = Verdict::Record;
            }
            grammar.reset();
            i = k + 1;
            start = i;
        }
    }
    (undecided, i)
}

/// Elements read on after a candidate to find the `]` of their array.
const MAX_CHAIN: usize = 64;

/// The next non-whitespace byte at or after `from`, and where.
fn next_byte(bytes: &[u8], from: usize) -> Option<(usize, u8)> {
    let k = from + bytes.get(from..)?.iter().position(|c| !c.is_ascii_whitespace())?;
    Some((k, bytes[k]))
}

/// Whether the `]` before `from` can end the records array at `depth`: at depth 1 it ends the
/// document (no `}`, `]`, `,` or `:` may follow); deeper, the array is a value of objects only
/// (the first array of objects is the records array), so a `,` leads to a key, and a `}` is not
/// followed by `]` or by `,` and another element.
fn closes_records(bytes: &[u8], from: usize, eof: bool, depth: usize) -> Verdict {
    let undecided = if eof { Verdict::Record } else { Verdict::NeedMore };
    let verdict = |ok: bool| if ok { Verdict::Record } else { Verdict::NotRecord };
    let Some((k, m)) = next_byte(bytes, from) else { return undecided };
    if depth <= 1 {
        return verdict(!matches!(m, b'}' | b']' | b',' | b':'));
    }
    let key_after = |at: usize| match next_byte(bytes, at) {
        None => undecided,
        Some((_, b)) => verdict(b == b'"'),
    };
    match m {
        b',' => key_after(k + 1),
        b'}' => match next_byte(bytes, k + 1) {
            None => undecided,
            Some((_, b']')) => Verdict::NotRecord,
            Some((n, b',')) => key_after(n + 1),
            Some(_) => Verdict::Record,
        },
        _ => Verdict::NotRecord,
    }
}

/// Whether a `{` after `before` is first on its line (blanks before it): where an element of a
/// pretty-printed array starts, a strong boundary taken unread once the budget is spent.
pub(super) fn first_on_line(before: &[u8]) -> bool {
    before.iter().rev().find(|b| !matches!(b, b' ' | b'\t' | b'\r')) == Some(&b'\n')
}

/// Whether the bytes scanned last put a `{` at an element's start: after `,`, after `}`, or
/// first on its line. Carried across reads.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct AtBoundary(pub(super) bool);

impl AtBoundary {
    /// Feeds byte `b`; `true` when it is a `{` where an element may start (to be verified).
    pub(super) fn feed(&mut self, b: u8) -> bool {
        let candidate = b == b'{' && self.0;
        match b {
            b' ' | b'\t' | b'\r' => {}
            b',' | b'}' | b'\n' => self.0 = true,
            _ => self.0 = false,
        }
        candidate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grammar_accepts(tokens: &[Tok]) -> Option<bool> {
        let mut g = Grammar::default();
        for &t in tokens {
            if !g.feed(t) {
                return None;
            }
        }
        Some(g.done())
    }

    #[test]
    fn the_grammar_follows_json() {
        use Tok::*;
        let object = [Open(b'{'), Str, Colon, Open(b'['), Bare, Comma, Str, Close(b']'), Close(b'}')];
        assert_eq!(grammar_accepts(&object), Some(true));
        assert_eq!(grammar_accepts(&[Open(b'{'), Close(b'}')]), Some(true));
        assert_eq!(grammar_accepts(&[Open(b'['), Close(b']')]), Some(true));
        assert_eq!(grammar_accepts(&[Open(b'{'), Str, Colon, Str]), Some(false));
        // A string then a word (a stray quote), a bracket closed by the other kind, a key that is
        // no string, a `,` straight after `{`.
        assert_eq!(grammar_accepts(&[Open(b'{'), Str, Colon, Str, Bare]), None);
        assert_eq!(grammar_accepts(&[Open(b'{'), Str, Colon, Open(b'['), Close(b'}')]), None);
        assert_eq!(grammar_accepts(&[Open(b'{'), Bare]), None);
        assert_eq!(grammar_accepts(&[Open(b'{'), Comma]), None);
        assert_eq!(grammar_accepts(&[Open(b'{'), Close(b']')]), None);
        assert_eq!(grammar_accepts(&[Open(b'['), Close(b'}')]), None);
    }

    #[test]
    fn the_bracket_stack_holds_past_its_first_words() {
        use Tok::*;
        // 200 levels alternating `{"k":` and `[`, closed in order: the stack spills two words and
        // takes them back; closing any level with the other bracket breaks it.
        let mut tokens = Vec::new();
        for level in 0..200 {
            if level % 3 == 0 {
                tokens.extend([Open(b'{'), Str, Colon]);
            } else {
                tokens.push(Open(b'['));
            }
        }
        tokens.push(Bare);
        let closes: Vec<Tok> =
            (0..200).rev().map(|level| if level % 3 == 0 { Close(b'}') } else { Close(b']') }).collect();
        let mut whole = tokens.clone();
        whole.extend(&closes);
        assert_eq!(grammar_accepts(&whole), Some(true));
        for wrong in [0, 63, 64, 65, 127, 128, 199] {
            let mut bad = tokens.clone();
            bad.extend(&closes);
            let at = tokens.len() + wrong;
            bad[at] = if bad[at] == Close(b'}') { Close(b']') } else { Close(b'}') };
            assert_eq!(grammar_accepts(&bad), None, "level {}", 199 - wrong);
        }
        // After a deep element, a reset grammar starts from nothing.
        let mut g = Grammar::default();
        for &t in &tokens {
            assert!(g.feed(t));
        }
        g.reset();
        assert_eq!(g.depth(), 0);
        assert!(g.feed(Open(b'[')) && g.feed(Close(b']')) && g.done());
    }

    #[test]
    fn candidate_elements_are_verified() {
        let verify = |bytes: &[u8], eof| verify_element(bytes, eof, 1 << 20, 1).0;
        assert_eq!(verify(b"{\"b\":[1,{}]},{", true), Verdict::Record);
        assert_eq!(verify(b"{\"b\":2}\n]", true), Verdict::Record);
        assert_eq!(verify(b"{\"b\":2} x", true), Verdict::NotRecord);
        assert_eq!(verify(b"{\"b\":tru},", true), Verdict::NotRecord);
        assert_eq!(verify(b"{\"b\":\"x\n\"},", true), Verdict::NotRecord);
        assert_eq!(verify(b"{\"b\":\"x", false), Verdict::NeedMore);
        assert_eq!(verify(b"{\"b\":1", false), Verdict::NeedMore);
        assert_eq!(verify(b"{\"b\":1}", false), Verdict::NeedMore);
    }

    #[test]
    fn an_element_still_consistent_at_the_limit_is_taken_unproved() {
        // A long string or a long array: a photo in base64, a list of visits.
        assert_eq!(verify_element(b"{\"foto\":\"AAAAAAAAAA", false, 8, 1).0, Verdict::Unproved);
        assert_eq!(verify_element(b"{\"a\":[1,2,3,4,5,6,7", false, 8, 1).0, Verdict::Unproved);
        assert_eq!(verify_element(b"{\"a\":}", false, 8, 1).0, Verdict::NotRecord);
    }

    #[test]
    fn a_brace_first_on_its_line_is_a_strong_boundary() {
        assert!(first_on_line(b"[\n  "));
        assert!(first_on_line(b"},\r\n"));
        assert!(!first_on_line(b"},"));
        assert!(!first_on_line(b""));
    }

    #[test]
    fn the_grammar_gives_up_past_the_depth_cap() {
        let mut g = Grammar::default();
        assert!((0..MAX_DEPTH).all(|_| g.feed(Tok::Open(b'['))));
        assert!(!g.feed(Tok::Open(b'[')));
    }
}
