#!/usr/bin/env python3
"""Independent reference implementation of leakcheck SPEC §2 (normalization) and
§3 (hashing), written from the SPEC text only (standard library only).

Module API
    normalize(kind, value)   -> Result  (status 'ok' | 'invalid' | 'absent')
    normalize_phones(value)  -> list[Result]  (one per phone in a multi-value field)
    nik_structurally_valid(canonical) -> bool
    hash_value(kind, canonical, key=None) -> 64 lowercase hex
    key_check(key) -> 16 hex

CLI
    python3 reference.py KIND VALUE...      (KIND: nik phone email name dob name_dob)
    prints one line per VALUE: the canonical form, `invalid: <reason>` or `absent`.
    For phone, the canonical forms of a multi-phone field are joined with ", ".
    Extra kinds: `nik-struct` (prints valid/not-structural/invalid),
    `hash-KIND` (prints the unkeyed hash of the canonical form).
    Use `--` before values that start with '-'.

Interpretation choices (where the SPEC is ambiguous) are marked `AMBIG:`.
"""
import hashlib
import hmac
import re
import sys
import unicodedata

KINDS = ("nik", "phone", "email", "name", "dob", "name_dob")


class Result:
    __slots__ = ("status", "value", "reason")

    def __init__(self, status, value=None, reason=None):
        self.status = status  # 'ok' | 'invalid' | 'absent'
        self.value = value
        self.reason = reason

    @property
    def ok(self):
        return self.status == "ok"

    def __repr__(self):
        if self.status == "ok":
            return "Result(ok, %r)" % (self.value,)
        if self.status == "invalid":
            return "Result(invalid, %r)" % (self.reason,)
        return "Result(absent)"

    def __eq__(self, other):
        return isinstance(other, Result) and (self.status, self.value) == (other.status, other.value)

    def line(self):
        if self.status == "ok":
            return self.value
        if self.status == "invalid":
            return "invalid: " + self.reason
        return "absent"


def OK(v):
    return Result("ok", v)


def INVALID(r):
    return Result("invalid", reason=r)


ABSENT = Result("absent")

# Unicode White_Space property (what Rust's char::is_whitespace / str::trim use).
# AMBIG: "whitespace" / "spaces" / "trim" taken as Unicode White_Space, not only ASCII.
WHITESPACE = frozenset(
    "\u0009\u000a\u000b\u000c\u000d\u0020\u0085\u00a0\u1680"
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)


def is_ws(c):
    return c in WHITESPACE


def trim(s):
    i, j = 0, len(s)
    while i < j and s[i] in WHITESPACE:
        i += 1
    while j > i and s[j - 1] in WHITESPACE:
        j -= 1
    return s[i:j]


def is_absent(s):
    # AMBIG: only empty / whitespace-only strings are absent at this level; the tokens
    # JSON null, SQL NULL and \N are format-level (reader) concerns, so the *string* "NULL"
    # given to `normalize` is an ordinary (invalid) value.
    return trim(s) == ""


def is_ascii_digits(s):
    return s != "" and all("0" <= c <= "9" for c in s)


# ----------------------------------------------------------------------------- nik

PROVINCES = frozenset(
    list(range(11, 20)) + [21] + list(range(31, 37)) + list(range(51, 54))
    + list(range(61, 66)) + list(range(71, 77)) + [81, 82] + list(range(91, 97))
)


def normalize_nik(value):
    if is_absent(value):
        return ABSENT
    # AMBIG: "remove spaces" = remove every White_Space character (also tabs, NBSP...).
    s = "".join(c for c in value if not is_ws(c))
    # one leading ' (Excel text marker)
    if s.startswith("'"):
        s = s[1:]
    # AMBIG: one trailing ".0" is removed *before* dots are removed (otherwise it could
    # never be recognised).
    if s.endswith(".0"):
        s = s[:-2]
    s = "".join(c for c in s if c not in ".-_")
    # AMBIG: only ASCII digits count; fullwidth/other-script digits are invalid (no NFKC
    # is mentioned for nik).
    if len(s) != 16:
        if is_ascii_digits(s):
            return INVALID("%d digits, expected 16" % len(s))
        return INVALID("not 16 digits")
    if not is_ascii_digits(s):
        return INVALID("non-digit characters")
    return OK(s)


