//! `leakcheck report notify` (SPEC §11) on the demo: letters, recipients and the authority
//! summary, the incident file's errors, label joins, the output directory's safety.

use crate::common;

use common::{Scratch, fixture, leakcheck};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// Scans the demo with `watch` (names under fixtures/demo) into `dir/scan.json`, inputs named
/// relative to the demo directory so that the snapshots do not hold a machine's paths.
fn scan_demo(s: &Scratch, watch: &[&str]) -> PathBuf {
    let report = s.path("scan.json");
    let mut cmd = leakcheck();
    cmd.current_dir(fixture("demo")).args([
        "scan",
        "pasien.csv",
        "--format",
        "json",
        "--as-of",
        "2026-12-05",
    ]);
    for w in watch {
        cmd.args(["--watch", w]);
    }
    cmd.arg("-o").arg(&report).assert().code(1);
    report
}

fn notify(report: &Path, watch: &[PathBuf], out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    // Run beside the report, named by its file name: the summary names it as given.
    let mut cmd = leakcheck();
    cmd.current_dir(report.parent().unwrap()).args(["report", "notify"]).arg(report.file_name().unwrap());
    for w in watch {
        cmd.arg("--watch").arg(w);
    }
    cmd.arg("--incident").arg(fixture("demo/incident.toml")).arg("-o").arg(out).args(extra).assert()
}

