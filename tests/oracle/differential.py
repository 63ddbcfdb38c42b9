#!/usr/bin/env python3
"""Differential test: `leakcheck normalize KIND VALUE...` (Rust) vs reference.py (Python).

    python3 differential.py [--bin PATH] [--seed N] [--count N] [--kinds nik,phone,...]
                            [--limit N] [--no-idempotence]

Generates deterministic (seeded) messy spellings of every identifier kind, plus every
non-comment line of the Big List of Naughty Strings as a value of every kind, runs them
through both implementations and prints each disagreement (kind, input repr, rust output,
python output) and a per-kind summary. Only valid/invalid/absent status and the canonical
string are compared (invalid reasons differ between implementations).

Also checks the SPEC §2 rule "Normalizing a canonical value again returns it unchanged"
for the Rust binary (its canonical outputs are fed back to it).

Exit status: 0 when no disagreement, 1 otherwise.
"""
import argparse
import os
import random
import subprocess
import sys
from collections import Counter, OrderedDict

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import reference as ref  # noqa: E402

DEFAULT_BIN = "/work/main/target/debug/leakcheck"
BLNS = "/work/shared/corpora/naughty-strings/blns.txt"
KINDS = ("nik", "phone", "email", "name", "dob", "name_dob")

FULLWIDTH = {c: chr(ord(c) + 0xFEE0) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.,-+@()"}


def fullwidth(s):
    return "".join(FULLWIDTH.get(c, "\u3000" if c == " " else c) for c in s)


def randcase(rng, s):
    r = rng.random()
    if r < 0.3:
        return s.upper()
    if r < 0.5:
        return s.lower()
    if r < 0.7:
        return s.title()
    return "".join(c.upper() if rng.random() < 0.5 else c.lower() for c in s)


def group(rng, digits, seps):
    """Insert separators between random-sized groups of digits."""
    out = []
    i = 0
    while i < len(digits):
        n = rng.randint(2, 5)
        out.append(digits[i:i + n])
        i += n
    sep = rng.choice(seps)
    if rng.random() < 0.2:
        return "".join(p + (rng.choice(seps) if k < len(out) - 1 else "") for k, p in enumerate(out))
    return sep.join(out)


# ----------------------------------------------------------------------------- nik

PROV = sorted(ref.PROVINCES)


def base_nik(rng):
    r = rng.random()
    prov = rng.choice(PROV) if r < 0.85 else rng.randint(0, 99)
    reg = rng.randint(1, 79) if rng.random() < 0.95 else 0
    dist = rng.randint(1, 40) if rng.random() < 0.95 else 0
    if rng.random() < 0.5:
        day = rng.randint(1, 31)
    elif rng.random() < 0.9:
        day = rng.randint(41, 71)
    else:
        day = rng.choice([0, 32, 40, 72, 99])
    mon = rng.randint(1, 12) if rng.random() < 0.95 else rng.choice([0, 13, 99])
    yr = rng.randint(0, 99)
    serial = rng.randint(1, 9999) if rng.random() < 0.95 else 0
    return "%02d%02d%02d%02d%02d%02d%04d" % (prov, reg, dist, day, mon, yr, serial)


def messy_nik(rng):
    n = base_nik(rng)
    k = rng.randrange(22)
    if k == 0:
        return n
    if k == 1:
        return " ".join([n[0:6], n[6:12], n[12:]])
    if k == 2:
        return ".".join([n[0:2], n[2:4], n[4:6], n[6:12], n[12:]])
    if k == 3:
        return "-".join([n[0:6], n[6:12], n[12:]])
    if k == 4:
        return "'" + n
    if k == 5:
        return n + ".0"
    if k == 6:
        return "'" + group(rng, n, [" ", ".", "-", "_"]) + rng.choice(["", ".0"])
    if k == 7:  # scientific notation (lost digits)
        return rng.choice(["%.5E", "%.6E", "%.15E", "%.5e", "%E"]) % float(n)
    if k == 8:
        return rng.choice(["  ", "\t", "\u00a0", " "]) + n + rng.choice(["  ", "\t", "\u00a0", "\r\n", ""])
    if k == 9:
        return n[:-1]  # 15 digits
    if k == 10:
        return n + str(rng.randint(0, 9))  # 17 digits
    if k == 11:
        return n + ".00"
    if k == 12:
        return "''" + n
    if k == 13:
        return n + "'"
    if k == 14:
        return fullwidth(n)
    if k == 15:
        return "NIK: " + n
    if k == 16:
        return n[:8] + rng.choice("OolI") + n[9:]
    if k == 17:
        return group(rng, n, [" ", ".", "-", "_", " - ", ". "])
    if k == 18:
        return n + ".0.0"
    if k == 19:
        return "+" + n
    if k == 20:
        return n[:15] + ".0"  # 15 digits + .0
    return "%d" % int(n) + ".0"  # leading zero lost


# ----------------------------------------------------------------------------- phone


def base_mobile(rng):
    prefix = rng.choice(["811", "812", "813", "821", "822", "852", "853", "855", "856", "857",
                         "858", "877", "878", "881", "895", "896", "897", "898", "899", "838"])
    return prefix + "".join(rng.choice("0123456789") for _ in range(rng.randint(5, 10)))


def spell_national(rng, nat):
    """nat = national number without trunk 0, e.g. 812345678."""
    k = rng.randrange(12)
    seps = [" ", "-", ".", "", " - "]
    body = group(rng, nat, seps) if rng.random() < 0.7 else nat
    if k == 0:
        return "0" + body
    if k == 1:
        return "+62" + rng.choice(["", " ", "-"]) + body
    if k == 2:
        return "62" + rng.choice(["", " ", "-"]) + body
    if k == 3:
        return body  # bare 8...
    if k == 4:
        return "0062" + rng.choice(["", " ", "-"]) + body
    if k == 5:
        return "+62" + rng.choice([" (0) ", "(0)", " 0", "-0-", " (0)"]) + body
    if k == 6:
        return "(+62) " + body
    if k == 7:
        return "(0" + nat[:3] + ") " + group(rng, nat[3:], seps)
    if k == 8:
        return "0062 (0) " + body
    if k == 9:
        return "62 (0) " + body
    if k == 10:
        return "+ 62 " + body
    return "'0" + body


def messy_single_phone(rng):
    r = rng.random()
    if r < 0.70:
        nat = base_mobile(rng)
    elif r < 0.80:  # landline: area code + number
        area = rng.choice(["21", "22", "24", "31", "61", "274", "361", "411"])
        nat = area + "".join(rng.choice("0123456789") for _ in range(rng.randint(5, 8)))
    elif r < 0.88:  # foreign
        cc = rng.choice(["1", "65", "60", "44", "61", "81", "86", "971", "966"])
        num = "".join(rng.choice("0123456789") for _ in range(rng.randint(4, 13)))
        return "+" + cc + rng.choice(["", " ", "-"]) + group(rng, num, [" ", "-", ""])
    else:  # weird lengths / garbage
        nat = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 16)))
    s = spell_national(rng, nat)
    if rng.random() < 0.15:
        ext = rng.choice(["ext", "ext.", "Ext", "EXT", "x", "X", "#", " ext ", " x", " #", "ext:"])
        s = s + rng.choice(["", " "]) + ext + str(rng.randint(1, 9999))
    if rng.random() < 0.05:
        s = rng.choice(["Telp: ", "HP ", "WA:", "Tel. ", "Fax ", "no "]) + s
    if rng.random() < 0.05:
        s = fullwidth(s)
    if rng.random() < 0.05:
        s = rng.choice([" ", "\t", "\u00a0"]) + s + rng.choice([" ", "\t", "\u00a0", "\n"])
    return s


