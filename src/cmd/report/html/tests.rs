use super::*;

/// A JSON report of `exposures` (already JSON objects).
fn report(exposures: &[String]) -> String {
    format!("{{\"leakcheck\":\"0.1.0\",\"exposures\":[{}],\"summary\":{{}}}}", exposures.join(","))
}

fn exposure(input: &str, record: u64, watch: &str, confidence: &str, matched: &str) -> String {
    serde_json::json!({
        "input": input, "record": record, "line": record + 1, "watch": watch,
        "confidence": confidence, "matched": [matched],
        "values": {"phone": "+62812*****321", "nik": "3201**********01", "dob": "1990-**-**"},
        "fields": ["nik", "diagnosa"], "categories": ["general", "health"],
    })
    .to_string()
}

fn page_of(reports: &[&str], lang: Lang) -> (Page, String) {
    let dir = tempfile::tempdir().unwrap();
    let paths: Vec<PathBuf> = reports
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let path = dir.path().join(format!("r{i}.json"));
            std::fs::write(&path, text).unwrap();
            path
        })
        .collect();
    let page = gather(&paths, lang).unwrap();
    let mut out = Vec::new();
    render(&page, &mut out).unwrap();
    (page, String::from_utf8(out).unwrap())
}

#[test]
fn base64_matches_rfc_4648() {
    let cases: [(&[u8], &str); 5] =
        [(b"", ""), (b"f", "Zg=="), (b"fo", "Zm8="), (b"foo", "Zm9v"), (b"foob", "Zm9vYg==")];
    for (bytes, want) in cases {
        assert_eq!(base64(bytes), want);
    }
    assert_eq!(base64(&Sha256::digest(b"")), "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
}

#[test]
fn the_csp_allows_exactly_the_page_s_own_script() {
    let (_, html) = page_of(&[&report(&[exposure("a.csv", 1, "P-1", "exposed", "nik")])], Lang::Id);
    let script = html.split("<script>").nth(1).and_then(|s| s.split("</script>").next()).unwrap();
    let want = format!("script-src 'sha256-{}'", base64(&Sha256::digest(script.as_bytes())));
    assert!(html.contains(&want), "{want}");
    assert!(html.contains("default-src 'none'"));
    assert_eq!(html.matches("<script").count(), 1);
}

#[test]
fn markup_in_labels_file_names_and_values_is_text_not_markup() {
    let hostile = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>";
    let e = serde_json::json!({
        "input": format!("leak{hostile}.csv"), "record": 1, "line": 2, "watch": hostile,
        "confidence": "exposed", "matched": [hostile], "table": hostile,
        "values": {"nik": hostile, hostile: "x"}, "fields": [hostile], "categories": [hostile],
    })
    .to_string();
    let (_, html) = page_of(&[&report(&[e])], Lang::En);
    assert_eq!(html.matches("<script").count(), 1, "only the page's own script");
    assert!(!html.contains("<img"), "an <img> tag from the report");
    assert!(!html.contains("onerror=alert(2)>"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"));
}

#[test]
fn past_the_row_cap_the_page_lists_ten_thousand_and_says_how_many_more() {
    let exposures: Vec<String> = (1..=MAX_ROWS as u64 + 3)
        .map(|i| exposure("big.csv", i, &format!("P-{i}"), "exposed", "nik"))
        .collect();
    let (page, html) = page_of(&[&report(&exposures)], Lang::En);
    assert_eq!((page.exposures.len(), page.exposures_total, page.exposures_more), (MAX_ROWS, 10_003, 3));
    assert_eq!(page.people.len(), MAX_ROWS + 3, "the people table is not cut");
    assert!(html.contains("+ 3 more exposures are not shown"));
    let (page, html) = page_of(&[&report(&exposures[..MAX_ROWS])], Lang::En);
    assert_eq!((page.exposures.len(), page.exposures_more), (MAX_ROWS, 0));
    assert!(!html.contains("id=\"more\""));
}

#[test]
fn rows_and_charts_follow_the_reports_in_the_chosen_language() {
    let a = report(&[
        exposure("a.csv", 1, "P-1", "exposed", "nik"),
        exposure("a.csv", 2, "P-2", "possible", "name"),
    ]);
    let b = report(&[exposure("b.csv", 5, "P-1", "exposed", "phone")]);
    let (page, html) = page_of(&[&a, &b], Lang::Id);
    assert_eq!(page.reports, ["r0.json", "r1.json"]);
    assert_eq!(page.people.len(), 2);
    assert_eq!(page.people[0].kinds, "NIK, nomor telepon");
    assert_eq!(page.exposures_total, 3);
    let values: Vec<&str> = page.exposures[0].values.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(values, ["NIK", "nomor telepon", "tanggal lahir"], "nik, phone, email, name, dob");
    let kinds = &page.charts[0];
    let bars: Vec<(&str, u64)> = kinds.bars.iter().map(|b| (b.label.as_str(), b.value)).collect();
    assert_eq!(bars, [("NIK", 1), ("nomor telepon", 1)]);
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"id\">"));
    assert!(html.contains("orang terpapar"));
    let (_, en) = page_of(&[&a, &b], Lang::En);
    assert!(en.contains("<html lang=\"en\">") && en.contains("people exposed"));
}