def nik_structurally_valid(canonical):
    s = canonical
    if len(s) != 16 or not is_ascii_digits(s):
        return False
    if int(s[0:2]) not in PROVINCES:
        return False
    if s[2:4] == "00" or s[4:6] == "00":
        return False
    day = int(s[6:8])
    if not (1 <= day <= 31 or 41 <= day <= 71):
        return False
    month = int(s[8:10])
    if not (1 <= month <= 12):
        return False
    if s[12:16] == "0000":
        return False
    return True


# ----------------------------------------------------------------------------- phone

# AMBIG: the word `atau` is matched case-insensitively and only as a whole word
# (not preceded or followed by a letter), so `0812atau0813` splits, `Datau` does not.
_PHONE_SPLIT = re.compile(r"[,;/|]|(?<![^\W\d_])atau(?![^\W\d_])", re.IGNORECASE)
# AMBIG: extension markers are case-insensitive and only count once a digit has been seen
# (an extension follows a number; "Fax: 021..." must not lose the whole number).
_EXT = re.compile(r"ext|x|#", re.IGNORECASE)


def split_phones(value):
    return _PHONE_SPLIT.split(value)


def _drop_extension(s):
    seen_digit = False
    i = 0
    n = len(s)
    while i < n:
        c = s[i]
        if "0" <= c <= "9":
            seen_digit = True
        elif seen_digit:
            m = _EXT.match(s, i)
            if m:
                return s[:i]
        i += 1
    return s


def _national(rest, trunk_allowed):
    # A trunk 0 written after the country code is dropped.
    if trunk_allowed and rest.startswith("0"):
        rest = rest[1:]
    if not (8 <= len(rest) <= 12):
        return INVALID("national number has %d digits, expected 8-12" % len(rest))
    if rest[0] == "0":
        return INVALID("national number starts with 0")
    return OK("+62" + rest)


def normalize_single_phone(value):
    if is_absent(value):
        return ABSENT
    s = _drop_extension(value)
    # Remove everything but digits and one leading '+'.
    # AMBIG: "leading" = the first character that survives the filter is '+'
    # (so "(+62) 812" and "Tel: +62 812" keep it); extra '+' are removed.
    # AMBIG: only ASCII digits are digits (fullwidth digits are removed like letters).
    kept = [c for c in s if c == "+" or "0" <= c <= "9"]
    plus = bool(kept) and kept[0] == "+"
    d = "".join(c for c in kept if c != "+")
    if d == "":
        return INVALID("no digits")
    if plus:
        if d.startswith("62"):
            return _national(d[2:], True)
        # AMBIG: E.164 country codes never start with 0, so "+0..." is invalid.
        if d[0] == "0":
            return INVALID("'+' followed by 0")
        if 8 <= len(d) <= 15:
            return OK("+" + d)
        return INVALID("foreign number has %d digits, expected 8-15" % len(d))
    if d.startswith("0062"):
        return _national(d[4:], True)
    if d.startswith("62") and 11 <= len(d) <= 15:
        return _national(d[2:], True)
    if d.startswith("0"):
        # AMBIG: no further trunk-0 stripping on this path (no country code written).
        return _national(d[1:], False)
    if d.startswith("8") and 9 <= len(d) <= 12:
        return _national(d, False)
    return INVALID("not a recognised phone number")


def normalize_phones(value):
    """All phones of one field. Absent parts (empty between separators) are skipped."""
    if is_absent(value):
        return []
    out = []
    for part in split_phones(value):
        r = normalize_single_phone(part)
        if r.status != "absent":
            out.append(r)
    return out


def normalize_phone(value):
    """Whole field -> one Result: ok with canonical forms joined by ', ' when every
    non-empty part is valid; otherwise invalid (reason names the bad parts)."""
    rs = normalize_phones(value)
    if not rs:
        return ABSENT
    bad = [r for r in rs if not r.ok]
    if bad:
        good = [r.value for r in rs if r.ok]
        reason = "; ".join(r.reason for r in bad)
        if good:
            reason += " (valid parts: %s)" % ", ".join(good)
        return INVALID(reason)
    # AMBIG: duplicates inside one field are kept (each part "is a value").
    return OK(", ".join(r.value for r in rs))


# ----------------------------------------------------------------------------- email

_QUOTES = ("\"", "'")


