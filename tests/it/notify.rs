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

/// A letter with its date (the day the test runs) checked and put aside for the snapshot.
fn undated(letter: String) -> String {
    let (_, rest) = letter.split_once("\n\n").unwrap();
    let (date, _) = rest.split_once("\n\n").unwrap();
    let (word, day) = date.split_once(": ").unwrap();
    assert!(["Tanggal", "Date"].contains(&word), "{letter}");
    let parts: Vec<&str> = day.split(' ').collect();
    assert!(parts.len() == 3 && parts[0].parse::<u32>().is_ok() && parts[2].parse::<u32>().is_ok(), "{day}");
    letter.replace(day, "[today]")
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
    insta::assert_snapshot!("notify_demo_letter_id", undated(read(out.join("letters/P-003.md"))));
    insta::assert_snapshot!("notify_demo_recipients", read(out.join("recipients.csv")));
    insta::assert_snapshot!("notify_demo_authority_id", authority);
}

#[test]
fn english_letters_and_summary_with_lang_en() {
    let s = Scratch::new();
    let report = scan_demo(&s, &["watchlist.csv"]);
    let out = s.path("notice");
    notify(&report, &[fixture("demo/watchlist.csv")], &out, &["--lang", "en"]).code(0);
    insta::assert_snapshot!("notify_demo_letter_en", undated(read(out.join("letters/P-003.md"))));
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
    let hashed = s.path("hashed.jsonl");
    leakcheck().args(["hash"]).arg(fixture("demo/watchlist.csv")).arg("-o").arg(&hashed).assert().code(0);
    let report = scan_demo(&s, &[hashed.to_str().unwrap()]);
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
fn a_watchlist_index_keyed_or_not_gives_letters_by_label_without_a_key() {
    // `hash --index` holds the labels in a table of its own: notify reads them, no key needed.
    // The scan used the index (notify checks the --watch files are the scan's lists).
    let s = Scratch::new();
    let key = s.path("kunci.key");
    std::fs::write(&key, "kunci-rahasia-rumah-sakit-2021\n").unwrap();
    for keyed in [false, true] {
        let index = s.path(&format!("watch-{keyed}.lcx"));
        let mut cmd = leakcheck();
        cmd.args(["hash", "--index"]).arg(fixture("demo/watchlist.csv")).arg("-o").arg(&index);
        cmd.env_remove("LEAKCHECK_KEY");
        if keyed {
            cmd.arg("--key-file").arg(&key);
        }
        cmd.assert().code(0);
        let report = s.path(&format!("scan-{keyed}.json"));
        let mut scan = leakcheck();
        scan.env_remove("LEAKCHECK_KEY").args(["scan", "--format", "json", "--as-of", "2026-12-05"]);
        scan.arg(fixture("demo/pasien.csv")).arg("--watch").arg(&index).arg("-o").arg(&report);
        if keyed {
            scan.arg("--key-file").arg(&key);
        }
        scan.assert().code(1);
        let out = s.path(&format!("notice-{keyed}"));
        notify(&report, &[index], &out, &[]).code(0);
        assert!(letters(&out).contains(&"P-003.md".to_string()), "{keyed}: {:?}", letters(&out));
        let recipients = read(out.join("recipients.csv"));
        assert!(recipients.lines().nth(1).unwrap().starts_with("P-001,,,,letters/P-001.md"), "{recipients}");
        assert!(!recipients.contains("Agus"), "{recipients}");
        let letter = read(out.join("letters/P-003.md"));
        assert!(letter.contains("label **P-003**") && !letter.contains("Hendra"), "{letter}");
        assert!(read(out.join("authority.md")).contains("daftar pantau berbentuk hash"));
    }
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
    assert!(
        err.contains("1 watchlist(s) given") && err.contains("used 2") && err.lines().count() == 1,
        "{err}"
    );
    assert!(!s.path("other").exists());
}

/// Runs notify and returns its one-line error, after checking it wrote nothing.
fn refused(report: &Path, watch: &[PathBuf], s: &Scratch) -> String {
    let out = s.path("refused");
    let err = notify(report, watch, &out, &[]).code(2).get_output().stderr.clone();
    let err = String::from_utf8(err).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(!out.exists());
    err
}

#[test]
fn watchlists_that_are_not_the_scans_are_refused_naming_the_file() {
    let s = Scratch::new();
    let report = scan_demo(&s, &["watchlist.csv", "watchlist.txt"]);
    let (csv, txt) = (fixture("demo/watchlist.csv"), fixture("demo/watchlist.txt"));
    // The lists swapped: the labels would join to the wrong people.
    let err = refused(&report, &[txt.clone(), csv.clone()], &s);
    assert!(err.contains("watchlist.txt: it is the scan's watchlist 2 but is given as 1"), "{err}");
    // The list edited since the scan (one more person).
    let edited = s.path("watchlist.csv");
    let text = read(csv.clone());
    let (header, rows) = text.split_once('\n').unwrap();
    std::fs::write(&edited, format!("{header}\nP-099,3201014107900099,Siti Baru,1990-07-01,,\n{rows}"))
        .unwrap();
    let err = refused(&report, &[edited.clone(), txt.clone()], &s);
    assert!(err.contains(&format!("--watch {}: not a watchlist of the scan", edited.display())), "{err}");
    assert!(err.contains("edited since"), "{err}");
    // Reports of two scans of different watchlists, given together.
    let other = Scratch::new();
    let report2 = scan_demo(&other, &["watchlist.csv"]);
    let both = leakcheck()
        .current_dir(s.dir())
        .args(["report", "notify"])
        .arg(&report)
        .arg(&report2)
        .arg("--watch")
        .arg(&csv)
        .arg("--watch")
        .arg(&txt)
        .arg("--incident")
        .arg(fixture("demo/incident.toml"))
        .arg("-o")
        .arg(s.path("both"))
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let both = String::from_utf8(both).unwrap();
    assert!(both.contains("scans of different watchlists") && both.lines().count() == 1, "{both}");
    assert!(!s.path("both").exists());
}

#[test]
fn a_report_older_than_watchlists_sha256_is_joined_with_a_warning() {
    let s = Scratch::new();
    let report = scan_demo(&s, &["watchlist.csv"]);
    let mut scan: serde_json::Value = serde_json::from_str(&read(report.clone())).unwrap();
    scan.as_object_mut().unwrap().remove("watchlists");
    std::fs::write(&report, serde_json::to_string(&scan).unwrap()).unwrap();
    let out = s.path("notice");
    let err =
        notify(&report, &[fixture("demo/watchlist.csv")], &out, &[]).code(0).get_output().stderr.clone();
    let err = String::from_utf8(err).unwrap();
    assert!(err.contains("warning: report scan.json: it names no watchlist's SHA-256"), "{err}");
}

/// A hostile test (new user): a list whose ids are NIKs gives masked labels in the report; the
/// error said to give the scan's watchlists, which the user had done.
#[test]
fn a_masked_label_is_refused_saying_that_identifier_labels_cannot_be_joined() {
    let s = Scratch::new();
    let list = s.write("ids.csv", "id,nik,nama\n3174051203880003,3174051203880003,Agus Salim Pratama\n");
    let report = s.path("scan.json");
    leakcheck()
        .current_dir(fixture("demo"))
        .args(["scan", "pasien.csv", "--format", "json", "--as-of", "2026-12-05", "--watch"])
        .arg(&list)
        .arg("-o")
        .arg(&report)
        .assert()
        .code(1);
    let err = notify(&report, &[list], &s.path("out"), &[]).code(2).get_output().stderr.clone();
    let err = String::from_utf8(err).unwrap();
    assert!(err.contains("the label 3174**********03 is in none of the --watch lists"), "{err}");
    assert!(
        err.contains("are masked in reports and so cannot be joined") && err.contains("id column"),
        "{err}"
    );
    assert!(!err.contains("give the scan's watchlists") && err.lines().count() == 1, "{err}");
    assert!(!err.contains("3174051203880003"), "{err}");
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
fn force_never_writes_over_a_file_the_run_reads() {
    // Regression (hostile test): `--force` into the directory holding the watchlist, saved as
    // recipients.csv, replaced it (nik and dob columns lost) with notify's own recipients.csv.
    let s = Scratch::new();
    let report = scan_demo(&s, &["watchlist.csv"]);
    let out = s.path("nd");
    std::fs::create_dir(&out).unwrap();
    let list = std::fs::read(fixture("demo/watchlist.csv")).unwrap();
    std::fs::write(out.join("recipients.csv"), &list).unwrap();
    let err = notify(&report, &[out.join("recipients.csv")], &out, &["--force"])
        .code(2)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(err).unwrap();
    assert!(err.contains("which this run reads"), "{err}");
    assert_eq!(std::fs::read(out.join("recipients.csv")).unwrap(), list, "the watchlist was replaced");
    // The report itself inside DIR is refused the same way.
    let inside = out.join("scan.json");
    std::fs::copy(&report, &inside).unwrap();
    notify(&inside, &[fixture("demo/watchlist.csv")], &out, &["--force"]).code(2);
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

/// The report at `report` made that of an incomplete scan, or of shard 1/2.
fn make_partial(report: &Path, shard: bool) {
    let mut scan: serde_json::Value = serde_json::from_str(&read(report.to_path_buf())).unwrap();
    if shard {
        scan["shard"] = serde_json::json!({"k": 1, "n": 2, "walk": ["pasien.csv"], "set_aside": 0});
    } else {
        scan["summary"]["complete"] = false.into();
    }
    std::fs::write(report, serde_json::to_string(&scan).unwrap()).unwrap();
}

#[test]
fn an_incomplete_scan_is_said_in_authority_md_and_a_shards_report_is_refused() {
    let s = Scratch::new();
    let report = scan_demo(&s, &["watchlist.csv"]);
    make_partial(&report, false);
    let out = s.path("notice");
    let err =
        notify(&report, &[fixture("demo/watchlist.csv")], &out, &[]).code(0).get_output().stderr.clone();
    let err = String::from_utf8(err).unwrap();
    assert!(err.contains("warning: report scan.json: the scan is incomplete"), "{err}");
    let authority = read(out.join("authority.md"));
    assert!(
        authority.contains("\n- Pemindaian tidak lengkap: sebagian masukan tidak terbaca"),
        "{authority}"
    );
    let s = Scratch::new();
    let report = scan_demo(&s, &["watchlist.csv"]);
    make_partial(&report, true);
    let err = refused(&report, &[fixture("demo/watchlist.csv")], &s);
    assert!(err.contains("report scan.json: the report of shard 1/2 of a scan only"), "{err}");
    assert!(err.contains("run `leakcheck report merge` first"), "{err}");
}

/// A report made with `scan --baseline`, where the baseline is a scan of the demo's first 150
/// records: some exposures are new, some already accepted.
fn scan_with_baseline(s: &Scratch) -> (PathBuf, serde_json::Value) {
    let full = read(fixture("demo/pasien.csv"));
    let half: String = full.lines().take(151).map(|l| format!("{l}\n")).collect();
    std::fs::write(s.path("old.csv"), half).unwrap();
    let scan = |dump: &str, baseline: Option<&str>, report: &str| {
        let mut cmd = leakcheck();
        cmd.current_dir(s.dir()).args(["scan", dump, "-f", "json", "--as-of", "2026-12-05", "-o", report]);
        cmd.arg("-w").arg(fixture("demo/watchlist.csv"));
        if let Some(b) = baseline {
            cmd.args(["--baseline", b]);
        }
        cmd.assert().code(1);
    };
    scan("old.csv", None, "old.json");
    std::fs::copy(fixture("demo/pasien.csv"), s.path("pasien.csv")).unwrap();
    scan("pasien.csv", Some("old.json"), "scan.json");
    let report = s.path("scan.json");
    let json: serde_json::Value = serde_json::from_str(&read(report.clone())).unwrap();
    (report, json)
}

#[test]
fn with_a_baseline_every_surface_says_which_counts_are_new_and_which_already_accepted() {
    let s = Scratch::new();
    let (report, scan) = scan_with_baseline(&s);
    let exposures = scan["exposures"].as_array().unwrap();
    let exposed = |e: &&serde_json::Value| e["confidence"] == "exposed";
    let new_pairs = exposures.iter().filter(exposed).filter(|e| e["baseline"] != true).count();
    let all_pairs = exposures.iter().filter(exposed).count();
    assert!(new_pairs > 0 && new_pairs < all_pairs, "the fixture has new and baseline pairs");
    let records = scan["summary"]["exposed_records"].as_u64().unwrap();
    let new_records = scan["summary"]["new_exposed_records"].as_u64().unwrap();
    assert!(new_records > 0 && new_records < records);
    let old_records = records - new_records;
    let old_pairs = all_pairs - new_pairs;

    // notify: the letters' people are the summary's exposed people; records and pairs split.
    let out = s.path("notice");
    notify(&report, &[fixture("demo/watchlist.csv")], &out, &[]).code(0);
    let letters = letters(&out).len();
    let authority = read(out.join("authority.md"));
    for line in [
        format!("- Subjek data yang terungkap (menerima surat pemberitahuan): {letters}\n"),
        format!("- Catatan yang memuat data terungkap: {new_records}\n"),
        format!("- Catatan yang sudah tercatat pada pemeriksaan sebelumnya (baseline): {old_records}\n"),
        format!("- Pasangan catatan–subjek terungkap: {new_pairs} baru, {old_pairs} sudah di baseline\n"),
        "## Menurut jenis data (pasangan catatan–subjek terungkap, termasuk baseline)\n".to_string(),
    ] {
        assert!(authority.contains(&line), "{line}\n{authority}");
    }

    // people: the same people, the baseline-only ones marked.
    let people = leakcheck().current_dir(s.dir()).args(["report", "people", "scan.json"]).output().unwrap();
    assert_eq!(people.status.code(), Some(0));
    let human = String::from_utf8(people.stdout).unwrap();
    let first = human.lines().next().unwrap();
    assert!(first.starts_with(&format!("{letters} people newly exposed")), "{human}");
    assert!(first.contains("more exposed only in the baseline (already known, no letter)"), "{human}");
    let second = format!(
        "  exposed records: {new_records} new, {old_records} already in the baseline; exposed pairs: {new_pairs} new, {old_pairs} already in the baseline"
    );
    assert_eq!(human.lines().nth(1), Some(second.as_str()), "{human}");
    assert!(human.contains("exposed (baseline: already known)"), "{human}");

    // html: the people card counts the letters; records and pairs split; charts say so.
    let page = s.path("page.html");
    leakcheck().current_dir(s.dir()).args(["report", "html", "scan.json", "-o"]).arg(&page).assert().code(0);
    let html = read(page);
    for card in [
        format!("<li class=\"alert\"><b>{letters}</b>orang terpapar (perlu diberi tahu)</li>"),
        format!(
            "<b>{records}</b>rekaman bocor yang memuat orang terpapar: {new_records} baru, {old_records} sudah di baseline</li>"
        ),
        format!(
            "<b>{all_pairs}</b>pasangan terpapar (rekaman × orang): {new_pairs} baru, {old_pairs} sudah di baseline</li>"
        ),
        "id=\"charts-baseline\"".to_string(),
        "terpapar (Baseline)<td>".to_string(),
    ] {
        assert!(html.contains(&card), "{card}");
    }
}

#[test]
fn a_found_at_in_the_future_is_refused_before_anything_is_written() {
    let s = Scratch::new();
    let report = scan_demo(&s, &["watchlist.csv"]);
    assert!(report.exists());
    let incident = read(fixture("demo/incident.toml")).replace("2026-12-01T09:30:00+07:00", "2099-12-01");
    std::fs::write(s.path("incident.toml"), incident).unwrap();
    let out = s.path("notice");
    let mut cmd = leakcheck();
    cmd.current_dir(s.dir()).args([
        "report",
        "notify",
        "scan.json",
        "--incident",
        "incident.toml",
        "-o",
        "notice",
    ]);
    cmd.arg("--watch").arg(fixture("demo/watchlist.csv"));
    cmd.assert().code(2).stderr(predicates::str::contains(
        "incident file incident.toml: the key `found_at` (2099-12-01) is in the future",
    ));
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

#[test]
fn stdin_named_as_both_report_and_watchlist_is_refused_as_read_only_once_not_as_a_short_report() {
    // Before, the list took standard input and the report then read nothing: "it ends early".
    let s = Scratch::new();
    let out = s.path("notice");
    let run = leakcheck()
        .args(["report", "notify", "-", "--watch", "-", "--incident"])
        .arg(fixture("demo/incident.toml"))
        .arg("-o")
        .arg(&out)
        .write_stdin("label,nik\nP-1,3201014107900001\n")
        .assert()
        .code(2);
    let err = String::from_utf8(run.get_output().stderr.clone()).unwrap();
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(
        err.contains("`-` (standard input) can be read only once") && !err.contains("ends early"),
        "{err}"
    );
    assert!(!err.contains("3201014107900001"), "{err}");
    assert!(!out.exists(), "nothing written");
}

/// Runs notify on the demo with `template` (text) and returns its stderr, checking it failed
/// in one line naming the template file, and wrote nothing.
fn refused_template(text: &str) -> String {
    refused_template_with(text, &[])
}

/// [`refused_template`] with `envs` set for the run.
fn refused_template_with(text: &str, envs: &[(&str, &str)]) -> String {
    let s = Scratch::new();
    let report = scan_demo(&s, &["watchlist.csv"]);
    let template = s.write("hostile.md", text);
    let out = s.path("notice");
    let started = std::time::Instant::now();
    let mut cmd = leakcheck();
    cmd.current_dir(report.parent().unwrap())
        .args(["report", "notify", "scan.json", "--watch"])
        .arg(fixture("demo/watchlist.csv"))
        .arg("--incident")
        .arg(fixture("demo/incident.toml"))
        .arg("--template")
        .arg(&template)
        .arg("-o")
        .arg(&out)
        .envs(envs.iter().copied())
        .timeout(std::time::Duration::from_secs(60));
    let run = cmd.assert().code(2);
    eprintln!("refused after {:?}", started.elapsed());
    let err = String::from_utf8(run.get_output().stderr.clone()).unwrap();
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("hostile.md"), "{err}");
    assert!(!out.exists(), "nothing written");
    assert!(
        std::fs::read_dir(s.path("")).unwrap().all(|e| !e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with(".leakcheck")),
        "no temporary directory left"
    );
    err
}

#[test]
fn a_template_looping_ten_billion_times_stops_with_an_error_instead_of_hanging() {
    // Before, the letter never finished (and grew in memory by a byte a turn).
    let err = refused_template(
        "{% for a in range(100000) %}{% for b in range(100000) %}{{ person.label }}{% endfor %}{% endfor %}\n",
    );
    assert!(err.contains("steps of work"), "{err}");
}

#[test]
fn a_template_writing_a_letter_of_megabytes_is_refused_before_it_fills_the_disk() {
    // Before, each exposed person got a 3 MB letter.
    let err = refused_template("{{ person.label }}{{ 'x' * 3000000 }}\n");
    assert!(err.contains("longer than 1048576 bytes"), "{err}");
}

#[test]
fn a_template_growing_a_list_past_the_fuel_stops_at_the_deadline_with_its_directory_removed() {
    // Before, `ns.l + ns.l` cost almost no fuel: the run hung while its memory doubled each turn.
    let started = std::time::Instant::now();
    let err = refused_template_with(
        "{% set ns = namespace(l=[1]) %}{% for i in range(34) %}{% set ns.l = ns.l + ns.l %}{% endfor %}\
         {{ ns.l|sort|length }}\n",
        &[("LEAKCHECK_TEST_TEMPLATE_DEADLINE_MS", "400")],
    );
    assert!(err.contains("one letter took more than 0.4 s to render"), "{err}");
    assert!(started.elapsed() < std::time::Duration::from_secs(30), "{:?}", started.elapsed());
}

#[test]
fn deeply_nested_expressions_are_refused_by_their_tags_length_instead_of_overflowing_the_stack() {
    // Before, each aborted the process (SIGABRT, exit 134) on a stack overflow.
    for text in [
        format!("{{{{ {}1 }}}}\n", "not ".repeat(30_000)),
        format!("\n{{{{ {}1 }}}}\n", "1+".repeat(300_000)),
        format!("{{% if person{} %}}x{{% endif %}}\n", ".x".repeat(300_000)),
    ] {
        let err = refused_template(&text);
        assert!(err.contains("a tag longer than 4096 bytes"), "{err}");
        let line = if text.starts_with('\n') { ":2:" } else { ":1:" };
        assert!(err.contains(&format!("hostile.md{line}")), "{err}");
    }
}

#[test]
fn a_slice_step_minijinja_panics_on_is_the_templates_one_line_error() {
    // Before, minijinja's panic ended the run with exit 101 and a backtrace.
    for text in ["{{ [1,2,3][::-9223372036854775808] }}\n", "{{ person.kinds[::-9223372036854775808] }}\n"] {
        let err = refused_template(text);
        assert!(err.contains("MiniJinja failed on it"), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}