def messy_phone(rng):
    if rng.random() < 0.75:
        return messy_single_phone(rng)
    n = rng.randint(2, 3)
    parts = [messy_single_phone(rng) for _ in range(n)]
    out = parts[0]
    for p in parts[1:]:
        out += rng.choice([",", ", ", ";", " ; ", "/", " / ", "|", " | ", " atau ", " ATAU ",
                           "atau", " Atau ", ",,", " , "]) + p
    if rng.random() < 0.1:
        out += rng.choice([",", ";", " /", "| "])
    return out


# ----------------------------------------------------------------------------- email

FIRST = ["budi", "siti", "agus", "dewi", "rizky", "putri", "ahmad", "nur", "eko", "sri",
         "wahyu", "indah", "andi", "ratna", "muhammad", "fitri", "joko", "ayu"]
LAST = ["santoso", "nurhaliza", "wijaya", "lestari", "saputra", "rahmawati", "hidayat",
        "kurniawan", "pratama", "setiawan", "susanti", "siregar", "nasution", "hutapea"]
DOMAINS = ["gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.id", "ymail.com",
           "hotmail.com", "outlook.com", "rs-sehat.go.id", "ui.ac.id", "telkom.net",
           "gmail.co.id", "mail.gmail.com", "GMAIL.COM", "GoogleMail.Com"]


