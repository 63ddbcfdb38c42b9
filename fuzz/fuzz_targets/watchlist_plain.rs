//! A watchlist of arbitrary bytes (mostly a plain list); see `leakcheck::fuzzing::run` for what is checked.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| leakcheck::fuzzing::run("watchlist_plain", data));