def normalize_email(value):
    if is_absent(value):
        return ABSENT
    s = value
    # AMBIG: trimming / mailto: / <> / quotes are repeated until nothing changes, so that
    # "Normalizing a canonical value again returns it unchanged" holds for e.g. <"a@b.co">.
    # mailto: is matched case-insensitively (everything is lowercased anyway).
    while True:
        prev = s
        s = trim(s)
        if s[:7].lower() == "mailto:":
            s = s[7:]
        if len(s) >= 2 and s[0] == "<" and s[-1] == ">":
            s = s[1:-1]
        if len(s) >= 2 and s[0] in _QUOTES and s[-1] == s[0]:
            s = s[1:-1]
        if s == prev:
            break
    s = s.lower()
    if s.count("@") != 1:
        return INVALID("%d '@'" % s.count("@"))
    local, domain = s.split("@")
    if local == "":
        return INVALID("empty local part")
    if "." not in domain:
        return INVALID("domain without '.'")
    # AMBIG: "no spaces" = no White_Space character. Spaces in the local part are not
    # forbidden by the SPEC text, so they are kept.
    if any(is_ws(c) for c in domain):
        return INVALID("space in domain")
    if domain in ("gmail.com", "googlemail.com"):
        local = local.split("+", 1)[0].replace(".", "")
        domain = "gmail.com"
        # AMBIG: the non-empty-local-part rule is re-checked after the gmail rewrite
        # ("+x@gmail.com" would otherwise become "@gmail.com", which is not idempotent).
        if local == "":
            return INVALID("empty gmail local part")
    return OK(local + "@" + domain)


# ----------------------------------------------------------------------------- name

HONORIFICS = frozenset(
    "h hj dr drs dra ir prof bpk bapak ibu sdr sdri tn ny nn an".split()
)
DEGREES = frozenset(
    "skom sh se st spd amd mm mt mkes ssos sked sip ssi mpd mba".split()
)
_APOS_DOTS = frozenset("'\u2019`.")


def _is_mark(c):
    # AMBIG: "combining marks" = General_Category Mark (Mn, Mc, Me), not ccc != 0.
    return unicodedata.category(c).startswith("M")


def _is_letter(c):
    # AMBIG: "letter" = General_Category L* (Lu Ll Lt Lm Lo) = str.isalpha().
    return c.isalpha()


def normalize_name(value):
    if is_absent(value):
        return ABSENT
    s = unicodedata.normalize("NFKC", value)
    s = s.lower()
    # AMBIG: no recomposition after NFD (SPEC says NFD then drop marks, nothing more).
    s = "".join(c for c in unicodedata.normalize("NFD", s) if not _is_mark(c))
    s = s.split(",", 1)[0]
    s = "".join(c for c in s if c not in _APOS_DOTS)
    s = "".join(c if _is_letter(c) else " " for c in s)
    toks = s.split(" ")
    toks = [t for t in toks if t]
    while toks and toks[0] in HONORIFICS:
        toks.pop(0)
    while toks and toks[-1] in DEGREES:
        toks.pop()
    if not toks:
        return INVALID("empty after normalization")
    return OK(" ".join(toks))


# ----------------------------------------------------------------------------- dob

MONTHS = {
    # Indonesian
    "januari": 1, "februari": 2, "maret": 3, "april": 4, "mei": 5, "juni": 6,
    "juli": 7, "agustus": 8, "september": 9, "oktober": 10, "november": 11,
    "desember": 12,
    # English
    "january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7,
    "august": 8, "october": 10, "december": 12,
    # 3-letter abbreviations (Indonesian and English)
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "agu": 8,
    "aug": 8, "sep": 9, "okt": 10, "oct": 10, "nov": 11, "des": 12, "dec": 12,
}
# "mei" is both the full Indonesian name and its abbreviation; "may" likewise in English.