def messy_email(rng):
    local = rng.choice(FIRST)
    k = rng.random()
    if k < 0.4:
        local += rng.choice([".", "_", "", "-"]) + rng.choice(LAST)
    if rng.random() < 0.3:
        local += str(rng.randint(1, 2024))
    if rng.random() < 0.25:
        local = ".".join(local[i:i + rng.randint(1, 4)] for i in range(0, len(local), 3))
    if rng.random() < 0.25:
        local += "+" + rng.choice(["promo", "tag", "bank", "x", "", "a+b", "1.2"])
    dom = rng.choice(DOMAINS)
    s = randcase(rng, local) + "@" + randcase(rng, dom)
    r = rng.random()
    if r < 0.08:
        s = "mailto:" + s
    elif r < 0.12:
        s = "MAILTO:" + s
    elif r < 0.2:
        s = "<" + s + ">"
    elif r < 0.26:
        s = '"' + s + '"'
    elif r < 0.30:
        s = "'" + s + "'"
    elif r < 0.33:
        s = "<mailto:" + s + ">"
    elif r < 0.36:
        s = "mailto:<" + s + ">"
    elif r < 0.38:
        s = '"<' + s + '>"'
    elif r < 0.40:
        s = "< " + s + " >"
    r = rng.random()
    if r < 0.1:
        s = rng.choice([" ", "\t", "\u00a0", "  "]) + s + rng.choice([" ", "\r\n", "\u00a0", ""])
    r = rng.random()
    if r < 0.12:  # broken ones
        bad = rng.randrange(10)
        if bad == 0:
            s = s.replace("@", "@@", 1)
        elif bad == 1:
            s = s.replace("@", "", 1)
        elif bad == 2:
            s = "@" + dom
        elif bad == 3:
            s = local + "@" + dom.replace(".", "")
        elif bad == 4:
            s = local + "@" + dom.replace(".", ". ", 1)
        elif bad == 5:
            s = local + " " + rng.choice(LAST) + "@" + dom
        elif bad == 6:
            s = local + "@" + dom + "@" + dom
        elif bad == 7:
            s = "+" + rng.choice(["tag", ""]) + "@gmail.com"
        elif bad == 8:
            s = "...@googlemail.com"
        else:
            s = local + "@"
    if rng.random() < 0.03:
        s = fullwidth(s)
    return s


# ----------------------------------------------------------------------------- name

TITLES = ["Dr.", "dr.", "DR", "Hj.", "H.", "H", "Prof.", "Prof", "Drs.", "Dra.", "Ir.", "Bpk.",
          "Bapak", "Ibu", "Sdr.", "Sdri.", "Tn.", "Ny.", "Nn.", "An.", "KH.", "Prof. Dr.",
          "Prof. Dr. Ir. H.", "dr", "Hj"]
DEGREES = ["S.Kom.", "S.Kom", "SKom", "S.H.", "SH", "S.E.", "SE", "S.T.", "ST", "S.Pd.", "S.Pd",
           "A.Md.", "Amd", "M.M.", "MM", "M.T.", "MT", "M.Kes.", "M.Kes", "S.Sos.", "S.Ked.",
           "S.IP.", "S.Si.", "M.Pd.", "MBA", "Sp.A", "Ph.D.", "S.Farm", "Lc."]
NAMEPARTS = ["Budi", "Santoso", "Siti", "Nurhaliza", "Muhammad", "Muh.", "M.", "Ma'ruf",
             "Ma’ruf", "Ma`ruf", "Nur'aini", "Sri", "Wahyuni", "Agus", "Setiawan", "Dewi",
             "Kartika", "I Gusti", "Ngurah", "Ni Luh", "Putu", "Made", "Sitorus", "Br. Ginting",
             "Abdul-Rahman", "Al-Fatih", "Siti-Aminah", "Ahmad", "Dahlan", "Teuku", "Cut",
             "Nyak", "Dhien", "Raden", "Ajeng", "Kartini", "Daeng", "Muhammad Ali", "Andi",
             "Tan", "Liem", "Soe", "Hok", "Gie", "Se", "St", "An", "Ny", "Ibu", "Hj", "SH"]
DIACRITIC = {"a": "áàâäãå", "e": "éèêë", "i": "íìîï", "o": "óòôöõ", "u": "úùûü", "n": "ñ", "c": "ç",
             "s": "š", "z": "ž"}


