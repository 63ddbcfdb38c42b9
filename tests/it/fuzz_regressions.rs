//! Every fuzz target's seeds (`fuzz/seeds/TARGET`) and every input a fuzzer ever made fail
//! (`fuzz/regressions/TARGET`), replayed through the same harness on the stable toolchain.

use leakcheck::fuzzing::{TARGETS, run};
use std::path::Path;

#[test]
fn seeds_and_past_findings_pass_every_harness() {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut replayed = 0;
    for target in TARGETS {
        let mut seeds = 0;
        for dir in ["seeds", "regressions"] {
            let Ok(entries) = std::fs::read_dir(fuzz.join(dir).join(target)) else { continue };
            for entry in entries {
                let path = entry.unwrap().path();
                let data = std::fs::read(&path).unwrap();
                let outcome = std::panic::catch_unwind(|| run(target, &data));
                assert!(outcome.is_ok(), "{target}: {} fails its harness", path.display());
                seeds += usize::from(dir == "seeds");
                replayed += 1;
            }
        }
        assert!(seeds > 0, "fuzz target {target} has no seeds");
    }
    assert!(replayed >= TARGETS.len());
}
