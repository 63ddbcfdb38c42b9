//! Arbitrary entry lines of an unkeyed hashed watchlist; see `leakcheck::fuzzing::run` for what is checked.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| leakcheck::fuzzing::run("watchlist_hashed", data));
