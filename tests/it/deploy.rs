//! The recipes of `deploy/` (issue 19): the GNU parallel one runs for real on the fixtures; the
//! Kubernetes manifest, the Slurm script and the Dockerfile cannot run here (no kubectl, Slurm
//! or Docker engine), so the shard arguments each computes are run under `sh`/`bash` with a stub
//! `leakcheck` that records them.

use crate::common;

use common::{Scratch, leakcheck};
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn deploy(name: &str) -> PathBuf {
    root().join("deploy").join(name)
}

/// A directory holding a `leakcheck` that appends its arguments, one per line and a blank line
/// after, to `argv.log` beside it.
fn stub(dir: &Scratch) -> PathBuf {
    let bin = dir.path("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let log = dir.path("argv.log");
    let script = format!(
        "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done >> '{}'\necho >> '{}'\n",
        log.display(),
        log.display()
    );
    let path = bin.join("leakcheck");
    std::fs::write(&path, script).unwrap();
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    // sbatch, for the Slurm script's submission: prints a job id.
    let sbatch = bin.join("sbatch");
    let script = format!(
        "#!/bin/sh\nfor a in sbatch \"$@\"; do printf '%s\\n' \"$a\"; done >> '{}'\necho >> '{}'\necho 4242\n",
        log.display(),
        log.display()
    );
    std::fs::write(&sbatch, script).unwrap();
    std::fs::set_permissions(&sbatch, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    bin
}

/// Each call's arguments, as recorded by the stub.
fn calls(dir: &Scratch) -> Vec<Vec<String>> {
    let log = std::fs::read_to_string(dir.path("argv.log")).unwrap_or_default();
    log.split("\n\n")
        .filter(|c| !c.trim().is_empty())
        .map(|c| c.lines().map(String::from).collect())
        .collect()
}

fn path_with(bin: &Path) -> String {
    format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default())
}

/// The value of `key: VALUE` on the first line of `yaml` (from `from` on) that holds it.
fn yaml_value<'a>(yaml: &'a str, from: usize, key: &str) -> &'a str {
    let line =
        yaml[from..].lines().find(|l| l.trim_start().starts_with(key)).unwrap_or_else(|| panic!("{key}"));
    line.trim_start()[key.len()..].trim().trim_matches('"')
}