def messy_name(rng):
    parts = [rng.choice(NAMEPARTS) for _ in range(rng.randint(1, 4))]
    s = " ".join(parts)
    if rng.random() < 0.35:
        s = rng.choice(TITLES) + rng.choice([" ", " ", ""]) + s
    r = rng.random()
    if r < 0.2:
        degs = [rng.choice(DEGREES) for _ in range(rng.randint(1, 3))]
        s += ", " + ", ".join(degs)
    elif r < 0.35:
        degs = [rng.choice(DEGREES) for _ in range(rng.randint(1, 3))]
        s += " " + " ".join(degs)
    elif r < 0.4:
        s += "," + rng.choice(DEGREES)
    if rng.random() < 0.15:
        s = "".join(rng.choice(DIACRITIC[c]) if c in DIACRITIC and rng.random() < 0.3 else c for c in s)
    if rng.random() < 0.1:
        s = fullwidth(s)
    if rng.random() < 0.08:
        s += rng.choice([" 2", "123", " (alm)", " - ", " bin Ahmad", " binti Abdullah", "_01", " #3"])
    if rng.random() < 0.05:
        s = rng.choice(["  ", "\t", "\u00a0"]) + s.replace(" ", rng.choice(["  ", "\t", " \u00a0 "])) + " "
    if rng.random() < 0.05:
        s = unicodedata_nfd(s)
    return randcase(rng, s) if rng.random() < 0.5 else s


def unicodedata_nfd(s):
    import unicodedata
    return unicodedata.normalize("NFD", s)


# ----------------------------------------------------------------------------- dob

ID_MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
             "September", "Oktober", "November", "Desember"]
EN_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December"]
ID_ABBR = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]
EN_ABBR = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
ODD_MONTHS = ["Pebruari", "Agt", "Ags", "Sept", "Nop", "Nopember", "Okt.", "Agu.", "Juli,",
              "Dezember", "Mars", "Augustus"]


def messy_dob(rng):
    y = rng.choice([rng.randint(1930, 2024), rng.randint(1930, 2024), rng.choice([1900, 2000, 2100, 1600, 1, 0, 9999])])
    m = rng.randint(1, 12) if rng.random() < 0.93 else rng.choice([0, 13, 99])
    d = rng.randint(1, 28) if rng.random() < 0.6 else rng.choice([29, 30, 31, 0, 32])
    k = rng.randrange(20)
    pad = rng.random() < 0.8
    dd = "%02d" % d if pad else str(d)
    mm = "%02d" % m if pad else str(m)
    yyyy = "%04d" % y
    if k == 0:
        s = "%s-%s-%s" % (yyyy, mm, dd)
    elif k == 1:
        s = "%s/%s/%s" % (yyyy, mm, dd)
    elif k == 2:
        s = "%s-%s-%s" % (dd, mm, yyyy)
    elif k == 3:
        s = "%s/%s/%s" % (dd, mm, yyyy)
    elif k == 4:
        s = "%s.%s.%s" % (dd, mm, yyyy)
    elif k == 5:
        s = "%04d%02d%02d" % (y, m, d)
    elif k in (6, 7, 8, 9):
        names = [ID_MONTHS, EN_MONTHS, ID_ABBR, EN_ABBR][k - 6]
        mon = names[(m - 1) % 12]
        s = "%s %s %s" % (dd, randcase(rng, mon) if rng.random() < 0.4 else mon, yyyy)
    elif k == 10:
        s = "%s-%s-%sT%02d:%02d:%02d" % (yyyy, mm, dd, rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59))
        s += rng.choice(["", "Z", "+07:00", ".000Z", ".123456", "+0700", "-05:00"])
    elif k == 11:
        s = "%s-%s-%s %02d:%02d:%02d" % (yyyy, mm, dd, rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59))
    elif k == 12:
        s = "%s %s %s" % (dd, rng.choice(ODD_MONTHS), yyyy)
    elif k == 13:  # two-digit years, US order, mixed separators
        s = rng.choice(["%s/%s/%02d" % (dd, mm, y % 100), "%s-%s/%s" % (dd, mm, yyyy),
                        "%s %s %s" % (dd, mm, yyyy), "%s%s%s" % (dd, mm, yyyy),
                        "%s-%s-%s" % (yyyy, dd, mm)])
    elif k == 14:
        s = "%s %s, %s" % (rng.choice(EN_MONTHS), d, yyyy)
    elif k == 15:
        s = "%s-%s-%s" % (dd, rng.choice(ID_ABBR + EN_ABBR), yyyy)
    elif k == 16:
        s = "%s-%s-%sT%02d:%02d" % (yyyy, mm, dd, rng.randint(0, 23), rng.randint(0, 59))
    elif k == 17:
        s = "%s  %s\t%s" % (dd, rng.choice(ID_MONTHS), yyyy)
    elif k == 18:
        s = fullwidth("%s-%s-%s" % (yyyy, mm, dd))
    else:
        s = rng.choice(["%s-%s-%s 00:00:00.000" % (yyyy, mm, dd), "%s%s%sT000000" % (yyyy, mm, dd),
                        "%s/%s/%s 10:00" % (dd, mm, yyyy), "%s-%s-%s" % (yyyy[2:], mm, dd)])
    if rng.random() < 0.1:
        s = rng.choice([" ", "\t", "\u00a0"]) + s + rng.choice([" ", "\n", ""])
    return s


