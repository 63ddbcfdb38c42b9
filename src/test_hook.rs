//! The test-only hooks: `LEAKCHECK_TEST_*` variables that dev and test builds read (build.rs
//! sets `cfg(leakcheck_test_hooks)` for them) so that tests of a limit or a wait need not reach
//! its real size, and that a release build (what users run) never reads.

/// The value of the test hook `var` where the build reads hooks and `var` is set and parses;
/// `None` otherwise (a release build, unset, or not a `T`).
pub fn value<T: std::str::FromStr>(var: &str) -> Option<T> {
    if !cfg!(leakcheck_test_hooks) {
        return None;
    }
    parsed(std::env::var(var).ok())
}

fn parsed<T: std::str::FromStr>(text: Option<String>) -> Option<T> {
    text?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hook_is_read_in_a_test_build_and_only_when_it_parses() {
        assert_eq!(value::<u64>("LEAKCHECK_TEST_NO_SUCH_HOOK"), None, "unset");
        assert_eq!(parsed::<u64>(Some("1500".into())), Some(1500));
        assert_eq!(parsed::<u64>(Some("1.5 s".into())), None, "not a number");
        assert_eq!(parsed::<u64>(None), None);
    }
}
