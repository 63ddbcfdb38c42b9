//! What a workbook part costs `calamine` before it is read: its XML streamed through
//! [`XmlMeasure`] (a `Write`), which finds the longest piece the XML reader would hold whole (a
//! text run such as a cell's value, or a tag, comment, CDATA section or processing instruction,
//! each up to its end) and counts the `si` elements (one string each in a shared-strings part).
//! `workbook` refuses a part by these numbers before `calamine` reads it; this module reads no
//! value and keeps nothing of what it is given but a few bytes of the tag name being read.
//! [`declared_strings`] reads the one number `calamine` trusts in a shared-strings part: the
//! `uniqueCount` of its `sst` element, from which it reserves memory before reading a string.

use std::io::{self, BufRead};

/// The `uniqueCount` of the first `sst` element of a shared-strings part, read as `calamine`
/// reads it (the first attribute of that name, the first `sst` start or empty tag, any namespace
/// prefix): `calamine` reserves a `String` for each before the first string is read, so a 9 KB
/// workbook declaring four billion took 96 GB and ended the run, and 2^61 panicked. A number too
/// large for a `u64` is `u64::MAX`; `None` when there is no such attribute, or it is not a number
/// (`calamine` then reserves nothing), or the XML cannot be read up to it (`calamine` says why).
/// The reader holds one piece of XML at a time, already bounded by [`XmlMeasure::longest`].
pub fn declared_strings(part: impl BufRead) -> Option<u64> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(part);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.check_comments = false;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(tag) | Event::Empty(tag)) if tag.local_name().as_ref() == "sst" => {
                let value = tag
                    .attributes()
                    .with_checks(false)
                    .map_while(Result::ok)
                    .find(|a| a.key.as_ref() == "uniqueCount")?
                    .value;
                return count_of(value.as_bytes());
            }
            Ok(Event::Eof) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

/// A count written in decimal (an optional `+`, then digits); `u64::MAX` past its range.
fn count_of(text: &[u8]) -> Option<u64> {
    let digits = text.strip_prefix(b"+").unwrap_or(text);
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(digits.iter().fold(0u64, |n, &d| n.saturating_mul(10).saturating_add(u64::from(d - b'0'))))
}

/// Where the measure is in the XML.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Character data, up to the next `<`.
    Text,
    /// Just after `<`: the first bytes decide what is opened.
    Open,
    /// A tag, up to a `>` outside quotes.
    Tag { quote: Option<u8> },
    /// `<!--`, up to `-->`.
    Comment,
    /// `<![CDATA[`, up to `]]>`.
    CData,
    /// `<?`, up to `?>`.
    Pi,
    /// `<!DOCTYPE` and other declarations, up to `>`.
    Declaration,
}

/// Bytes kept after `<` to tell a comment, a CDATA section and a tag's name apart.
const HEAD: usize = 16;

/// The longest piece of XML written to it and the number of `si` start tags.
#[derive(Debug)]
pub struct XmlMeasure {
    state: State,
    /// Bytes of the piece being read so far.
    run: u64,
    longest: u64,
    strings: u64,
    /// The first bytes after `<` (up to [`HEAD`]).
    head: [u8; HEAD],
    head_len: usize,
    /// The last two bytes of a comment, CDATA section or instruction, for its end.
    tail: [u8; 2],
    bytes: u64,
}

impl Default for XmlMeasure {
    fn default() -> Self {
        XmlMeasure {
            state: State::Text,
            run: 0,
            longest: 0,
            strings: 0,
            head: [0; HEAD],
            head_len: 0,
            tail: [0; 2],
            bytes: 0,
        }
    }
}

impl XmlMeasure {
    /// Bytes of the longest piece the XML reader holds whole.
    pub fn longest(&self) -> u64 {
        self.longest.max(self.run)
    }

    /// `si` start tags (any namespace prefix): the strings of a shared-strings part.
    pub fn strings(&self) -> u64 {
        self.strings
    }

    /// Bytes written.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Counts `n` bytes that are not XML (a part that is not measured).
    pub fn count(&mut self, n: usize) {
        self.bytes += n as u64;
    }

    fn end_piece(&mut self) {
        self.longest = self.longest.max(self.run);
        self.run = 0;
    }

    fn measure(&mut self, mut bytes: &[u8]) {
        self.bytes += bytes.len() as u64;
        while !bytes.is_empty() {
            let used = match self.state {
                State::Text => match memchr::memchr(b'<', bytes) {
                    Some(at) => {
                        self.run += at as u64;
                        self.end_piece();
                        self.run = 1;
                        self.head_len = 0;
                        self.state = State::Open;
                        at + 1
                    }
                    None => {
                        self.run += bytes.len() as u64;
                        bytes.len()
                    }
                },
                State::Open => {
                    self.opened(bytes[0]);
                    1
                }
                State::Tag { quote: None } => match memchr::memchr3(b'>', b'"', b'\'', bytes) {
                    Some(at) => {
                        self.run += at as u64 + 1;
                        if bytes[at] == b'>' {
                            self.end_tag();
                        } else {
                            self.state = State::Tag { quote: Some(bytes[at]) };
                        }
                        at + 1
                    }
                    None => {
                        self.run += bytes.len() as u64;
                        bytes.len()
                    }
                },
                State::Tag { quote: Some(q) } => match memchr::memchr(q, bytes) {
                    Some(at) => {
                        self.run += at as u64 + 1;
                        self.state = State::Tag { quote: None };
                        at + 1
                    }
                    None => {
                        self.run += bytes.len() as u64;
                        bytes.len()
                    }
                },
                State::Declaration => match memchr::memchr(b'>', bytes) {
                    Some(at) => {
                        self.run += at as u64 + 1;
                        self.end_piece();
                        self.state = State::Text;
                        at + 1
                    }
                    None => {
                        self.run += bytes.len() as u64;
                        bytes.len()
                    }
                },
                State::Comment | State::CData | State::Pi => {
                    let (a, b) = match self.state {
                        State::Comment => (b'-', b'-'),
                        State::CData => (b']', b']'),
                        _ => (0, b'?'),
                    };
                    let mut used = bytes.len();
                    for (i, &c) in bytes.iter().enumerate() {
                        if c == b'>' && self.tail[1] == b && (a == 0 || self.tail[0] == a) {
                            used = i + 1;
                            self.run += used as u64;
                            self.end_piece();
                            self.state = State::Text;
                            break;
                        }
                        self.tail = [self.tail[1], c];
                    }
                    if self.state != State::Text {
                        self.run += used as u64;
                    }
                    used
                }
            };
            bytes = &bytes[used..];
        }
    }

