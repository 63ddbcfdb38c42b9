//! A `.xlsx` or `.ods` workbook whose sheets share a name, made readable sheet by sheet.
//! `calamine` finds a sheet by its name only (of two sheets called `Data`, a `.xlsx` gives the
//! first for both, an `.ods` the second), so such a workbook is copied, part for part, to an
//! anonymous temporary file (no name on disk, gone with the process) in which the part that
//! names the sheets is rewritten: a second `Data` is `Data#2`, a third `Data#3`, the convention
//! archive members of one name follow. Every other part is copied as stored, not unpacked. This
//! module only renames; `workbook` decides when, and `sheet` reads the copy like any workbook.

use super::Format;
use super::archive::names::MemberNames;
use super::workbook::{Book, error_text};
use quick_xml::escape::unescape;
use quick_xml::events::{BytesStart, Event};
use std::io::{self, BufReader, BufWriter, Read, Seek, Write};
use std::sync::Arc;

/// Where a format keeps its sheet names: the element that is a sheet and its name attribute,
/// matched as `calamine` matches them (`.xlsx`: any element of local name `sheet`, by its
/// `name`; `.ods`: `table:table` by its `table:name`).
struct Naming {
    element: &'static str,
    by_local_name: bool,
    attribute: &'static str,
}

const XLSX: Naming = Naming { element: "sheet", by_local_name: true, attribute: "name" };
const ODS: Naming = Naming { element: "table:table", by_local_name: false, attribute: "table:name" };

/// A copy of the zip workbook `book` in which sheets of one name are numbered from the second
/// (`Data`, `Data#2`); `Err` says why it could not be made (a message naming no cell's content).
pub fn renamed(book: &Book, format: Format) -> Result<Book, String> {
    let copy_error = |e: io::Error| format!("cannot be copied to tell its sheets of one name apart: {e}");
    let mut zip = zip::ZipArchive::new(book.reader().map_err(copy_error)?).map_err(error_text)?;
    let (part, naming) = match format {
        Format::Xlsx => (workbook_part(&mut zip)?, XLSX),
        Format::Ods => ("content.xml".to_string(), ODS),
        _ => return Err("its sheets of one name cannot be told apart in this format".to_string()),
    };
    let file = tempfile::tempfile().map_err(copy_error)?;
    let mut out = zip::ZipWriter::new(BufWriter::new(file));
    for index in 0..zip.len() {
        let raw = zip.by_index_raw(index).map_err(error_text)?;
        // `calamine` finds a part by its name in any case, `\` read as `/`: so is it found here.
        let name = raw.name().map_err(error_text)?.into_owned();
        if name.replace('\\', "/").eq_ignore_ascii_case(&part) {
            drop(raw);
            let options =
                zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
            out.start_file(name, options).map_err(error_text)?;
            let unpacked = zip.by_index(index).map_err(error_text)?;
            rename_sheets(BufReader::new(unpacked), &mut out, &naming)?;
        } else {
            out.raw_copy_file(raw).map_err(error_text)?;
        }
    }
    let file = out.finish().map_err(error_text)?.into_inner().map_err(|e| copy_error(e.into_error()))?;
    Ok(Book::Spooled(Arc::new(file)))
}

