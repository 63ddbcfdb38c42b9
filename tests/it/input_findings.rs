//! Input-layer findings of issue 16 (session 10): `INSERT … SET` with MySQL escapes in a
//! statement that shows no dialect.

use crate::common;
use common::*;

const NIK: &str = "3201014107900001";

fn watch(s: &Scratch) -> std::path::PathBuf {
    s.write("watch.txt", format!("{NIK}\n"))
}

#[test]
fn insert_set_with_a_backslash_quote_and_no_backticks_is_checked() {
    // Regression: `nama = 'O\'Brien'` in an INSERT … SET without backticks was read with standard
    // strings, the statement was a bad record, and the run said CLEAR for the NIK beside it.
    let s = Scratch::new();
    let dump = s.write("pasien.sql", format!("INSERT INTO pasien SET nik = '{NIK}', nama = 'O\\'Brien';\n"));
    let out =
        leakcheck().arg("scan").arg("-f").arg("json").arg("-w").arg(watch(&s)).arg(&dump).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let report = json(&out.stdout);
    assert_eq!(report["summary"]["bad_records"], 0);
    assert_eq!(report["exposures"][0]["matched"], serde_json::json!(["nik"]));
}