    /// One more byte after `<`: what is opened, once the bytes tell.
    fn opened(&mut self, c: u8) {
        self.run += 1;
        if self.head_len < HEAD {
            self.head[self.head_len] = c;
            self.head_len += 1;
        }
        let head = &self.head[..self.head_len];
        self.tail = [0; 2];
        self.state = if head == b"?" {
            State::Pi
        } else if head == b"!--" {
            State::Comment
        } else if head == b"![CDATA[" {
            State::CData
        } else if b"!--".starts_with(head) || b"![CDATA[".starts_with(head) {
            State::Open
        } else if head[0] == b'!' {
            State::Declaration
        } else if c == b'>' {
            self.end_tag();
            return;
        } else if c.is_ascii_whitespace() || c == b'/' || self.head_len == HEAD {
            self.count_name();
            State::Tag { quote: None }
        } else {
            State::Open
        };
    }

    /// A start tag's name is read: an `si` is one more string.
    fn count_name(&mut self) {
        let head = &self.head[..self.head_len];
        if head.first() == Some(&b'/') {
            return;
        }
        let name = match head.split_last() {
            Some((last, name)) if last.is_ascii_whitespace() || matches!(last, b'/' | b'>') => name,
            _ => head,
        };
        let local = name.rsplit(|&c| c == b':').next().unwrap_or(name);
        if local == b"si" {
            self.strings += 1;
        }
    }

    fn end_tag(&mut self) {
        if self.state == State::Open {
            self.count_name();
        }
        self.end_piece();
        self.state = State::Text;
    }
}

impl io::Write for XmlMeasure {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.measure(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_declared_count_is_read_as_calamine_reads_it() {
        let declared = |xml: &str| declared_strings(xml.as_bytes());
        assert_eq!(
            declared(r#"<?xml version="1.0"?><sst count="37" uniqueCount="4000000000"><si/>"#),
            Some(4_000_000_000)
        );
        assert_eq!(declared(r#"<x:sst uniqueCount='+12'/>"#), Some(12));
        assert_eq!(declared(r#"<sst uniqueCount="18446744073709551616">"#), Some(u64::MAX));
        assert_eq!(declared(r#"<!-- <sst uniqueCount="9"> --><sst count="5">"#), None);
        assert_eq!(declared(r#"<sst uniqueCount="-1">"#), None);
        assert_eq!(declared(r#"<sst uniqueCount="">"#), None);
        assert_eq!(declared("<other/>"), None);
    }

    /// The measure of `xml` written in pieces of `step` bytes.
    fn measured(xml: &str, step: usize) -> (u64, u64) {
        let mut m = XmlMeasure::default();
        for piece in xml.as_bytes().chunks(step) {
            m.measure(piece);
        }
        assert_eq!(m.bytes(), xml.len() as u64);
        (m.longest(), m.strings())
    }

    #[test]
    fn the_longest_piece_is_found_whatever_the_pieces_written() {
        let long = "x".repeat(100);
        let tag = format!("<c r=\"{long}>\" t='>'/>");
        let comment = format!("<!-- <b> {long} -->");
        let cdata = format!("<![CDATA[<b>{long}]]]>");
        let pi = format!("<?xml version=\"1.0\" {long}?>");
        let cases: Vec<(String, (u64, u64))> = vec![
            (format!("<a>{long}</a>"), (100, 0)),
            (format!("<sst><si><t>{long}</t></si><si><t/></si><x:si>y</x:si><sis/></sst>"), (100, 3)),
            // A tag holds its attributes, a `>` in quotes too.
            (format!("<a>{tag}</a>"), (tag.len() as u64, 0)),
            (format!("<a>{comment}</a>"), (comment.len() as u64, 0)),
            (format!("<a>{cdata}</a>"), (cdata.len() as u64, 0)),
            (format!("{pi}<a/>"), (pi.len() as u64, 0)),
            (format!("<!DOCTYPE a>{long}"), (100, 0)),
            (format!("{long}<"), (100, 0)),
            ("<si>".to_string(), (4, 1)),
        ];
        for (xml, want) in cases {
            for step in [1, 2, 3, 7, xml.len()] {
                assert_eq!(measured(&xml, step), want, "{xml} in pieces of {step}");
            }
        }
    }
}