# AMBIG: DD and MM accept 1 or 2 digits ("1/7/1990", "1 Juli 1990"); YYYY exactly 4;
# YYYYMMDD exactly 8. Only ASCII digits. Surrounding whitespace is trimmed.
_D = r"([0-9]{1,2})"
_Y = r"([0-9]{4})"
_YMD = re.compile(_Y + r"([-/])" + _D + r"\2" + _D)
_DMY = re.compile(_D + r"([-/.])" + _D + r"\2" + _Y)
_COMPACT = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})")
_NAMED = re.compile(_D + r"[ \t]+([^\W\d_]+)[ \t]+" + _Y)
# AMBIG: ISO datetime = YYYY-MM-DD, then 'T' or a space, then HH:MM[:SS[.frac]] and an
# optional zone (Z, +HH, +HHMM, +HH:MM). The time is not validated beyond its shape.
_ISO_DT = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt ]([0-9]{2}):([0-9]{2})(:[0-9]{2}([.,][0-9]+)?)?"
    r"([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)?"
)


def _days_in_month(y, m):
    if m == 2:
        leap = (y % 4 == 0 and y % 100 != 0) or y % 400 == 0
        return 29 if leap else 28
    return 30 if m in (4, 6, 9, 11) else 31


def _mkdate(y, m, d):
    y, m, d = int(y), int(m), int(d)
    # AMBIG: year 0000 is not a real (Gregorian) year; no other plausibility range.
    if y < 1 or not (1 <= m <= 12) or not (1 <= d <= _days_in_month(y, m)):
        return INVALID("not a real calendar date")
    return OK("%04d-%02d-%02d" % (y, m, d))


def normalize_dob(value):
    if is_absent(value):
        return ABSENT
    s = trim(value)
    m = _YMD.fullmatch(s)
    if m:
        return _mkdate(m.group(1), m.group(3), m.group(4))
    m = _DMY.fullmatch(s)
    if m:
        return _mkdate(m.group(4), m.group(3), m.group(1))
    m = _COMPACT.fullmatch(s)
    if m:
        return _mkdate(m.group(1), m.group(2), m.group(3))
    m = _NAMED.fullmatch(s)
    if m:
        # AMBIG: month names are ASCII case-insensitive, no trailing '.', no other spellings
        # (Pebruari, Agt, Sept are not accepted).
        mon = MONTHS.get(m.group(2).lower()) if m.group(2).isascii() else None
        if mon is None:
            return INVALID("unknown month name %r" % m.group(2))
        return _mkdate(m.group(3), mon, m.group(1))
    m = _ISO_DT.fullmatch(s)
    if m:
        return _mkdate(m.group(1), m.group(2), m.group(3))
    return INVALID("unrecognised date format")


# ----------------------------------------------------------------------------- name_dob


def normalize_name_dob(value):
    """Input for the CLI: `NAME|DOB` (split at the last '|')."""
    if is_absent(value):
        return ABSENT
    if "|" not in value:
        return INVALID("expected NAME|DOB")
    name, dob = value.rsplit("|", 1)
    n = normalize_name(name)
    d = normalize_dob(dob)
    if not n.ok:
        return INVALID("name: " + (n.reason or "absent"))
    if not d.ok:
        return INVALID("dob: " + (d.reason or "absent"))
    return OK(n.value + "|" + d.value)


def make_name_dob(name_value, dob_value):
    n = normalize_name(name_value)
    d = normalize_dob(dob_value)
    if n.ok and d.ok:
        return OK(n.value + "|" + d.value)
    return None


NORMALIZERS = {
    "nik": normalize_nik,
    "phone": normalize_phone,
    "email": normalize_email,
    "name": normalize_name,
    "dob": normalize_dob,
    "name_dob": normalize_name_dob,
}


def normalize(kind, value):
    return NORMALIZERS[kind](value)


# ----------------------------------------------------------------------------- hashing


def _message(kind, canonical):
    return ("leakcheck:v1:" + kind + ":" + canonical).encode("utf-8")


def hash_value(kind, canonical, key=None):
    if key is None:
        return hashlib.sha256(_message(kind, canonical)).hexdigest()
    if isinstance(key, str):
        key = key.encode("utf-8")
    return hmac.new(key, _message(kind, canonical), hashlib.sha256).hexdigest()


def key_check(key):
    if isinstance(key, str):
        key = key.encode("utf-8")
    return hmac.new(key, b"leakcheck:v1:key-check", hashlib.sha256).hexdigest()[:16]


