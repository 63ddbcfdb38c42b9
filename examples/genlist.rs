//! `genlist` — writes the synthetic CSV-of-people watchlist of `scripts/bench-index.sh`
//! (`id,nik,no_hp,email`, three identifiers a person, each person's own) to standard output or
//! a file, fast enough for 10⁸ people (≈ 6 GB) in well under a minute; with `--dump MB`, the
//! script's dump instead. std only: it builds as
//! `cargo run --release --features examples --example genlist -- N [OUT]` and with plain
//! `rustc -O`. Byte for byte what the script's former python generators
//! wrote: person `i` is `W{i}`, a valid NIK of province 32 made from `i`, phone
//! `08{1 + i / 10⁸}{i mod 10⁸, 8 digits}`, `p{i}@contoh.co.id`; dump record `r` is a person of
//! province 33 (no one on the list), except every 10 000th: one of the list's first 1 000 people.

use std::env;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::process;

const USAGE: &str = "usage: genlist PEOPLE [OUT]      the list of PEOPLE people
       genlist --dump MB [OUT]    a dump of MB MiB (its last record crosses the mark)
  OUT: a file; standard output when absent or -";

/// The NIK of person `i`: province 32, then regency, district, birth date, serial from `i`.
fn nik(i: u64) -> [u8; 16] {
    nik_in(b"32", i)
}

/// The NIK of person `i` of province `province`.
fn nik_in(province: &[u8; 2], i: u64) -> [u8; 16] {
    let serial = i % 9999 + 1;
    let mut q = i / 9999;
    let day = q % 28 + 1;
    q /= 28;
    let month = q % 12 + 1;
    q /= 12;
    let year = q % 100;
    q /= 100;
    let district = q % 99 + 1;
    q /= 99;
    let regency = q % 99 + 1;
    let mut out = *b"32000000000000000";
    let mut put = |at: usize, value: u64, width: usize| {
        let mut v = value;
        for k in (0..width).rev() {
            out[at + k] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    put(2, regency, 2);
    put(4, district, 2);
    put(6, day, 2);
    put(8, month, 2);
    put(10, year, 2);
    put(12, serial, 4);
    let mut nik = [0u8; 16];
    nik.copy_from_slice(&out[..16]);
    nik[..2].copy_from_slice(province);
    nik
}

/// The dump: `nik,nama,no_hp,email,alamat` records up to `mb` MiB.
fn write_dump(mb: u64, out: &mut dyn Write) -> io::Result<()> {
    let limit = mb << 20;
    out.write_all(b"nik,nama,no_hp,email,alamat\n")?;
    let (mut size, mut r) = (0u64, 0u64);
    let mut line = Vec::with_capacity(160);
    while size < limit {
        line.clear();
        // Province 33: no list person; every 10 000th record is one of the first 1 000 people.
        let nik = if r % 10_000 != 0 { nik_in(b"33", r) } else { nik_in(b"32", r / 10_000 % 1000) };
        line.extend_from_slice(&nik);
        writeln!(
            line,
            ",Pasien Nomor {r},0857{:08},pasien{r}@mail.id,Jl. Mawar No. {} RT 01 RW 02",
            r % 100_000_000,
            r % 500
        )?;
        out.write_all(&line)?;
        size += line.len() as u64;
        r += 1;
    }
    out.flush()
}

fn write_list(people: u64, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(b"id,nik,no_hp,email\n")?;
    let mut line = Vec::with_capacity(128);
    for i in 0..people {
        line.clear();
        write!(line, "W{i},")?;
        line.extend_from_slice(&nik(i));
        writeln!(line, ",08{}{:08},p{i}@contoh.co.id", 1 + i / 100_000_000, i % 100_000_000)?;
        out.write_all(&line)?;
    }
    out.flush()
}

fn main() {
    let mut args: Vec<String> = env::args().skip(1).collect();
    let dump = args.first().is_some_and(|a| a == "--dump");
    if dump {
        args.remove(0);
    }
    let count = match args.first().map(|a| a.parse::<u64>()) {
        Some(Ok(n)) if args.len() <= 2 => n,
        _ => {
            eprintln!("{USAGE}");
            process::exit(2);
        }
    };
    let write = |out: &mut dyn Write| if dump { write_dump(count, out) } else { write_list(count, out) };
    let result = match args.get(1).map(String::as_str) {
        None | Some("-") => write(&mut BufWriter::with_capacity(1 << 20, io::stdout().lock())),
        Some(path) => match File::create(path) {
            Ok(file) => write(&mut BufWriter::with_capacity(1 << 20, file)),
            Err(e) => {
                eprintln!("genlist: cannot create {path}: {e}");
                process::exit(1);
            }
        },
    };
    match result {
        Ok(()) => {}
        // `genlist 100000000 | head`: the reader is done, which is no failure.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
        Err(e) => {
            eprintln!("genlist: {e}");
            process::exit(1);
        }
    }
}
