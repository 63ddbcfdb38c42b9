//! A JSON dump (an array of objects, streamed) of arbitrary bytes; see `leakcheck::fuzzing::run` for what is checked.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| leakcheck::fuzzing::run("json", data));