SPEC_VECTORS = [
    ("nik", "3201014107900001",
     "e77a3d6148b08bd89fa92cd9b384fac919d09bda67a4ee94a2a115b645a0fdfe",
     "a0dead7a8144871c37b70dd4c3479ad1d0c30a8d27f39ee3c110857efc2549e0"),
    ("phone", "+6281234567890",
     "0766065f448af2ca561aec9e51ad8398b948bd8e911aa9a842323c07ac164804",
     "0069e77f5ac9e86f6d63301e276940c0ca88a9dd1657efccc5f71a8bc9ef35b8"),
    ("email", "budisantoso@gmail.com",
     "561a9718c0e69059dc9585bc22107350093014db522dededba329f28582d8bcf",
     "caa7701dc91d7c5bc71b324c757206b74be011a3aa31d5424cb98ca8919495b2"),
    ("name", "siti nurhaliza",
     "0e324c23e7a917f597a45c790785caa7812337d0691bed8a5c5110a8f714babe",
     "45a962435a772307a81b9dd82c0a4a6833bcafba3768823712cfcbe1fd20e68b"),
    ("name_dob", "siti nurhaliza|1990-07-01",
     "bf4dad9ff50e7903335c05d4e5cadf30712ff879130624498d3df144a1c77364",
     "9340ffb2ef7e8d5fe3ed4aba81030fe90324394c73c6d0b472701a1b6b57f8c4"),
]
SPEC_KEY = b"kunci-rahasia-rumah-sakit-2021"
SPEC_KEY_CHECK = "368b69be2d18eca3"


def self_test():
    assert len(SPEC_KEY) == 30
    assert key_check(SPEC_KEY) == SPEC_KEY_CHECK, key_check(SPEC_KEY)
    for kind, canon, h, k in SPEC_VECTORS:
        assert hash_value(kind, canon) == h, (kind, hash_value(kind, canon))
        assert hash_value(kind, canon, SPEC_KEY) == k, kind
        # canonical values are fixpoints
        assert normalize(kind, canon) == OK(canon), (kind, normalize(kind, canon))
    assert nik_structurally_valid("3201014107900001")
    ex = {
        ("nik", "'3201.0141.0790.0001"): "3201014107900001",
        ("nik", "3201014107900001.0"): "3201014107900001",
        ("nik", "3.20101E+15"): None,
        ("phone", "+62 (0) 812-3456-7890"): "+6281234567890",
        ("phone", "0812-3456-7890 ext 12"): "+6281234567890",
        ("phone", "81234567890"): "+6281234567890",
        ("phone", "0812345678 atau 0813-1111-2222"): "+62812345678, +6281311112222",
        ("email", "mailto:<Budi.Santoso+promo@GoogleMail.com>"): "budisantoso@gmail.com",
        ("name", "Hj. Siti Nurhaliza, S.Kom., M.T."): "siti nurhaliza",
        ("name", "Ma'ruf"): "maruf",
        ("name", "Muh. Ali S.Kom"): "muh ali",
        ("dob", "17 Agustus 1945"): "1945-08-17",
        ("dob", "17 Agu 1945"): "1945-08-17",
        ("dob", "01/07/1990"): "1990-07-01",
        ("dob", "1990-07-01T08:00:00Z"): "1990-07-01",
        ("dob", "29/02/1990"): None,
        ("name_dob", "Siti Nurhaliza|01.07.1990"): "siti nurhaliza|1990-07-01",
    }
    for (kind, v), want in ex.items():
        got = normalize(kind, v)
        if want is None:
            assert got.status == "invalid", (kind, v, got)
        else:
            assert got == OK(want), (kind, v, got)
    return True


def main(argv):
    args = argv[1:]
    if args and args[0] == "--self-test":
        self_test()
        print("self-test ok")
        return 0
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    kind = args[0]
    values = args[1:]
    if values and values[0] == "--":
        values = values[1:]
    for v in values:
        if kind == "nik-struct":
            r = normalize_nik(v)
            if r.ok:
                print(r.value + (" structurally-valid" if nik_structurally_valid(r.value)
                                 else " not-structurally-valid"))
            else:
                print(r.line())
        elif kind.startswith("hash-") and kind[5:] in KINDS:
            r = normalize(kind[5:], v)
            print(hash_value(kind[5:], r.value) if r.ok else r.line())
        elif kind in NORMALIZERS:
            print(normalize(kind, v).line())
        else:
            print("unknown kind %r (one of %s)" % (kind, ", ".join(KINDS)), file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
