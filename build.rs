//! Turns on the test-only hooks (the `LEAKCHECK_TEST_*` variables) in dev and test builds and
//! never in release ones. They used to hang on `cfg!(debug_assertions)`, which kept std's debug
//! checks on in the tests' binary: half its CPU (issue 20: test time).

fn main() {
    println!("cargo::rustc-check-cfg=cfg(leakcheck_test_hooks)");
    println!("cargo::rerun-if-changed=build.rs");
    // `PROFILE` is `debug` for every profile that inherits from `dev` (dev, test), `release`
    // for the others (release, profiling, bench).
    if std::env::var("PROFILE").as_deref() == Ok("debug") {
        println!("cargo::rustc-cfg=leakcheck_test_hooks");
    }
}
