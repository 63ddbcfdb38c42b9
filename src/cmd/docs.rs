//! `leakcheck completions SHELL` and `leakcheck man [COMMAND…] [--dir DIR]`: shell completions and man pages
//! rendered from the command line that src/cli.rs defines (clap_complete, clap_mangen). This
//! module only renders that definition; it adds no option of its own.

use crate::exit_codes::ExitCode;
use anyhow::{Context, Result, bail};
use clap_complete::Shell;
use clap_mangen::roff::{Roff, bold, roman};
use std::io::{self, Write};
use std::path::Path;

/// Writes the completion script of `shell` for `cli` to standard output.
pub fn completions(mut cli: clap::Command, shell: Shell) -> Result<ExitCode> {
    let mut script = Vec::new();
    let name = cli.get_name().to_string();
    clap_complete::generate(shell, &mut cli, name, &mut script);
    print(&script).context("writing the completions to standard output")
}

/// Writes the man page of `cli`, or of the subcommand that the path `command` names (`["report",
/// "people"]` for leakcheck-report-people(1)), to standard output.
pub fn man(cli: clap::Command, command: &[String]) -> Result<ExitCode> {
    let cli = built(cli);
    let mut page = &cli;
    for (depth, name) in command.iter().enumerate() {
        page = match page.find_subcommand(name) {
            Some(sub) => sub,
            None => {
                let names: Vec<&str> = page.get_subcommands().map(clap::Command::get_name).collect();
                if names.is_empty() {
                    bail!(
                        "{:?} has no commands: `leakcheck man {}` prints its page",
                        crate::report::mask::sanitize(&command[..depth].join(" ")),
                        crate::report::mask::sanitize(&command[..depth].join(" "))
                    )
                }
                bail!(
                    "no command {:?}: give one of {}",
                    crate::report::mask::sanitize(&command[..=depth].join(" ")),
                    names.join(", ")
                )
            }
        };
    }
    let mut text = Vec::new();
    render_man(&page_of(page, !command.is_empty()), &mut text).context("rendering the man page")?;
    print(&text).context("writing the man page to standard output")
}

/// Writes every man page — leakcheck(1) and one per command, nested ones included
/// (leakcheck-report-notify(1)), so that every page a SEE ALSO names exists — into `dir`, and
/// prints the paths written.
pub fn man_dir(cli: clap::Command, dir: &Path) -> Result<ExitCode> {
    let cli = built(cli);
    let mut pages = Vec::new();
    collect_pages(&cli, false, &mut pages);
    let mut written = String::new();
    for page in pages {
        let path = dir.join(format!("{}.1", page.get_display_name().unwrap_or(page.get_name())));
        let mut text = Vec::new();
        render_man(&page, &mut text).context("rendering the man page")?;
        // As a report is written: never through a symbolic link planted in `dir`, never half.
        crate::output::write_whole(&path, &text, MAN_PAGE_MODE)
            .with_context(|| format!("writing the man page {}", path.display()))?;
        written.push_str(&format!("{}\n", path.display()));
    }
    print(written.as_bytes()).context("writing the list of man pages to standard output")
}

/// A man page created by `man --dir` is readable by all, as `install -m 644` leaves it: it holds
/// no one's data (a report is created 0600).
const MAN_PAGE_MODE: u32 = 0o644;

/// `cli` as clap builds it for parsing: commands know their full names (`leakcheck-scan`,
/// `leakcheck-report-people`); `leakcheck help` has no page.
fn built(cli: clap::Command) -> clap::Command {
    let mut cli = cli.disable_help_subcommand(true);
    cli.build();
    cli
}

/// The command to render: a subcommand gets leakcheck's version, which clap_mangen's VERSION
/// section needs and a command has not of its own.
fn page_of(cmd: &clap::Command, is_subcommand: bool) -> clap::Command {
    if is_subcommand { cmd.clone().version(env!("CARGO_PKG_VERSION")) } else { cmd.clone() }
}

/// `cmd`'s page, then its commands' pages, depth first.
fn collect_pages(cmd: &clap::Command, is_subcommand: bool, pages: &mut Vec<clap::Command>) {
    pages.push(page_of(cmd, is_subcommand));
    for sub in cmd.get_subcommands() {
        collect_pages(sub, true, pages);
    }
}

/// clap_mangen's sections, except that the `--help` text after the options becomes NOTES and
/// its exit-code table (exit_codes.rs) an EXIT STATUS section.
fn render_man(cmd: &clap::Command, out: &mut dyn Write) -> io::Result<()> {
    let man = clap_mangen::Man::new(cmd.clone()).source(concat!("leakcheck ", env!("CARGO_PKG_VERSION")));
    man.render_title(out)?;
    man.render_name_section(out)?;
    man.render_synopsis_section(out)?;
    man.render_description_section(out)?;
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(out)?;
    }
    if cmd.has_subcommands() {
        man.render_subcommands_section(out)?;
    }
    let after = cmd.get_after_long_help().or_else(|| cmd.get_after_help()).map(|t| t.to_string());
    let (notes, statuses) = split_exit_codes(after.as_deref().unwrap_or(""));
    let mut roff = Roff::new();
    if !notes.trim().is_empty() {
        roff.control("SH", ["NOTES"]);
        // Examples keep their lines: no filling.
        roff.control("nf", []);
        for line in notes.trim_end().lines() {
            roff.text([roman(line)]);
        }
        roff.control("fi", []);
    }
    if !statuses.is_empty() {
        roff.control("SH", ["EXIT STATUS"]);
        for (code, meaning) in &statuses {
            roff.control("TP", []);
            roff.text([bold(*code)]);
            roff.text([roman(meaning.as_str())]);
        }
    }
    roff.to_writer(out)?;
    if cmd.get_version().is_some() {
        man.render_version_section(out)?;
    }
    Ok(())
}

/// Splits a `--help` epilogue at its `Exit codes:` table: the text before it, and each code with
/// its meaning (the continuation lines joined).
fn split_exit_codes(after_help: &str) -> (&str, Vec<(&str, String)>) {
    let Some(at) = after_help.find("Exit codes:") else { return (after_help, Vec::new()) };
    let mut statuses: Vec<(&str, String)> = Vec::new();
    for line in after_help[at..].lines().skip(1) {
        let line = line.trim();
        let (head, rest) = line.split_once("  ").unwrap_or((line, ""));
        if !head.is_empty() && head.bytes().all(|b| b.is_ascii_digit()) {
            statuses.push((head, rest.trim().to_string()));
        } else if let Some((_, meaning)) = statuses.last_mut() {
            meaning.push(' ');
            meaning.push_str(line);
        }
    }
    (&after_help[..at], statuses)
}

/// Writes `bytes` to standard output; a closed pipe (`| head`) is not an error.
fn print(bytes: &[u8]) -> io::Result<ExitCode> {
    let mut stdout = io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(e),
        _ => Ok(ExitCode::Clear),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_exit_code_table_becomes_codes_and_meanings() {
        let (notes, statuses) = split_exit_codes(
            "Examples:\n  leakcheck x\n\nExit codes:\n    0  done\n    2  error: bad usage,\n       or worse\n  130  Ctrl-C",
        );
        assert_eq!(notes, "Examples:\n  leakcheck x\n\n");
        assert_eq!(
            statuses,
            vec![
                ("0", "done".to_string()),
                ("2", "error: bad usage, or worse".to_string()),
                ("130", "Ctrl-C".to_string())
            ]
        );
        assert_eq!(split_exit_codes("no table"), ("no table", Vec::new()));
    }
}
