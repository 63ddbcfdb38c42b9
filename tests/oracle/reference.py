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
    if day > 40:
        day -= 40  # a woman's day
    month = int(s[8:10])
    # 1.1: a real calendar date DDMMYY; the century is unknown, so 29 February always is
    # (checked in 2000, a leap year).
    if not (1 <= month <= 12) or not (1 <= day <= _days_in_month(2000, month)):
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
# 1.1: also the Indonesian `psw`, `pes`, `pesawat` (`pes` covers `pesawat`; `x` covers `ext`).
_EXT = re.compile(r"ext|x|#|psw|pes", re.IGNORECASE)


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
    # 1.1: Indonesia's numbering plan (libphonenumber's lengths and mobile prefixes).
    if len(rest) >= 2 and rest[0] == "8" and rest[1] in "12356789":
        if not (9 <= len(rest) <= 12):
            return INVALID("mobile number has %d digits, expected 9-12" % len(rest))
    elif rest[:1] in ("2", "3", "4", "5", "6", "7", "9"):
        if not (7 <= len(rest) <= 11):
            return INVALID("fixed-line number has %d digits, expected 7-11" % len(rest))
    else:
        return INVALID("not a mobile or fixed-line prefix")
    return OK("+62" + rest)


def normalize_single_phone(value):
    if is_absent(value):
        return ABSENT
    # 1.1: one trailing `.0` (a spreadsheet float) goes first.
    # AMBIG: the value is trimmed before the `.0` is looked for.
    s = trim(value)
    if s.endswith(".0"):
        s = s[:-2]
    s = _drop_extension(s)
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

_PAIRS = (("<", ">"), ("(", ")"), ("\"", "\""), ("'", "'"))


def _unicode_domain(domain):
    """1.1: IDNA labels (`xn--`) in their Unicode form.

    AMBIG: standard library only, so a label is decoded with the `punycode` codec, not full
    UTS 46 validation; a domain whose labels do not decode, or decode to text that NFKC and
    lowercasing would change again (or that holds whitespace, `@`, an empty label or another
    `xn--`), is kept in its ASCII form, as leakcheck does.
    """
    labels = domain.split(".")
    if not any(l.startswith("xn--") for l in labels):
        return domain
    out = []
    for l in labels:
        if l.startswith("xn--"):
            try:
                l = l[4:].encode("ascii").decode("punycode")
            except (UnicodeError, ValueError):
                return domain
        out.append(l)
    u = ".".join(out)
    if ("xn--" in u or any(l == "" for l in u.split(".")) or any(is_ws(c) or c == "@" for c in u)
            or unicodedata.normalize("NFKC", u) != u or u.lower() != u):
        return domain
    return u


def _strip_wrappers(s):
    # AMBIG: trimming / mailto: / display name / pairs / trailing , ; . are repeated until
    # nothing changes, so that a canonical value normalizes to itself (e.g. <"a@b.co">;).
    # mailto: is matched case-insensitively (everything is lowercased anyway).
    # AMBIG: `Display Name <addr>` = a value ending in `>`: the address is inside the last `<`.
    while True:
        prev = s
        s = trim(s)
        if s[:7].lower() == "mailto:":
            s = s[7:]
        if s.endswith(">") and "<" in s:
            s = trim(s[s.rindex("<") + 1:-1])
        for o, c in _PAIRS:
            if len(s) >= 2 and s[0] == o and s[-1] == c:
                s = trim(s[1:-1])
        s = trim(s.rstrip(",;."))
        if s == prev:
            return s


def normalize_email(value):
    if is_absent(value):
        return ABSENT
    # 1.1: NFKC first (full-width `ｇｍａｉｌ` is `gmail`).
    s = unicodedata.normalize("NFKC", value)
    s = _strip_wrappers(s)
    s = s.lower()
    if s.count("@") != 1:
        return INVALID("%d '@'" % s.count("@"))
    local, domain = s.split("@")
    if any(is_ws(c) or c in ",;" for c in local):
        return INVALID("whitespace, ',' or ';' in the local part")
    if any(is_ws(c) for c in domain):
        return INVALID("space in domain")
    if "." not in domain:
        return INVALID("domain without '.'")
    if any(l == "" for l in domain.split(".")):
        return INVALID("empty domain label")
    if domain in ("gmail.com", "googlemail.com"):
        local = local.split("+", 1)[0].replace(".", "")
        domain = "gmail.com"
        # AMBIG: the non-empty-local-part rule is re-checked after the gmail rewrite
        # ("+x@gmail.com" would otherwise become "@gmail.com", which is not idempotent).
        if local == "":
            return INVALID("empty gmail local part")
        # AMBIG: dropping dots can bare a wrapper (`m.ailto:x@gmail.com`): cleaned again.
        folded = local + "@" + domain
        if _strip_wrappers(folded) != folded:
            return normalize_email(folded)
    if local == "":
        return INVALID("empty local part")
    return OK(local + "@" + _unicode_domain(domain))