/// The manifest as `RUN=run envsubst '$RUN'` renders it: `${RUN}` and `$RUN` (not `$RUN_ID`).
fn render(yaml: &str, run: &str) -> String {
    let mut out = String::new();
    let mut rest = yaml;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        if let Some(after) = tail.strip_prefix("${RUN}") {
            out.push_str(run);
            rest = after;
        } else if let Some(after) = tail.strip_prefix("$RUN")
            && !after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
        {
            out.push_str(run);
            rest = after;
        } else {
            out.push('$');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

/// Runs a container's one-line shell command of `job` (a rendered Job document) with the Job's
/// environment, `/data` standing for `data`, and `extra` variables on top.
fn run_container(job: &str, data: &Path, bin: &Path, extra: &[(&str, &str)]) -> std::process::Output {
    let command =
        yaml_value(job, job.find("args:").unwrap() + 5, "- ").replace("/data", data.to_str().unwrap());
    let mut cmd = Command::new("sh");
    cmd.args(["-c", &command]).env("PATH", path_with(bin));
    let mut at = 0;
    while let Some(found) = job[at..].find("- name: ") {
        let line_start = at + found;
        let name = job[line_start + 8..].lines().next().unwrap().trim();
        if name.chars().all(|c| c.is_ascii_uppercase() || c == '_') {
            cmd.env(name, yaml_value(job, line_start, "value:"));
        }
        at = line_start + 8;
    }
    for (k, v) in extra {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

#[test]
fn the_indexed_job_gives_pod_i_shard_i_plus_1_of_completions() {
    let yaml = std::fs::read_to_string(deploy("k8s-indexed-job.yaml")).unwrap();
    assert!(yaml.contains("envsubst '$RUN'"), "the header says how to apply it");
    let run = "20261205T130000Z";
    let rendered = render(&yaml, run);
    let docs: Vec<&str> = rendered.split("\n---\n").collect();
    assert_eq!(docs.len(), 2, "the scan Job and the merge Job");
    let scan = docs[0];
    assert_eq!(yaml_value(scan, 0, "kind:"), "Job");
    assert_eq!(yaml_value(scan, 0, "completionMode:"), "Indexed");
    let n: u32 = yaml_value(scan, 0, "completions:").parse().unwrap();
    let parallelism: u32 = yaml_value(scan, 0, "parallelism:").parse().unwrap();
    assert!(parallelism >= 1 && parallelism <= n);
    let shards_at = scan.find("name: SHARDS").unwrap();
    assert_eq!(yaml_value(scan, shards_at, "value:"), n.to_string(), "SHARDS = completions");
    let as_of = yaml_value(scan, scan.find("name: AS_OF").unwrap(), "value:");
    let dir = Scratch::new();
    let bin = stub(&dir);
    let data = dir.path("data");
    for index in 0..n {
        let out = run_container(scan, &data, &bin, &[("JOB_COMPLETION_INDEX", &index.to_string())]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let calls = calls(&dir);
    assert_eq!(calls.len(), n as usize);
    let run_dir = data.join("out").join(run);
    for (i, call) in calls.iter().enumerate() {
        let at = call.iter().position(|a| a == "--shard").unwrap();
        assert_eq!(call[at + 1], format!("{}/{n}", i + 1));
        assert!(call.windows(2).any(|w| w == ["--fail-on", "never"]), "{call:?}");
        assert!(call.windows(2).any(|w| w[0] == "--as-of" && w[1] == as_of), "{call:?}");
        // Each run writes into a directory of its own.
        let at = call.iter().position(|a| a == "-o").unwrap();
        assert_eq!(Path::new(&call[at + 1]), run_dir.join(format!("shard-{}-of-{n}.json", i + 1)));
    }
    assert!(run_dir.is_dir(), "the scan pods make the run's directory");

    // The merge Job's SHARDS is the scan Job's N; it is bounded in time.
    let merge = docs[1];
    assert_eq!(yaml_value(merge, merge.find("name: SHARDS").unwrap(), "value:"), n.to_string());
    let deadline: u64 = yaml_value(merge, 0, "activeDeadlineSeconds:").parse().unwrap();
    let wait: u64 = yaml_value(merge, merge.find("name: WAIT_SECONDS").unwrap(), "value:").parse().unwrap();
    assert!(wait < deadline, "the merge gives up with its own message before the Job's deadline");
    // Last night's run left all N reports; tonight shard 1 failed: the merge must not use the old
    // one, and says which shard is missing instead of waiting forever.
    let old = data.join("out/20261204T130000Z");
    std::fs::create_dir_all(&old).unwrap();
    for k in 1..=n {
        std::fs::write(old.join(format!("shard-{k}-of-{n}.json")), "{}").unwrap();
        std::fs::write(data.join(format!("out/shard-{k}-of-{n}.json")), "{}").unwrap();
        if k > 1 {
            std::fs::write(run_dir.join(format!("shard-{k}-of-{n}.json")), "{}").unwrap();
        }
    }
    std::fs::remove_file(dir.path("argv.log")).unwrap();
    let out = run_container(merge, &data, &bin, &[("WAIT_SECONDS", "0")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(&format!("shard 1 of {n} missing")), "{stderr}");
    assert!(self::calls(&dir).is_empty(), "no merge of an incomplete run");
    // With tonight's N reports it merges exactly those.
    std::fs::write(run_dir.join(format!("shard-1-of-{n}.json")), "{}").unwrap();
    let out = run_container(merge, &data, &bin, &[("WAIT_SECONDS", "0")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let merge_call = self::calls(&dir).pop().unwrap();
    assert_eq!(&merge_call[..2], ["report", "merge"]);
    assert_eq!(merge_call.len(), 2 + n as usize + 2, "{merge_call:?}");
    for (k, path) in merge_call[2..2 + n as usize].iter().enumerate() {
        assert_eq!(Path::new(path), run_dir.join(format!("shard-{}-of-{n}.json", k + 1)));
    }
    assert_eq!(Path::new(merge_call.last().unwrap()), run_dir.join("scan.json"));

    // Applied without envsubst, neither Job runs anything.
    let raw: Vec<&str> = yaml.split("\n---\n").collect();
    std::fs::remove_file(dir.path("argv.log")).unwrap();
    for (job, extra) in [(raw[0], ("JOB_COMPLETION_INDEX", "0")), (raw[1], ("WAIT_SECONDS", "0"))] {
        let out = run_container(job, &data, &bin, &[extra]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("RUN was not filled in"), "{stderr}");
        let empty = run_container(job, &data, &bin, &[extra, ("RUN_ID", "")]);
        assert_eq!(empty.status.code(), Some(2));
    }
    assert!(self::calls(&dir).is_empty());
}

#[test]
fn the_slurm_script_gives_task_k_shard_k_and_submits_a_dependent_merge() {
    let dir = Scratch::new();
    let bin = stub(&dir);
    let script = deploy("slurm-array.sh");
    for k in 1..=3 {
        let status = Command::new("bash")
            .arg(&script)
            .args(["/shared/out", "/shared/leak", "--watch", "/shared/list.csv"])
            .env("PATH", path_with(&bin))
            .env("SLURM_ARRAY_TASK_ID", k.to_string())
            .env("SHARDS", "3")
            .env("AS_OF", "2026-06-01")
            .status()
            .unwrap();
        assert!(status.success());
    }
    let tasks = calls(&dir);
    for (i, call) in tasks.iter().enumerate() {
        assert_eq!(
            call[..9],
            [
                "scan",
                "--shard",
                &format!("{}/3", i + 1),
                "--fail-on",
                "never",
                "--as-of",
                "2026-06-01",
                "--no-progress",
                "--format"
            ]
        );
        assert_eq!(call[call.len() - 3..], ["/shared/leak", "--watch", "/shared/list.csv"]);
    }
    // Submission: the array 1-N, then the merge after it (afterany: also when a shard failed).
    // A report an earlier run left is deleted at submission, before sbatch: were tonight's task 2
    // to fail, the merge finds no shard 2 rather than last night's. Another N's are not touched.
    std::fs::remove_file(dir.path("argv.log")).unwrap();
    let out = dir.path("out");
    std::fs::create_dir_all(&out).unwrap();
    for name in ["shard-1-of-3.json", "shard-2-of-3.json", "shard-3-of-3.json", "shard-1-of-4.json"] {
        std::fs::write(out.join(name), "{}").unwrap();
    }
    let status = Command::new("bash")
        .arg(&script)
        .arg(&out)
        .args(["/shared/leak", "--watch", "/shared/list.csv"])
        .env("PATH", path_with(&bin))
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env("SHARDS", "3")
        .status()
        .unwrap();
    assert!(status.success());
    let submitted = calls(&dir);
    assert_eq!(submitted.len(), 2, "{submitted:?}");
    assert!(submitted[0].contains(&"--array=1-3".to_string()), "{submitted:?}");
    assert!(submitted[1].contains(&"--dependency=afterany:4242".to_string()), "{submitted:?}");
    let wrap = submitted[1].iter().position(|a| a == "--wrap").unwrap();
    let merge = &submitted[1][wrap + 1];
    assert!(merge.contains("report merge") && merge.contains("shard-3-of-3.json"), "{merge}");
    for k in 1..=3 {
        assert!(!out.join(format!("shard-{k}-of-3.json")).exists(), "stale shard {k} removed");
    }
    assert!(out.join("shard-1-of-4.json").exists());
}

#[test]
fn the_dockerfile_builds_locked_release_in_one_stage_and_runs_in_a_small_one() {
    let text = std::fs::read_to_string(deploy("Dockerfile")).unwrap();
    let froms: Vec<&str> = text.lines().filter(|l| l.starts_with("FROM ")).collect();
    assert_eq!(froms.len(), 2, "multi-stage: {froms:?}");
    assert!(froms[0].starts_with("FROM rust:") && froms[0].ends_with(" AS build"));
    assert!(froms[1].contains("slim") || froms[1].contains("distroless"), "{}", froms[1]);
    assert!(text.contains("cargo build --locked --release"));
    assert!(text.contains("COPY --from=build"));
    let ignore = std::fs::read_to_string(deploy("Dockerfile.dockerignore")).unwrap();
    assert!(ignore.lines().any(|l| l == "target"), "the build context leaves target/ out");
}

/// GNU parallel is on this machine (CI installs it: `LEAKCHECK_REQUIRE_PARALLEL=1`).
fn have_parallel() -> bool {
    let found = Command::new("parallel").arg("--version").output().is_ok_and(|o| o.status.success());
    if !found && std::env::var_os("LEAKCHECK_REQUIRE_PARALLEL").is_some() {
        panic!("GNU parallel is required (LEAKCHECK_REQUIRE_PARALLEL is set) and not found");
    }
    found
}

#[test]
fn the_gnu_parallel_recipe_merges_to_the_unsharded_scan() {
    if !have_parallel() {
        eprintln!("GNU parallel not found: the recipe's run is skipped");
        return;
    }
    let dir = Scratch::new();
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_leakcheck"));
    let inputs = ["fixtures/csv", "fixtures/formats/pasien.ndjson", "fixtures/formats/pasien_pg.sql"];
    let watch = ["--watch", "fixtures/csv/people.csv"];
    let whole = dir.path("whole.json");
    let unsharded = leakcheck()
        .current_dir(root())
        .arg("scan")
        .args(inputs)
        .args(watch)
        .args(["--as-of", "2026-06-01", "--no-progress", "-f", "json", "-o"])
        .arg(&whole)
        .output()
        .unwrap();
    let merged = dir.path("out/scan.json");
    std::fs::create_dir_all(dir.path("out")).unwrap();
    let run = Command::new("bash")
        .current_dir(root())
        .arg(deploy("parallel.sh"))
        .arg("3")
        .arg(&merged)
        .args(inputs)
        .args(watch)
        .env("LEAKCHECK", &binary)
        .env("AS_OF", "2026-06-01")
        .env("HOME", dir.dir())
        .output()
        .unwrap();
    assert_eq!(run.status.code(), unsharded.status.code(), "{}", String::from_utf8_lossy(&run.stderr));
    let blank = |p: &Path| {
        let v: serde_json::Value = serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap();
        let mut v = v;
        v["started_at"] = "".into();
        v["summary"]["elapsed_ms"] = 0.into();
        v
    };
    assert_eq!(blank(&merged), blank(&whole));
    for k in 1..=3 {
        assert!(dir.path(&format!("out/shards/shard-{k}-of-3.json")).exists());
    }
}
