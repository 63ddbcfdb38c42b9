//! The words of `report html`'s page in its two languages (`--lang id|en`): headings, table
//! headers, and the plain names of confidences; kinds and categories in the words `report
//! notify` uses too ([`kind_words`], [`category_words`]). Nothing else on the page is in a
//! language: counts, labels and file names come from the reports.

use crate::cmd::report::{Form, category_words, kind_words};
use crate::kind::Kind;
use crate::report::exposed::Category;
use serde::Serialize;

pub use crate::cmd::report::Lang;

/// Every fixed string of the page.
#[derive(Debug, Serialize)]
pub struct Words {
    pub code: &'static str,
    pub title: &'static str,
    pub made_by: &'static str,
    pub from_reports: &'static str,
    pub masked_note: &'static str,
    pub summary: &'static str,
    pub people_exposed: &'static str,
    pub people_possible_only: &'static str,
    pub people_baseline_only: &'static str,
    pub records_exposed: &'static str,
    pub exposed_pairs: &'static str,
    pub possible_pairs: &'static str,
    pub baseline_pairs: &'static str,
    pub new_part: &'static str,
    pub baseline_part: &'static str,
    pub charts_baseline: &'static str,
    pub charts: &'static str,
    pub chart_kind: &'static str,
    pub chart_category: &'static str,
    pub chart_input: &'static str,
    pub chart_province: &'static str,
    pub no_data: &'static str,
    pub people: &'static str,
    pub exposures: &'static str,
    pub filter: &'static str,
    pub rows_shown: &'static str,
    pub more_exposures: &'static str,
    pub label: &'static str,
    pub confidence: &'static str,
    pub kinds: &'static str,
    pub categories: &'static str,
    pub records: &'static str,
    pub inputs: &'static str,
    pub first: &'static str,
    pub input: &'static str,
    pub record: &'static str,
    pub line: &'static str,
    pub matched: &'static str,
    pub values: &'static str,
    pub baseline: &'static str,
    pub sort_hint: &'static str,
}

const ID: Words = Words {
    code: "id",
    title: "Laporan kebocoran data pribadi",
    made_by: "Dibuat oleh leakcheck",
    from_reports: "dari laporan",
    masked_note: "Nomor identitas ditampilkan tersamar, seperti di laporan pemindaian.",
    summary: "Ringkasan",
    people_exposed: "orang terpapar (perlu diberi tahu)",
    people_possible_only: "orang mungkin terpapar (hanya nama)",
    people_baseline_only: "orang hanya di baseline (sudah diketahui)",
    records_exposed: "rekaman bocor yang memuat orang terpapar",
    exposed_pairs: "pasangan terpapar (rekaman × orang)",
    possible_pairs: "pasangan mungkin (hanya nama)",
    baseline_pairs: "pasangan di baseline",
    new_part: "baru",
    baseline_part: "sudah di baseline",
    charts_baseline: "Grafik jenis data, berkas dan provinsi termasuk pasangan baseline (sudah diketahui); grafik kategori hanya menghitung orang yang perlu diberi tahu.",
    charts: "Grafik",
    chart_kind: "Pasangan terpapar menurut jenis data yang cocok",
    chart_category: "Orang terpapar menurut kategori data (UU PDP Pasal 4)",
    chart_input: "Rekaman terpapar menurut berkas",
    chart_province: "Rekaman terpapar menurut provinsi NIK",
    no_data: "Tidak ada data.",
    people: "Orang",
    exposures: "Paparan",
    filter: "Saring",
    rows_shown: "baris ditampilkan",
    more_exposures: "paparan lagi tidak ditampilkan di halaman ini; semuanya ada di laporan JSON.",
    label: "Label",
    confidence: "Keyakinan",
    kinds: "Jenis data",
    categories: "Kategori",
    records: "Rekaman",
    inputs: "Berkas",
    first: "Pertama",
    input: "Berkas",
    record: "Rekaman",
    line: "Baris",
    matched: "Cocok",
    values: "Nilai (tersamar)",
    baseline: "Baseline",
    sort_hint: "Klik judul kolom untuk mengurutkan.",
};

const EN: Words = Words {
    code: "en",
    title: "Personal data leak report",
    made_by: "Made by leakcheck",
    from_reports: "from the reports",
    masked_note: "Identifiers are shown masked, as in the scan's report.",
    summary: "Summary",
    people_exposed: "people exposed (to be notified)",
    people_possible_only: "people possibly exposed (name only)",
    people_baseline_only: "people in the baseline only (already known)",
    records_exposed: "leaked records holding an exposed person",
    exposed_pairs: "exposed pairs (record × person)",
    possible_pairs: "possible pairs (name only)",
    baseline_pairs: "pairs in the baseline",
    new_part: "new",
    baseline_part: "already in the baseline",
    charts_baseline: "The kind, input and province charts include the baseline pairs (already known); the category chart counts only the people to be notified.",
    charts: "Charts",
    chart_kind: "Exposed pairs by matched kind of data",
    chart_category: "Exposed people by category of data (UU PDP Art. 4)",
    chart_input: "Exposed records by input",
    chart_province: "Exposed records by province of the NIK",
    no_data: "No data.",
    people: "People",
    exposures: "Exposures",
    filter: "Filter",
    rows_shown: "rows shown",
    more_exposures: "more exposures are not shown on this page; the JSON report has them all.",
    label: "Label",
    confidence: "Confidence",
    kinds: "Kinds of data",
    categories: "Categories",
    records: "Records",
    inputs: "Inputs",
    first: "First",
    input: "Input",
    record: "Record",
    line: "Line",
    matched: "Matched",
    values: "Values (masked)",
    baseline: "Baseline",
    sort_hint: "Click a column's heading to sort.",
};

impl Lang {
    pub fn words(self) -> &'static Words {
        match self {
            Lang::Id => &ID,
            Lang::En => &EN,
        }
    }

    /// A matched kind (SPEC §1) or a `values` key in a table's words; unknown ones as they are.
    pub fn kind(self, kind: &str) -> String {
        Kind::parse(kind).map_or(kind, |k| kind_words(k, self, Form::Short)).to_string()
    }

    /// A UU PDP category (SPEC §7) in a table's words; unknown ones as they are.
    pub fn category(self, category: &str) -> String {
        Category::parse(category).map_or(category, |c| category_words(c, self, Form::Short)).to_string()
    }

    /// The plain name of a confidence.
    pub fn confidence(self, confidence: &str) -> String {
        let name = match (self, confidence) {
            (Lang::Id, "exposed") => "terpapar",
            (Lang::Id, "possible") => "mungkin",
            (_, other) => other,
        };
        name.to_string()
    }

    /// The label of the bar that sums `n` groups past the chart's limit.
    pub fn other(self, n: usize) -> String {
        match self {
            Lang::Id => format!("lainnya ({n})"),
            Lang::En => format!("other ({n})"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_names_kinds_and_categories_in_the_shared_short_words_and_unknown_ones_as_they_are() {
        assert_eq!(Lang::Id.kind("phone"), "nomor telepon");
        assert_eq!(Lang::Id.kind("dob"), "tanggal lahir");
        assert_eq!(Lang::En.category("health"), "health");
        assert_eq!(Lang::Id.category("genetic"), category_words(Category::Genetic, Lang::Id, Form::Short));
        assert_eq!(Lang::Id.kind("fax"), "fax");
        assert_eq!(Lang::Id.category("<b>"), "<b>");
    }
}