# ----------------------------------------------------------------------------- name

HONORIFICS = frozenset(
    "h hj dr drs dra ir prof bpk bapak ibu sdr sdri tn ny nn an".split()
)
DEGREES = frozenset(
    "skom sh se st spd amd mm mt mkes ssos sked sip ssi mpd mba".split()
)
_APOS_DOTS = frozenset("'\u2019`.")
# 1.1: format characters are removed, not turned into spaces.
# AMBIG: "format characters" = the four SPEC names (ZWSP, ZWNJ, ZWJ, soft hyphen) and the other
# invisible Cf characters of text (LRM/RLM, bidi embeddings and isolates, word joiner and
# invisible operators, BOM), as leakcheck's list.
_FORMAT = frozenset(
    [chr(c) for c in [0xAD] + list(range(0x200B, 0x2010)) + list(range(0x202A, 0x202F))
     + list(range(0x2060, 0x2065)) + list(range(0x2066, 0x2070)) + [0xFEFF]]
)


def _split_dotted_honorifics(s):
    """1.1: `H.Budi` -> `h budi`, `Dr.Ir.Budi` -> `dr ir budi`: in the leading run of honorific
    tokens (separated by spaces or tabs), a dot right after one separates.
    AMBIG: only ASCII-letter honorifics, as the list is; the run stops at the first token
    that is not an honorific."""
    i, end, out = 0, 0, []
    while True:
        j = i
        while j < len(s) and s[j] in " \t":
            j += 1
        k = j
        while k < len(s) and s[k].isascii() and s[k].isalpha():
            k += 1
        if k == j or s[j:k].lower() not in HONORIFICS:
            break
        if k < len(s) and s[k] == ".":
            end = k + 1
            i = k + 1
        elif k < len(s) and s[k] in " \t":
            i = k
        else:
            break
    return s[:end].replace(".", " ") + s[end:]


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
    s = _split_dotted_honorifics(s)
    s = "".join(c for c in s if c not in _APOS_DOTS and c not in _FORMAT)
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
    # 1.1: older Indonesian spellings
    "pebruari": 2, "nopember": 11, "djanuari": 1, "djuni": 6, "djuli": 7,
    "peb": 2, "nop": 11, "agt": 8, "ags": 8, "sept": 9,
}
# 1.1: only an English name may come first (`June 16, 2022`).
ENGLISH_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
# 1.1: a leading weekday. AMBIG: Indonesian and English names and English 3-letter
# abbreviations, followed by a comma or whitespace.
WEEKDAYS = frozenset(
    "senin selasa rabu kamis jumat jum'at sabtu minggu ahad monday tuesday wednesday thursday "
    "friday saturday sunday mon tue wed thu fri sat sun".split()
)
# "mei" is both the full Indonesian name and its abbreviation; "may" likewise in English.

# AMBIG: DD and MM accept 1 or 2 digits ("1/7/1990", "1 Juli 1990"); YYYY exactly 4;
# YYYYMMDD exactly 8. Only ASCII digits. Surrounding whitespace is trimmed.
_D = r"([0-9]{1,2})"
_Y = r"([0-9]{4})"
_YMD = re.compile(_Y + r"([-/])" + _D + r"\2" + _D)
_DMY = re.compile(_D + r"([-/.])" + _D + r"\2" + _Y)
_COMPACT = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})")
_NAMED = re.compile(_D + r"[\s/.-]+([^\W\d_]+)[\s/.-]+" + _Y)
_MONTH_FIRST = re.compile(r"([^\W\d_]+)[\s,]+" + _D + r"[\s,]+" + _Y)
# 1.1: a day-first date, spaces, and a time with a one- or two-digit hour.
_TIME = r"[0-9]{1,2}:[0-9]{2}(:[0-9]{2})?([.,][0-9]+)?([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)?"
_DMY_TIME = re.compile(_D + r"([-/.])" + _D + r"\2" + _Y + r" +" + _TIME)
# AMBIG: ISO datetime = YYYY-MM-DD, then 'T' or a space, then HH:MM[:SS[.frac]] and an
# optional zone (Z, +HH, +HHMM, +HH:MM). The time is not validated beyond its shape.
_ISO_DT = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt ]" + _TIME)


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