def messy_name_dob(rng):
    return messy_name(rng) + rng.choice(["|", "|", " | "]) + messy_dob(rng)


GENERATORS = {
    "nik": messy_nik,
    "phone": messy_phone,
    "email": messy_email,
    "name": messy_name,
    "dob": messy_dob,
    "name_dob": messy_name_dob,
}

# Hand-written edge cases, per kind.
EXTRA = {
    "nik": ["3201014107900001.-0", "3201014107900001'", "3201/0141/0790/0001", "' 3201014107900001", "320101410790000.1.0", "3201014107900001", "'3201014107900001", "3201014107900001.0", "'3201014107900001.0",
            "3.20101E+15", "3,20101E+15", "320101410790000", "3201 0141 0790 0001", "3201-01-410790-0001",
            "3201_0141_0790_0001", "3201.014107.900001", "32010141079000.01", "", " ", "\t", "NULL", "\\N",
            "null", "-", "0", "0000000000000000", "''3201014107900001", "3201014107900001.0.0",
            "3201014107900001.00", "3201014107900001,0", "32010141079000010", "٣٢٠١٠١٤١٠٧٩٠٠٠٠١",
            "3201014107900001\u200b", "\u00a03201014107900001\u00a0", "3201014107900001\n", "+3201014107900001",
            "3201014107900001 .0", "3201014107900001. 0", "3201014107900001.0 ", "'3201014107900001'"],
    "phone": ["Telex 021-5551234", "Telp/Fax 021-5551234", "0812345678x", "+62 812-3456-7890 #", "Mobile: 0812-3456-7890", "+62 00812345678", "0 0812345678", "0812+345678", "+6281234567890", "081234567890", "0812-3456-7890", "+62 812 3456 7890", "62 812 3456 7890",
              "6281234567890", "81234567890", "812345678", "8123456789012", "0062 812 3456 7890",
              "+62 (0) 812 3456 7890", "+62(0)81234567890", "0062(0)81234567890", "62(0)81234567890",
              "0812-3456-7890 ext 12", "0812-3456-7890 x12", "0812-3456-7890#12", "0812 3456 7890 EXT. 5",
              "0812345678, 0813-1111-2222", "0812345678;0813-1111-2222", "0812345678/0813-1111-2222",
              "0812345678|0813-1111-2222", "0812345678 atau 0813-1111-2222", "0812345678 ATAU 08131111222",
              "0812345678atau08131111222", "0812345678,", ",0812345678", ",", " , ", "atau", "", " ",
              "NULL", "-", "+1 (555) 123-4567", "+65 9123 4567", "+44 20 7946 0958", "+1234567",
              "+12345678", "+123456789012345", "+1234567890123456", "+0062812345678", "+062812345678",
              "+620812345678", "+6200812345678", "+62812345", "+628123456", "+62 21 555 1234",
              "(021) 555-1234", "021-5551234", "0215551234", "62812345678", "6281234567", "621234567890",
              "628123456789012", "6281234567890123", "00812345678", "0812", "08", "0", "8", "+62",
              "+", "++6281234567890", "+ 62 812 3456 7890", "62+81234567890", "(+62) 812-3456-7890",
              "Telp: 0812-3456-7890", "HP/WA 0812-3456-7890", "Fax: 021-5551234", "0812.3456.7890",
              "'081234567890", "081234567890.0", "8.1234567890E+10", "０８１２３４５６７８９０",
              "+62 812 3456 7890 ext", "x0812345678", "#0812345678", "0812345678 x", "0812-3456-7890 Ext12",
              "0812 3456 7890 (kantor)", "0812 3456 7890 (rumah)", "+62-812-3456-7890 / +62-813-1111-2222",
              "0812345678 // 0813-1111-2222", "0812345678 / / 0813", "0812345678 dan 0813-1111-2222",
              "0812345678 or 0813-1111-2222", "0812345678\n0813-1111-2222", "0812345678 & 08131111222"],
    "email": ["ΟΔΥΣΣΕΥΣ@x.com", "«budi@x.com»", "<<budi@x.com>>", "mailto: budi@x.com", ".b.@gmail.com", "budisantoso@gmail.com", "Budi.Santoso+promo@GMAIL.com", "budi.santoso@googlemail.com",
              "mailto:budi@example.com", "MAILTO:budi@example.com", "<budi@example.com>", "\"budi@example.com\"",
              "'budi@example.com'", "<mailto:budi@example.com>", "mailto:<budi@example.com>",
              "\"<budi@example.com>\"", "< budi@example.com >", " budi@example.com ", "budi@@example.com",
              "budi@example", "@example.com", "budi@", "budi@exa mple.com", "bu di@example.com",
              "budi@example.com.", "budi@.", "a@b.c", "+@gmail.com", "+tag@gmail.com", "...@gmail.com",
              ".@googlemail.com", "b.u.d.i@gmail.com", "budi+a+b@gmail.com", "budi+x@yahoo.com",
              "budi.s@yahoo.co.id", "BUDI@GMAIL.COM", "budi@gmail.com.", "budi@mail.gmail.com",
              "budi@gmail.co.id", "\"budi\"@example.com", "budi@example.com>", "<budi@example.com",
              "mailto:", "mailto:mailto:budi@example.com", "", " ", "NULL", "budi@例え.jp", "ＢＵＤＩ＠ｇｍａｉｌ．ｃｏｍ",
              "Budi <budi@example.com>", "budi@example.com, siti@example.com", "budi@example.com\t",
              "budi\t@example.com", "budi@ex\u00a0ample.com", "İstanbul@example.com", "ΣΑΣ@example.com",
              "budi@EXAMPLE.COM", "mailto:Budi.Santoso@GoogleMail.COM", "'\"budi@example.com\"'"],
    "name": ["ΟΔΥΣΣΕΥΣ", "देवनागरी", "Budi ʼ", "Budi S. E.", "A.N. Budi", "Dr.dr. Budi", "Siti Nurhaliza", "siti nurhaliza", "Hj. Siti Nurhaliza, S.Kom., M.T.", "Dr. Budi Santoso",
             "Budi Santoso S.Kom", "Budi Santoso SKom MT", "Ma'ruf Amin", "Ma’ruf", "Ma`ruf", "Muh. Ali",
             "Prof. Dr. Ir. H. Ahmad", "H", "Hj.", "Dr.", "S.Kom", "Budi, S.Kom", ", Budi", "José Núñez",
             "ＢＵＤＩ　ＳＡＮＴＯＳＯ", "Budi2", "Budi-Santoso", "Al-Fatih", "Budi_Santoso", "O'Neil", "", " ",
             "NULL", "123", "---", "An Nisa", "An", "Se", "Budi Se", "Ibu Siti", "Ibu", "Bapak Budi SH",
             "Tn. Budi SH MH", "Budi S.H., M.H.", "ﬁrman", "Ⅻ Budi", "Budi™", "Dž", "ǅemal", "Straße",
             "İlker", "ΣΟΦΙΑ", "Ñoño", "Nguyễn Văn Ả", "عبد الله", "张伟", "한국어", "Łukasz", "Øystein",
             "Æsa", "ð", "ı", "Budi\u200bSantoso", "Budi\u00adSantoso", "Budi·Santoso", "Budi。Santoso",
             "Budi．Santoso", "Budi，S.Kom", "Budi،Santoso", "Budi‘Santoso", "Budi´Santoso", "Budi\u0301",
             "\u0301Budi", "Budi\u20ddx", "〇Budi", "Budiⓐ", "Budi\U0001F600Santoso", "h budi", "H.Budi",
             "Hj.Siti", "dr.Budi", "Drs.Budi,M.M.", "Budi S.Pd.I", "Budi S.Pd.SD", "Budi A.Md.Kep"],
    "dob": ["1990-07-01 10:00:00 WIB", "01/07/1990 10:00", "01-07-1990T10:00", "1990/07/01 10:00", "17/Agu/1945", "17.Agu.1945", "17 Juli. 1945", "1990-07-01T25:99", "17 Dez 1945", "1990-07-01", "1990/07/01", "01-07-1990", "01/07/1990", "01.07.1990", "19900701",
            "1 Juli 1990", "01 Juli 1990", "1 July 1990", "1 Jul 1990", "17 Agustus 1945", "17 Agu 1945",
            "17 Aug 1945", "17 agustus 1945", "17 AGUSTUS 1945", "17 Mei 1945", "17 May 1945",
            "17 Okt 1945", "17 Oct 1945", "17 Des 1945", "17 Dec 1945", "17 Sept 1945", "17 Agt 1945",
            "17 Pebruari 1945", "17 Nopember 1945", "1990-07-01T10:20:30", "1990-07-01T10:20:30Z",
            "1990-07-01T10:20:30+07:00", "1990-07-01T10:20:30.123Z", "1990-07-01 10:20:30",
            "1990-07-01T10:20", "1990-07-01T", "1990-07-01Tgarbage", "29-02-2000", "29-02-1900",
            "29-02-2004", "29-02-2001", "31-04-1990", "30-02-1990", "00-01-1990", "01-00-1990",
            "01-13-1990", "32-01-1990", "0000-01-01", "0001-01-01", "9999-12-31", "1-7-1990", "1/7/1990",
            "1990-7-1", "01/07/90", "07/31/1990", "1990-31-07", "1990.07.01", "01-07/1990", "01 07 1990",
            "01071990", "199007010", "1990070", "", " ", "NULL", "17 Agustus 1945 ", " 17 Agustus 1945",
            "17  Agustus  1945", "17-Agu-1945", "17 Agu. 1945", "Agustus 17, 1945", "17 Agustus '45",
            "１９９０-０７-０１", "1990-07-01\n", "٢٠٠٠-٠١-٠١", "+1990-07-01", "-1990-07-01", "1990--07-01"],
    "name_dob": ["Siti Nurhaliza|1990-07-01", "siti nurhaliza|1990-07-01", "Hj. Siti Nurhaliza, S.Kom|01/07/1990",
                 "Siti|Nurhaliza|1990-07-01", "Siti Nurhaliza|", "|1990-07-01", "Siti Nurhaliza", "",
                 "Siti Nurhaliza | 1 Juli 1990", "Dr.|1990-07-01", "Siti Nurhaliza|31-02-1990"],
}


