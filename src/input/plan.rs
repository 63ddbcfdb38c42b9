//! Column planning, one loop for every format: the columns an input's first records have (CSV
//! headers, JSON paths, SQL columns), the sampled values of those whose name gives no role, and
//! the role each column is given (`--map`, then name synonyms, then sniffing; SPEC §5). Formats
//! only say what their columns are called and what values they hold.

use crate::limits::MAX_COLUMNS;
use crate::roles::{self, ColumnMap, Naming, Role, Sniffer};
use std::collections::HashMap;

/// The columns of an input as its first records show them.
pub(crate) struct ColumnPlanner {
    naming: Naming,
    /// Column names: the header, or paths as records name them; `None` without a header.
    names: Option<Vec<String>>,
    /// Whether each name gives its column a role by itself (a synonym): such a column is not
    /// sniffed. Worked out once per name, not once per sampled value.
    named: Vec<bool>,
    /// Where each name is, for formats whose records name their columns (JSON paths).
    index: HashMap<String, usize>,
    sniffer: Sniffer,
    /// Columns seen so far, up to [`MAX_COLUMNS`].
    width: usize,
    /// A value past [`MAX_COLUMNS`] was seen: it is not read.
    too_wide: bool,
}

impl ColumnPlanner {
    /// A plan for columns called `names` (a header, a table's columns, or none), which give roles
    /// as `naming` says.
    pub(crate) fn new(names: Option<Vec<String>>, naming: Naming) -> Self {
        let width = names.as_ref().map_or(0, Vec::len);
        let named = names.iter().flatten().map(|name| gives_role(name, naming)).collect();
        ColumnPlanner {
            naming,
            names,
            named,
            index: HashMap::new(),
            sniffer: Sniffer::default(),
            width,
            too_wide: false,
        }
    }

    /// The column a record calls `name` (a JSON path), added when first seen; `None` past
    /// [`MAX_COLUMNS`].
    pub(crate) fn column(&mut self, name: &str) -> Option<usize> {
        if let Some(&i) = self.index.get(name) {
            return Some(i);
        }
        let names = self.names.get_or_insert_with(Vec::new);
        if names.len() >= MAX_COLUMNS {
            self.too_wide = true;
            return None;
        }
        names.push(name.to_string());
        self.named.push(gives_role(name, self.naming));
        self.index.insert(name.to_string(), names.len() - 1);
        self.width = self.width.max(names.len());
        Some(names.len() - 1)
    }

    /// A value of column `col` in a sampled record; `None` for one that is there but not sampled
    /// (a NULL). Only columns whose name gives no role are sniffed.
    pub(crate) fn observe(&mut self, col: usize, value: Option<&str>) {
        if col >= MAX_COLUMNS {
            self.too_wide = true;
            return;
        }
        self.width = self.width.max(col + 1);
        let Some(value) = value else { return };
        if !self.named.get(col).copied().unwrap_or(false) {
            self.sniffer.observe(col, value);
        }
    }

    /// The column names, if the input has them.
    pub(crate) fn names(&self) -> Option<&[String]> {
        self.names.as_deref()
    }

    /// How many columns are planned: the names, or more when records had more values.
    pub(crate) fn width(&self) -> usize {
        self.width.min(MAX_COLUMNS)
    }

    /// A value past [`MAX_COLUMNS`] was seen (and is not read).
    pub(crate) fn too_wide(&self) -> bool {
        self.too_wide
    }

    /// Whether `map` names one of the planned columns.
    pub(crate) fn has_column(&self, map: &ColumnMap) -> bool {
        map.find(self.names()).is_some_and(|i| i < self.width())
    }

    /// The role of each planned column: `maps` first, then name synonyms, then sniffing.
    pub(crate) fn assign(&self, maps: &[ColumnMap]) -> Result<Vec<Option<Role>>, String> {
        roles::assign_roles_named(self.names(), self.naming, maps, &self.sniffer, self.width())
    }

    /// The column names, taken out of the plan.
    pub(crate) fn into_names(self) -> Option<Vec<String>> {
        self.names
    }
}

/// Whether a column called `name` has a role by its name alone.
fn gives_role(name: &str, naming: Naming) -> bool {
    let name = match naming {
        Naming::Whole => name,
        Naming::DottedPath => roles::last_segment(name),
    };
    roles::role_from_header(name).is_some()
}

/// A table's columns planned (SQL tables, `<table_data>` of XML dumps): each column's name as
/// `inspect` shows it (`table.column`, or `table.#3` for one without a name) and its role.
/// A `--map` applies to the tables that have the column it names; others keep theirs. Named as
/// `inspect` shows it, `table.column` (or `table.#3`) applies to that table only: another
/// table's (column names have no dots) is not compared with this one's columns, where
/// `pasien.id` would find `pasien_id` by its header key.
pub(crate) fn table_columns(
    planner: ColumnPlanner,
    table: &str,
    maps: &[ColumnMap],
) -> Result<(Vec<String>, Vec<Option<Role>>), String> {
    let maps: Vec<ColumnMap> = maps
        .iter()
        .filter_map(|m| match strip_table(&m.column, table) {
            Some(column) => Some(m.renamed(column)),
            None => (!m.column.contains('.')).then(|| m.clone()),
        })
        .filter(|m| planner.has_column(m))
        .collect();
    let roles = planner.assign(&maps)?;
    let names = planner.into_names();
    let column_names = (0..roles.len())
        .map(|i| match names.as_ref().and_then(|n| n.get(i)) {
            // Rows of no table (an XML result set) have their columns' own names.
            Some(name) if table.is_empty() => name.clone(),
            Some(name) => format!("{table}.{name}"),
            None => format!("{table}.#{}", i + 1),
        })
        .collect();
    Ok((column_names, roles))
}

/// `table.column` → `column` when the map names `table`'s column (case-insensitively).
pub(crate) fn strip_table<'a>(map: &'a str, table: &str) -> Option<&'a str> {
    let head = map.get(..table.len()).filter(|h| h.eq_ignore_ascii_case(table))?;
    map[head.len()..].strip_prefix('.')
}
