//! The geometry of `report html`'s bar charts: one horizontal bar per group, largest first as the
//! counts come, at most [`MAX_BARS`] bars (the rest summed into one). Pure layout, no markup: the
//! page's template draws the SVG, so every label passes through its HTML escaping.
//!
//! Hand-written rather than drawn by `plotters`: its SVG backend, without a font engine, sizes
//! text by byte count (Indonesian and file-name labels overflow or collide) and writes no
//! `<title>` or ARIA role; with one (`ttf`/`ab_glyph`) it needs system fonts or an embedded font
//! file. A label on its own line above its bar needs no text measuring at all.

use serde::Serialize;

/// Bars drawn; past this, the remaining groups are one bar "other (N)".
pub const MAX_BARS: usize = 12;
/// Widest bar, in per cent of the chart's width (the SVG is as wide as its box, its text at the
/// page's size, not scaled): the room right of it holds the count.
const BAR_MAX: f64 = 85.0;
/// Narrowest bar of a count above zero, in per cent: still a visible sliver.
const MIN_BAR: f64 = 0.2;
/// Height of one group: its label line, then its bar.
const ROW: u32 = 38;
/// Characters of a label kept; longer ones end in `…` (the full label is in the bar's tooltip).
const LABEL_CHARS: usize = 60;

/// One bar, placed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Bar {
    /// The label as drawn (cut to [`LABEL_CHARS`]).
    pub label: String,
    /// The whole label, for the tooltip.
    pub full: String,
    pub value: u64,
    /// Top of the group's row, in CSS pixels.
    pub y: u32,
    /// The bar's width in per cent of the chart's (at least 0.2 for a count above zero).
    pub width: f64,
}

/// A chart ready to draw.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Chart {
    pub id: &'static str,
    pub title: String,
    pub bars: Vec<Bar>,
    /// In CSS pixels.
    pub height: u32,
    /// Sum of the values: the chart's `<desc>` and the check that nothing was dropped.
    pub total: u64,
}

/// Lays out `groups` (label, count) in their order; groups past [`MAX_BARS`] - 1 become one bar
/// labelled by `other(n)` when there are more than [`MAX_BARS`].
pub fn layout(
    id: &'static str,
    title: String,
    groups: &[(String, u64)],
    other: impl Fn(usize) -> String,
) -> Chart {
    let mut shown: Vec<(String, u64)> = Vec::with_capacity(MAX_BARS.min(groups.len()));
    if groups.len() > MAX_BARS {
        shown.extend(groups[..MAX_BARS - 1].iter().cloned());
        let rest = &groups[MAX_BARS - 1..];
        shown.push((other(rest.len()), rest.iter().map(|(_, n)| n).sum()));
    } else {
        shown.extend(groups.iter().cloned());
    }
    let max = shown.iter().map(|(_, n)| *n).max().unwrap_or(0);
    let bars: Vec<Bar> = shown
        .into_iter()
        .zip(0u32..)
        .map(|((full, value), i)| {
            let width =
                if max == 0 || value == 0 { 0.0 } else { (value as f64 / max as f64 * BAR_MAX).max(MIN_BAR) };
            let label = cut(&full);
            Bar { label, full, value, y: i * ROW, width: (width * 100.0).round() / 100.0 }
        })
        .collect();
    Chart {
        id,
        title,
        height: (bars.len() as u32).max(1) * ROW,
        total: groups.iter().map(|(_, n)| n).sum(),
        bars,
    }
}

/// `label` cut to [`LABEL_CHARS`] characters, ending in `…` when cut.
fn cut(label: &str) -> String {
    match label.char_indices().nth(LABEL_CHARS) {
        Some((at, _)) => format!("{}…", &label[..at]),
        None => label.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups(n: usize) -> Vec<(String, u64)> {
        (0..n).map(|i| (format!("g{i}"), (n - i) as u64 * 10)).collect()
    }

    #[test]
    fn bars_scale_to_the_largest_and_stack_down() {
        let c =
            layout("kind", "By kind".into(), &[("nik".into(), 40), ("phone".into(), 10)], |_| unreachable!());
        let got: Vec<(&str, u64, u32, f64)> =
            c.bars.iter().map(|b| (b.label.as_str(), b.value, b.y, b.width)).collect();
        assert_eq!(got, [("nik", 40, 0, 85.0), ("phone", 10, ROW, 21.25)]);
        assert_eq!((c.height, c.total), (2 * ROW, 50));
    }

    #[test]
    fn past_the_bar_limit_the_rest_is_one_bar_and_the_total_keeps_everything() {
        let g = groups(30);
        let c = layout("input", "By input".into(), &g, |n| format!("other ({n})"));
        assert_eq!(c.bars.len(), MAX_BARS);
        let last = &c.bars[MAX_BARS - 1];
        assert_eq!(last.label, "other (19)");
        assert_eq!(last.value, g[MAX_BARS - 1..].iter().map(|(_, n)| n).sum::<u64>());
        assert_eq!(c.bars.iter().map(|b| b.value).sum::<u64>(), c.total);
        assert_eq!(c.total, g.iter().map(|(_, n)| n).sum::<u64>());
        // Exactly the limit: no "other" bar.
        let c = layout("input", String::new(), &groups(MAX_BARS), |_| unreachable!());
        assert_eq!(c.bars.last().map(|b| b.label.as_str()), Some("g11"));
    }

    #[test]
    fn a_tiny_count_still_shows_and_zero_or_empty_draws_nothing() {
        let c =
            layout("k", String::new(), &[("a".into(), 1_000_000), ("b".into(), 1), ("c".into(), 0)], |_| {
                String::new()
            });
        assert_eq!(c.bars.iter().map(|b| b.width).collect::<Vec<_>>(), [85.0, MIN_BAR, 0.0]);
        let empty = layout("k", String::new(), &[], |_| String::new());
        assert_eq!((empty.bars.len(), empty.height, empty.total), (0, ROW, 0));
    }

    #[test]
    fn a_long_label_is_cut_on_a_character_boundary_and_kept_whole_for_the_tooltip() {
        let long = "é".repeat(100);
        let c = layout("k", String::new(), &[(long.clone(), 3)], |_| String::new());
        assert_eq!(c.bars[0].label.chars().count(), LABEL_CHARS + 1);
        assert!(c.bars[0].label.ends_with('…'));
        assert_eq!(c.bars[0].full, long);
    }
}
