//! The canonical form of an ASCII name of at most 64 bytes (nearly every name of an export,
//! titles and degrees included) from the masks of its byte classes: where the name ends (its
//! first comma), which dots separate, which bytes are dropped, where the one space between
//! tokens goes, all computed on whole masks; then one copy per run of kept bytes and the title
//! checks on eight-byte words. No branch per byte, so an upper-case, titled, dotted name costs
//! little more than a plain one. It must give what `name::normalize_name_general` gives (the
//! tests in `name.rs` compare them).

use super::masks::{self, Padded, below, has};
use super::name::{NO_LETTERS, is_degree_word, is_honorific_word};
use super::{Invalid, swar};

/// The longest name this path takes.
pub(super) const MAX: usize = masks::MAX;

/// The canonical form of `raw` (at most [`MAX`] bytes) appended to `out`, or `None` (`out`
/// untouched) when it is not ASCII and needs the Unicode passes. `out` is left as it was when
/// the name is invalid.
pub(super) fn append_short_name(raw: &[u8], out: &mut String) -> Option<Result<(), Invalid>> {
    debug_assert!(raw.len() <= MAX);
    let mut folded = [0u8; MAX + 32];
    let c = masks::classify(raw, &mut folded, masks::Fold::LettersOnly);
    if c.non_ascii != 0 {
        return None;
    }
    // Nothing from the first comma on.
    let kept = below(raw.len()) & (c.commas & c.commas.wrapping_neg()).wrapping_sub(1);
    let letters = c.letters & kept;
    if letters == 0 {
        return Some(Err(NO_LETTERS));
    }
    // Dots after the leading honorifics separate; other dots and apostrophes are dropped and
    // join what is either side; any other byte separates. Only a dot between a letter and a
    // letter, dot or apostrophe can tell the two apart (`H.Budi`), so the honorifics are only
    // looked for then (one messy name in twelve).
    let joining = c.dots & (letters << 1) & ((letters | c.dots | c.quotes) >> 1);
    let split_dots = if joining == 0 { 0 } else { c.dots & below(honorific_dots_end(&folded, &c)) };
    let dropped = (c.dots | c.quotes) & kept & !split_dots;
    let separators = kept & !letters & !dropped;
    // A run of dropped bytes right after a letter (`h.` in `Muh. Yusuf`) is still in its token:
    // adding the run's first bit carries through the run and clears it.
    let after_letter = dropped & (letters << 1);
    let in_token = letters | (dropped & !dropped.wrapping_add(after_letter));
    // The first separator after a token becomes its space, when a letter follows somewhere.
    let last_letter_bit = 1u64 << (63 - letters.leading_zeros());
    let spaces = separators & (in_token << 1) & (last_letter_bit - 1);
    let mut name = [0u8; NAME];
    let len = compact(&folded, letters | spaces, &mut name);
    let (start, end) = without_titles(&name, len);
    if end <= start {
        return Some(Err(NO_LETTERS));
    }
    push(out, &name, start, end);
    Some(Ok(()))
}

/// The room before the compacted name in its buffer: the word that ends at its first byte can
/// be read.
const FRONT: usize = 8;

/// The compacted name's buffer: [`FRONT`], the name, and room for a copy of [`MAX`] bytes from
/// any byte of it, and for a word from any index below 128 (an index `& 127` needs no bounds
/// check).
const NAME: usize = FRONT + 128 + 8;

/// Copies the bytes of `folded` whose bit `keep` has, in order, to `name` from [`FRONT`], and
/// returns how many: one copy of 32 bytes per run of kept bytes (a plain name is one run, its
/// spaces included; a messy one usually two, `DR.` then ` SITI AMINAH`), the bytes after each
/// run overwritten by the next.
#[inline]
fn compact(folded: &Padded, keep: u64, name: &mut [u8; NAME]) -> usize {
    let (mut len, mut rest) = (0, keep);
    while rest != 0 {
        len += copy_run(folded, rest, name, len);
        rest = without_lowest_run(rest);
    }
    len
}

/// `mask` without its lowest run of ones: adding the run's lowest bit carries through it.
#[inline]
fn without_lowest_run(mask: u64) -> u64 {
    mask & mask.wrapping_add(mask & mask.wrapping_neg())
}

/// Copies the lowest run of `keep` (not zero) from `folded` to `name` after the `len` bytes
/// copied so far, and returns its length. What follows the run in `folded` comes with it: the
/// byte after the name is no letter (the byte after the last letter kept is not, folded).
#[inline]
fn copy_run(folded: &Padded, keep: u64, name: &mut [u8; NAME], len: usize) -> usize {
    // `start + k` and `len + k` stay below `MAX`, so the copies stay within the buffers.
    let start = keep.trailing_zeros() as usize % MAX;
    let run = (!(keep >> start)).trailing_zeros() as usize;
    let mut k = 0;
    loop {
        // (`% MAX` lets the compiler see the bounds; a run over 32 bytes is rare.)
        let (from, to) = ((start + k) % MAX, FRONT + (len + k) % MAX);
        name[to..to + 32].copy_from_slice(&folded[from..from + 32]);
        k += 32;
        if k >= run {
            return run;
        }
    }
}