/// The workbook part of a `.xlsx`: the target of `_rels/.rels`'s `officeDocument` relationship,
/// else `xl/workbook.xml` (as `calamine` finds it).
fn workbook_part(zip: &mut zip::ZipArchive<impl Read + Seek>) -> Result<String, String> {
    const DEFAULT: &str = "xl/workbook.xml";
    const MAX_RELS_BYTES: u64 = 1 << 20;
    let index = (0..zip.len()).find(|&i| {
        let name = zip.name_for_index(i).and_then(Result::ok);
        name.is_some_and(|n| n.replace('\\', "/").eq_ignore_ascii_case("_rels/.rels"))
    });
    let Some(index) = index else { return Ok(DEFAULT.to_string()) };
    let mut text = Vec::new();
    let part = zip.by_index(index).map_err(error_text)?;
    part.take(MAX_RELS_BYTES).read_to_end(&mut text).map_err(error_text)?;
    let mut reader = quick_xml::Reader::from_reader(text.as_slice());
    let mut buf = Vec::new();
    let mut target = None;
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Empty(e) | Event::Start(e)) if e.local_name().as_ref() == "Relationship" => {
                let (mut office, mut to) = (false, None);
                for attr in e.attributes().with_checks(false).flatten() {
                    match attr.key.as_ref() {
                        "Type" => office = attr.value.ends_with("/relationships/officeDocument"),
                        "Target" => to = unescape(&attr.value).ok().map(|v| v.into_owned()),
                        _ => {}
                    }
                }
                if office && to.is_some() {
                    target = to;
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(target.map_or_else(|| DEFAULT.to_string(), |t| t.strip_prefix('/').unwrap_or(&t).to_string()))
}

/// Copies the XML `from` to `to`, event for event, each sheet's name made unique.
fn rename_sheets(from: impl io::BufRead, to: impl Write, naming: &Naming) -> Result<(), String> {
    let mut reader = quick_xml::Reader::from_reader(from);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.check_comments = false;
    config.trim_text(false);
    let mut writer = quick_xml::Writer::new(to);
    let mut names = MemberNames::default();
    let mut buf = Vec::new();
    loop {
        let event = reader.read_event_into(&mut buf).map_err(error_text)?;
        let event = match event {
            Event::Eof => break,
            Event::Start(e) if is_sheet(&e, naming) => Event::Start(renamed_sheet(&e, naming, &mut names)?),
            Event::Empty(e) if is_sheet(&e, naming) => Event::Empty(renamed_sheet(&e, naming, &mut names)?),
            other => other,
        };
        writer.write_event(event).map_err(error_text)?;
        buf.clear();
    }
    Ok(())
}

fn is_sheet(e: &BytesStart<'_>, naming: &Naming) -> bool {
    if naming.by_local_name {
        e.local_name().as_ref() == naming.element
    } else {
        e.name().as_ref() == naming.element
    }
}

/// `e` with its name attribute made unique among the names given so far (unchanged when it
/// already is, or has no name).
fn renamed_sheet(
    e: &BytesStart<'_>,
    naming: &Naming,
    names: &mut MemberNames,
) -> Result<BytesStart<'static>, String> {
    let mut out = BytesStart::new(e.name().as_ref().to_string());
    for attr in e.attributes().with_checks(false) {
        let attr = attr.map_err(error_text)?;
        if attr.key.as_ref() != naming.attribute {
            out.push_attribute(attr);
            continue;
        }
        // Read as `calamine` reads it: its entities replaced, nothing else.
        let name = unescape(&attr.value).map_err(error_text)?;
        let unique = names.numbered(&name);
        if unique == name {
            out.push_attribute(attr);
        } else {
            out.push_attribute((naming.attribute, unique.as_str()));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn renamed_xml(xml: &str, naming: &Naming) -> String {
        let mut out = Vec::new();
        rename_sheets(xml.as_bytes(), &mut out, naming).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn sheets_of_one_name_are_numbered_from_the_second_and_the_rest_is_kept() {
        let xml = r#"<?xml version="1.0"?><workbook xmlns:r="r"><sheets><sheet name="Data" r:id="rId1"/><sheet name="Data" r:id="rId2"/><sheet name="Data#2" r:id="rId3"></sheet><sheet name="A&amp;B"/><sheet name="A&amp;B"/></sheets><!-- c --><x>t&amp;</x></workbook>"#;
        assert_eq!(
            renamed_xml(xml, &XLSX),
            r#"<?xml version="1.0"?><workbook xmlns:r="r"><sheets><sheet name="Data" r:id="rId1"/><sheet name="Data#2" r:id="rId2"/><sheet name="Data#2#2" r:id="rId3"></sheet><sheet name="A&amp;B"/><sheet name="A&amp;B#2"/></sheets><!-- c --><x>t&amp;</x></workbook>"#
        );
        let ods = r#"<office:body><table:table table:name="p" table:style-name="s"><table:table-row/></table:table><table:table table:name="p"/></office:body>"#;
        assert_eq!(
            renamed_xml(ods, &ODS),
            r#"<office:body><table:table table:name="p" table:style-name="s"><table:table-row/></table:table><table:table table:name="p#2"/></office:body>"#
        );
    }
}