fn read(path: PathBuf) -> String {
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn letters(out: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(out.join("letters"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn the_demo_gets_one_letter_per_exposed_person_and_counts_that_match_the_report() {
    let s = Scratch::new();
    let report = scan_demo(&s, &["watchlist.csv"]);
    let out = s.path("notice");
    notify(&report, &[fixture("demo/watchlist.csv")], &out, &[]).code(0);
    let scan: serde_json::Value = serde_json::from_str(&read(report)).unwrap();
    let mut exposed: Vec<String> = scan["exposures"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["confidence"] == "exposed")
        .map(|e| format!("{}.md", e["watch"].as_str().unwrap()))
        .collect();
    exposed.dedup();
    exposed.sort();
    assert_eq!(letters(&out), exposed);
    let authority = read(out.join("authority.md"));
    let records = scan["summary"]["exposed_records"].as_u64().unwrap();
    assert!(authority.contains(&format!("Catatan yang memuat data terungkap: {records}\n")), "{authority}");
    assert!(authority.contains(&format!("| NIK | {} |", scan["summary"]["by_kind"]["nik"])), "{authority}");
    insta::assert_snapshot!("notify_demo_letter_id", read(out.join("letters/P-003.md")));
    insta::assert_snapshot!("notify_demo_recipients", read(out.join("recipients.csv")));
    insta::assert_snapshot!("notify_demo_authority_id", authority);
}

#[test]
fn english_letters_and_summary_with_lang_en() {
    let s = Scratch::new();
    let report = scan_demo(&s, &["watchlist.csv"]);
    let out = s.path("notice");
    notify(&report, &[fixture("demo/watchlist.csv")], &out, &["--lang", "en"]).code(0);
    insta::assert_snapshot!("notify_demo_letter_en", read(out.join("letters/P-003.md")));
    insta::assert_snapshot!("notify_demo_authority_en", read(out.join("authority.md")));
}

#[test]
fn the_directory_is_the_owners_only() {
    let s = Scratch::new();
    let report = scan_demo(&s, &["watchlist.csv"]);
    let out = s.path("notice");
    notify(&report, &[fixture("demo/watchlist.csv")], &out, &[]).code(0);
    let mode = |p: PathBuf| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(out.clone()), 0o700);
    assert_eq!(mode(out.join("letters")), 0o700);
    assert_eq!(mode(out.join("recipients.csv")), 0o600);
    assert_eq!(mode(out.join("authority.md")), 0o600);
    assert_eq!(mode(out.join("letters/P-001.md")), 0o600);
    // Nothing was left beside it.
    let beside: Vec<_> = std::fs::read_dir(s.dir()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(beside.len(), 2, "{beside:?}");
}

#[test]
fn a_hashed_watchlist_gives_letters_and_recipients_by_label_only_and_says_so() {
    let s = Scratch::new();
    let report = scan_demo(&s, &["watchlist.csv"]);
    let hashed = s.path("hashed.jsonl");
    leakcheck().args(["hash"]).arg(fixture("demo/watchlist.csv")).arg("-o").arg(&hashed).assert().code(0);
    let out = s.path("notice");
    notify(&report, &[hashed], &out, &[]).code(0);
    let recipients = read(out.join("recipients.csv"));
    assert!(recipients.lines().nth(1).unwrap().starts_with("P-001,,,,letters/P-001.md"), "{recipients}");
    assert!(!recipients.contains("Agus"), "{recipients}");
    let letter = read(out.join("letters/P-003.md"));
    assert!(letter.contains("label **P-003**") && !letter.contains("Hendra"), "{letter}");
    assert!(read(out.join("authority.md")).contains("daftar pantau berbentuk hash"));
}

#[test]
fn several_watchlists_join_by_their_prefixed_labels_and_a_wrong_list_is_refused() {
    let s = Scratch::new();
    let report = scan_demo(&s, &["watchlist.csv", "watchlist.txt"]);
    let lists = [fixture("demo/watchlist.csv"), fixture("demo/watchlist.txt")];
    let out = s.path("notice");
    notify(&report, &lists, &out, &[]).code(0);
    let names = letters(&out);
    assert!(names.contains(&"watchlist_P-001.md".to_string()), "{names:?}");
    assert!(names.iter().any(|n| n.starts_with("watchlist_2_L")), "{names:?}");
    // Two lists with one stem: `watchlist:` and `watchlist#2:` (SPEC §4 1.1), `#` written `_`.
    // One list only: the report's `watchlist:P-001` labels are not its labels.
    let err = notify(&report, &lists[..1], &s.path("other"), &[]).code(2).get_output().stderr.clone();
    let err = String::from_utf8(err).unwrap();
    assert!(err.contains("is in none of the --watch lists") && err.lines().count() == 1, "{err}");
    assert!(!s.path("other").exists());
}

#[test]
fn a_missing_incident_key_is_one_line_naming_file_and_key_and_writes_nothing() {
    let s = Scratch::new();
    let report = scan_demo(&s, &["watchlist.csv"]);
    let incident = s.write(
        "incident.toml",
        read(fixture("demo/incident.toml"))
            .lines()
            .filter(|l| !l.starts_with("actions"))
            .collect::<Vec<_>>()
            .join("\n"),
    );
    let out = s.path("notice");
    let assert = leakcheck()
        .args(["report", "notify"])
        .arg(&report)
        .arg("--watch")
        .arg(fixture("demo/watchlist.csv"))
        .arg("--incident")
        .arg(&incident)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(2);
    let err = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(err.contains("incident.toml: the key `actions` is missing") && err.lines().count() == 1, "{err}");
    assert!(!out.exists());
}

#[test]
fn a_non_empty_directory_is_refused_and_force_replaces_only_what_notify_writes() {
    let s = Scratch::new();
    let report = scan_demo(&s, &["watchlist.csv"]);
    let out = s.path("notice");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("mine.txt"), "keep me").unwrap();
    let err =
        notify(&report, &[fixture("demo/watchlist.csv")], &out, &[]).code(2).get_output().stderr.clone();
    assert!(String::from_utf8(err).unwrap().contains("not empty"));
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1);
    // A letter of an earlier run for someone no longer exposed, and a symbolic link where
    // authority.md goes: the first is removed, the second replaced, its target untouched.
    std::fs::create_dir(out.join("letters")).unwrap();
    std::fs::write(out.join("letters/P-099.md"), "old").unwrap();
    std::fs::write(out.join(".leakcheck-notify"), "letters/P-099.md\nmine.txt\n../outside\n").unwrap();
    let target = s.write("target.txt", "not yours");
    std::os::unix::fs::symlink(&target, out.join("authority.md")).unwrap();
    notify(&report, &[fixture("demo/watchlist.csv")], &out, &["--force"]).code(0);
    assert_eq!(read(out.join("mine.txt")), "keep me");
    assert_eq!(read(target), "not yours");
    assert!(!std::fs::symlink_metadata(out.join("authority.md")).unwrap().file_type().is_symlink());
    assert!(!out.join("letters/P-099.md").exists());
    assert!(out.join("letters/P-001.md").exists());
}

#[test]
fn a_symbolic_link_as_the_directory_is_refused() {
    let s = Scratch::new();
    let report = scan_demo(&s, &["watchlist.csv"]);
    std::fs::create_dir(s.path("real")).unwrap();
    std::os::unix::fs::symlink(s.path("real"), s.path("link")).unwrap();
    notify(&report, &[fixture("demo/watchlist.csv")], &s.path("link"), &["--force"]).code(2);
    assert_eq!(std::fs::read_dir(s.path("real")).unwrap().count(), 0);
}

#[test]
fn a_custom_template_replaces_the_letter_and_an_unknown_variable_is_an_error() {
    let s = Scratch::new();
    let report = scan_demo(&s, &["watchlist.csv"]);
    let template = s.write(
        "t.md",
        "{{ person.label }}|{{ person.name }}|{{ person.kind_codes | join('+') }}|{{ incident.name }}|{{ lang }}\n",
    );
    let out = s.path("notice");
    let t = template.to_str().unwrap();
    notify(&report, &[fixture("demo/watchlist.csv")], &out, &["--template", t]).code(0);
    assert_eq!(
        read(out.join("letters/P-001.md")),
        "P-001|Agus Salim Pratama|nik|Kebocoran data pasien RS Sehat Sentosa, Desember 2026|id\n"
    );
    let typo = s.write("typo.md", "Dear {{ person.nama }}\n");
    let out = s.path("notice2");
    let err =
        notify(&report, &[fixture("demo/watchlist.csv")], &out, &["--template", typo.to_str().unwrap()])
            .code(2)
            .get_output()
            .stderr
            .clone();
    let err = String::from_utf8(err).unwrap();
    assert!(err.contains("typo.md:1") && err.lines().count() == 1, "{err}");
    assert!(!out.exists());
}

#[test]
fn a_label_two_watchlist_rows_share_is_refused_so_no_letter_goes_to_the_wrong_person() {
    let s = Scratch::new();
    let watch = s.path("dupw.csv");
    std::fs::write(
        &watch,
        "id,nik,nama,tgl_lahir,no_hp,email\n\
         P-001,3174051203880003,Agus Salim Pratama,1988-03-12,,agus@example.com\n\
         P-001,3201014107900003,Budi Santoso,1990-07-01,,budi@example.com\n",
    )
    .unwrap();
    let dump = s.path("dump.csv");
    std::fs::write(&dump, "nik,nama\n3174051203880003,Agus Salim Pratama\n").unwrap();
    let report = s.path("dup.json");
    leakcheck()
        .args(["scan", "--format", "json", "--watch"])
        .arg(&watch)
        .arg("-o")
        .arg(&report)
        .arg(&dump)
        .assert()
        .code(1);
    let out = s.path("nout");
    let done = notify(&report, &[watch], &out, &[]).code(2);
    let stderr = String::from_utf8_lossy(&done.get_output().stderr).into_owned();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("dupw.csv:2,3"), "{stderr}");
    assert!(stderr.contains("\"P-001\""), "{stderr}");
    for value in ["Agus", "Budi", "agus@", "budi@", "3174051203880003"] {
        assert!(!stderr.contains(value), "{value} in {stderr}");
    }
    assert!(!out.join("recipients.csv").exists() && !out.join("letters").exists());
}

#[test]
fn a_template_error_names_the_file_line_and_kind_never_a_persons_name_or_email() {
    let s = Scratch::new();
    let report = scan_demo(&s, &["watchlist.csv"]);
    for (file, text) in [
        ("t_email.md", "{% if person.email %}{% include person.email %}{% endif %}\n"),
        ("t_name.md", "{% include person.name %}\n"),
    ] {
        let template = s.write(file, text);
        let out = s.path(&format!("out-{file}"));
        let done = notify(
            &report,
            &[fixture("demo/watchlist.csv")],
            &out,
            &["--template", template.to_str().unwrap()],
        )
        .code(2);
        let err = String::from_utf8_lossy(&done.get_output().stderr).into_owned();
        assert!(err.contains(&format!("{file}:1: template not found")) && err.lines().count() == 1, "{err}");
        assert!(!err.contains('@') && !err.contains('\''), "{err}");
    }
}