/// Appends `name[FRONT + start..FRONT + end]` to `out` in one copy of [`MAX`] bytes into its
/// spare room (a copy of the name's size would call `memcpy`).
#[inline]
fn push(out: &mut String, name: &[u8; NAME], start: usize, end: usize) {
    // SAFETY: the compacted name is folded letters and spaces, ASCII, and only its bytes up to
    // `end` are counted in: `out` stays UTF-8.
    let bytes = unsafe { out.as_mut_vec() };
    bytes.reserve(MAX);
    let base = bytes.len();
    let from = FRONT + start % MAX;
    for (to, &b) in bytes.spare_capacity_mut()[..MAX].iter_mut().zip(&name[from..from + MAX]) {
        to.write(b);
    }
    // SAFETY: `end - start` (at most `MAX`) bytes past `base` were just written.
    unsafe { bytes.set_len(base + end - start) };
}

/// The high bit but one of each byte: set in a lowercase letter, clear in a space or a zero, the
/// other bytes of the folded and the compacted name.
const LETTER_BITS: u64 = 0x4040_4040_4040_4040;

/// The token of letters that starts `word` (of folded letters, spaces and zeros) as a word, and
/// its length: the bytes before its first non-letter (all eight when there is none, which
/// makes a word no title is: titles have at most five letters).
#[inline]
fn first_token(word: u64) -> (u64, usize) {
    let stops = !word & LETTER_BITS;
    let first = stops & stops.wrapping_neg();
    (word & (first >> 6).wrapping_sub(1), (first.trailing_zeros() / 8) as usize)
}

/// The token of letters that ends `word` as a word, and its length (eight when `word` has no
/// non-letter, as in [`first_token`]).
#[inline]
fn last_token(word: u64) -> (u64, usize) {
    // The bits of the bytes up to the last non-letter: its letter bit is bit `8k + 6`, so
    // `8k + 8` is 65 less the leading zeros. (`& 56` makes it 0 when there is none, and when
    // the last byte is one, which a name's never is.)
    let through = (65 - (!word & LETTER_BITS).leading_zeros()) & 56;
    (word >> through, 8 - through as usize / 8)
}

/// The byte length of the leading run of honorifics in the name that ends with the last one
/// written with a dot (`name::honorific_dots_end`, from the masks): blanks skipped, a token of
/// letters that is an honorific, then a dot (the run goes on, and ends after it) or a blank
/// (it goes on), or anything else (it ends).
fn honorific_dots_end(folded: &Padded, c: &masks::Classes) -> usize {
    let (mut at, mut end) = (0usize, 0usize);
    loop {
        at += (!c.blanks.checked_shr(at as u32).unwrap_or(0)).trailing_zeros() as usize;
        // (`at` is at most 64: eight bytes from it are within `folded`.)
        let (token, len) = first_token(swar::load(&folded[at..at + 8]));
        if !is_honorific_word(token) {
            return end;
        }
        at += len;
        if has(c.dots, at) {
            at += 1;
            end = at;
        } else if !has(c.blanks, at) {
            return end;
        }
    }
}

/// The first token of the compacted name from `start` (at most `len`): whether it is an
/// honorific, and where what follows it starts (at most `len`). The byte after the name is no
/// letter (it is what followed the last letter kept, folded), so the token ends within it.
#[inline]
fn leading_honorific(name: &[u8; NAME], start: usize, len: usize) -> (bool, usize) {
    // (`start` is at most 64: eight bytes from it are within `name`.)
    let (token, token_len) = first_token(swar::load(&name[FRONT + (start & 127)..][..8]));
    (is_honorific_word(token), (start + token_len + 1).min(len))
}

/// The last token of the compacted name before `end` (past `start`): whether it is a degree,
/// and where what precedes it ends (at least `start`). The zeros before the name, or the space
/// before `start`, end the token.
#[inline]
fn trailing_degree(name: &[u8; NAME], end: usize, start: usize) -> (bool, usize) {
    // (`end` is at most 64; `FRONT + end - 8` is at least 0.)
    let (token, token_len) = last_token(swar::load(&name[FRONT + (end & 127) - 8..][..8]));
    let degree = is_degree_word(token);
    (degree, if degree { (end - token_len).saturating_sub(1).max(start) } else { end })
}

/// `name::without_titles` of the `len` bytes of the compacted name (from [`FRONT`]): the
/// tokens are read as words, each leading one from its first byte, each trailing one from the
/// word that ends with it. (Looking up the first two whatever the first is, branch-free, cut
/// the simulated mispredicts but cost more instructions than it saved time.)
fn without_titles(name: &[u8; NAME], len: usize) -> (usize, usize) {
    let mut start = 0;
    while start < len {
        let (honorific, next) = leading_honorific(name, start, len);
        if !honorific {
            break;
        }
        start = next;
    }
    let mut end = len;
    while end > start {
        let (degree, next) = trailing_degree(name, end, start);
        if !degree {
            break;
        }
        end = next;
    }
    (start, end)
}