def _parse_date(s):
    """One spelling, no comma rule. None when it is no date format."""
    w = re.match(r"([^\s,]+)[\s,]+", s)
    if w and w.group(1).lower() in WEEKDAYS:
        s = s[w.end():]
    m = _YMD.fullmatch(s)
    if m:
        return _mkdate(m.group(1), m.group(3), m.group(4))
    m = _DMY.fullmatch(s) or _DMY_TIME.fullmatch(s)
    if m:
        return _mkdate(m.group(4), m.group(3), m.group(1))
    m = _COMPACT.fullmatch(s)
    if m:
        return _mkdate(m.group(1), m.group(2), m.group(3))
    m = _NAMED.fullmatch(s)
    if m:
        # AMBIG: month names are ASCII case-insensitive, no trailing '.'.
        mon = MONTHS.get(m.group(2).lower()) if m.group(2).isascii() else None
        if mon is not None:
            return _mkdate(m.group(3), mon, m.group(1))
    m = _MONTH_FIRST.fullmatch(s)
    if m:
        mon = ENGLISH_MONTHS.get(m.group(1).lower()) if m.group(1).isascii() else None
        if mon is not None:
            return _mkdate(m.group(3), mon, m.group(2))
    m = _ISO_DT.fullmatch(s)
    if m:
        return _mkdate(m.group(1), m.group(2), m.group(3))
    return None


def normalize_dob(value):
    if is_absent(value):
        return ABSENT
    s = trim(value)
    # 1.1: the whole value, then the text after its first comma, then after its last comma
    # (`JAKARTA, 17-08-1945`).
    candidates = [s]
    if "," in s:
        candidates += [trim(s.split(",", 1)[1]), trim(s.rsplit(",", 1)[1])]
    for c in candidates:
        r = _parse_date(c)
        if r is not None:
            return r
    return INVALID("unrecognised date format")


MS_PER_DAY = 86400000


def dob_from_json_integer(text, epoch_only=False):
    """1.1: an integer in a JSON dob field: YYYYMMDD when 8 digits and a real date, else Unix
    milliseconds as a UTC date in 1900-01-01..2099-12-31 (epoch_only: a MongoDB $date)."""
    if not re.fullmatch(r"-?[0-9]+", text):
        return INVALID("not an integer")
    if not epoch_only and re.fullmatch(r"[0-9]{8}", text):
        r = _mkdate(text[:4], text[4:6], text[6:])
        if r.ok:
            return r
    import datetime
    days = int(text) // MS_PER_DAY
    d = datetime.date(1970, 1, 1)
    lo, hi = (datetime.date(1900, 1, 1) - d).days, (datetime.date(2099, 12, 31) - d).days
    if not lo <= days <= hi:
        return INVALID("outside 1900-01-01..2099-12-31")
    return OK((d + datetime.timedelta(days=days)).isoformat())


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
    assert nik_structurally_valid("3201016902010001")  # a woman born 29 February
    assert not nik_structurally_valid("3201013106900001")  # 31 June
    assert not nik_structurally_valid("3201013002900001")  # 30 February
    assert dob_from_json_integer("19900701") == OK("1990-07-01")
    assert dob_from_json_integer("646790400000") == OK("1990-07-01")
    assert dob_from_json_integer("19900701", epoch_only=True) == OK("1970-01-01")
    assert dob_from_json_integer("4102444800000").status == "invalid"
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
        # rules 1.1
        ("phone", "(0361) 8261-68 psw 123"): "+62361826168",
        ("phone", "6282136001878.0"): "+6282136001878",
        ("phone", "+62 849 1234 5678"): None,
        ("phone", "+62 805 1234 5678"): None,
        ("phone", "+62 812 3456 7"): None,
        ("phone", "+62 21 1234 567890"): None,
        ("email", "Budi <budi@x.com>"): "budi@x.com",
        ("email", "(j.setiawan@ugm.ac.id)"): "j.setiawan@ugm.ac.id",
        ("email", "x@y.com;"): "x@y.com",
        ("email", "info@xn--bcher-kva.de"): "info@b\u00fccher.de",
        ("email", "\uff42\uff55\uff44\uff49@\uff47\uff4d\uff41\uff49\uff4c.com"): "budi@gmail.com",
        ("name", "H.Budi Santoso"): "budi santoso",
        ("name", "Dr.Ir.Budi"): "budi",
        ("name", "Bu\u200ddi"): "budi",
        ("dob", "30/03/1970 00:00:00"): "1970-03-30",
        ("dob", "1/10/1971 0:00"): "1971-10-01",
        ("dob", "Kamis, 10 April 1967"): "1967-04-10",
        ("dob", "June 16, 2022"): "2022-06-16",
        ("dob", "17 Djuli 1945"): "1945-07-17",
        ("dob", "JAKARTA, 17-08-1945"): "1945-08-17",
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