def blns_lines():
    out = []
    with open(BLNS, encoding="utf-8", errors="surrogateescape") as f:
        for line in f.read().split("\n"):
            if line.startswith("#"):
                continue
            if "\x00" in line:
                continue
            try:
                line.encode("utf-8")
            except UnicodeEncodeError:
                continue
            out.append(line)
    return out


# ----------------------------------------------------------------------------- running


def argv_ok(v):
    return "\x00" not in v


def run_rust_batch(binary, kind, values):
    p = subprocess.run([binary, "normalize", kind, "--"] + values, capture_output=True)
    out = p.stdout.decode("utf-8", errors="replace")
    return p.returncode, out, p.stderr.decode("utf-8", errors="replace")


def run_rust(binary, kind, values, batch=200):
    """Returns list of (raw output string or None on crash, stderr)."""
    results = [None] * len(values)
    idx_batched = [i for i, v in enumerate(values) if "\n" not in v and "\r" not in v
                   and "\u2028" not in v and "\u2029" not in v and "\x85" not in v]
    single = sorted(set(range(len(values))) - set(idx_batched))
    for start in range(0, len(idx_batched), batch):
        idxs = idx_batched[start:start + batch]
        rc, out, err = run_rust_batch(binary, kind, [values[i] for i in idxs])
        lines = out.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        if len(lines) == len(idxs) and "panicked" not in err:
            for i, l in zip(idxs, lines):
                results[i] = (l, "")
        else:
            single.extend(idxs)
    for i in sorted(single):
        rc, out, err = run_rust_batch(binary, kind, [values[i]])
        if out.endswith("\n"):
            out = out[:-1]
        if "panicked" in err or rc >= 101 or rc < 0:
            results[i] = (None, "CRASH rc=%d: %s" % (rc, err.strip()[:300]))
        else:
            results[i] = (out, err.strip()[:300])
    return results


def classify_rust(line):
    """-> ('ok', canonical) | ('invalid', None) | ('absent', None) | ('crash', msg)"""
    if line is None:
        return ("crash", None)
    t = line.strip()
    if t.startswith("invalid"):
        return ("invalid", None)
    if t == "" or t.startswith("absent") or t.startswith("(absent") or t.startswith("skipped") \
            or t.startswith("(skipped") or t.startswith("empty") or t.startswith("(empty"):
        return ("absent", None)
    return ("ok", line)


def classify_py(kind, value):
    r = ref.normalize(kind, value)
    return (r.status, r.value if r.ok else None), r.line()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=DEFAULT_BIN)
    ap.add_argument("--seed", type=int, default=20240817)
    ap.add_argument("--count", type=int, default=3000, help="generated values per kind")
    ap.add_argument("--kinds", default=",".join(KINDS))
    ap.add_argument("--limit", type=int, default=0, help="print at most N disagreements per kind (0 = all)")
    ap.add_argument("--no-blns", action="store_true")
    ap.add_argument("--no-idempotence", action="store_true")
    ap.add_argument("--report-absent", action="store_true",
                    help="also report absent-vs-invalid differences (the Rust `normalize` command "
                         "prints `invalid: ...` for absent values, so these are hidden by default)")
    args = ap.parse_args()

    ref.self_test()
    if not os.path.exists(args.bin):
        print("binary not found: %s" % args.bin, file=sys.stderr)
        return 2

    kinds = [k for k in args.kinds.split(",") if k]
    blns = [] if args.no_blns else blns_lines()
    summary = OrderedDict()
    total_dis = 0
    for kind in kinds:
        rng = random.Random("%d:%s" % (args.seed, kind))
        values = list(EXTRA.get(kind, []))
        values += [GENERATORS[kind](rng) for _ in range(args.count)]
        sources = ["extra"] * len(EXTRA.get(kind, [])) + ["gen"] * args.count
        values += blns
        sources += ["blns"] * len(blns)
        # dedupe, keep order
        seen = set()
        vv, ss = [], []
        for v, s in zip(values, sources):
            if v in seen or not argv_ok(v):
                continue
            seen.add(v)
            vv.append(v)
            ss.append(s)
        values, sources = vv, ss

        rust = run_rust(args.bin, kind, values)
        dis = []
        crashes = 0
        for v, src, (rout, rerr) in zip(values, sources, rust):
            rc = classify_rust(rout)
            pc, pline = classify_py(kind, v)
            if rc[0] == "crash":
                crashes += 1
                dis.append((src, v, "CRASH " + rerr, pline))
                continue
            if rc == pc:
                continue
            if not args.report_absent and {rc[0], pc[0]} == {"absent", "invalid"}:
                continue
            dis.append((src, v, rout, pline))
        n_shown = 0
        print("=" * 78)
        print("kind %s: %d values, %d disagreements%s" % (kind, len(values), len(dis),
                                                        (", %d crashes" % crashes) if crashes else ""))
        for src, v, rout, pline in dis:
            if args.limit and n_shown >= args.limit:
                break
            n_shown += 1
            print("  [%s] %s input=%r\n      rust:   %r\n      python: %r" % (kind, src, v, rout, pline))
        if args.limit and len(dis) > n_shown:
            print("  ... %d more" % (len(dis) - n_shown))

        idem = []
        if not args.no_idempotence:
            canon = []
            for (rout, _), v in zip(rust, values):
                c = classify_rust(rout)
                if c[0] == "ok" and c[1] not in canon:
                    canon.append(c[1])
            if kind == "phone":  # each part of a multi-phone field is a canonical value
                parts = []
                for c in canon:
                    for p in c.split(", "):
                        if p not in parts:
                            parts.append(p)
                canon = parts
            again = run_rust(args.bin, kind, canon)
            for c, (r2, _) in zip(canon, again):
                if r2 != c:
                    idem.append((c, r2))
            print("  idempotence (rust): %d canonical outputs re-normalized, %d changed" % (len(canon), len(idem)))
            for c, r2 in idem[: (args.limit or len(idem))]:
                print("    [%s] canonical=%r  -> rust again: %r" % (kind, c, r2))
        summary[kind] = (len(values), len(dis), crashes, len(idem))
        total_dis += len(dis)

    print("=" * 78)
    print("SUMMARY")
    print("  %-9s %8s %14s %8s %12s" % ("kind", "values", "disagreements", "crashes", "non-idempot"))
    for kind, (n, d, c, i) in summary.items():
        print("  %-9s %8d %14d %8d %12d" % (kind, n, d, c, i))
    return 1 if total_dis else 0


if __name__ == "__main__":
    sys.exit(main())
