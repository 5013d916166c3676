//! The AWS CLI and boto3, unchanged but for their endpoint, against `sfn serve`: the
//! scripts in tests/clients/ run against a server each, started with the mock config there.
//!
//! The clients live in a virtualenv that `.ci/run` makes (`target/client-venv`, or the
//! folder `SFN_CLIENT_VENV` names) from tests/clients/requirements.txt. Without it the
//! test fails under CI and says what to run elsewhere.

mod common;

use common::serve::Server;
use std::path::PathBuf;
use std::process::Command;

fn venv() -> Option<PathBuf> {
    let dir = std::env::var_os("SFN_CLIENT_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/client-venv"));
    if dir.join("bin/python").exists() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "no client virtualenv at {}: .ci/run makes it",
        dir.display()
    );
    eprintln!(
        "skipped: no client virtualenv at {} (python3 -m venv {0} && {0}/bin/pip install -r \
         tests/clients/requirements.txt)",
        dir.display()
    );
    None
}

fn server() -> Server {
    Server::start(&[
        "--virtual-time",
        "--mock-config",
        "tests/clients/mocks.json",
    ])
}

/// Runs `program args` from the clients' virtualenv against `server`; its output if it fails.
fn run(venv: &std::path::Path, server: &Server, program: &str, args: &[&str]) {
    let path = format!(
        "{}:{}",
        venv.join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new(program)
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("PATH", path)
        .env("SFN_ENDPOINT", server.endpoint())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("the client runs");
    assert!(
        out.status.success(),
        "{program} {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn boto3_works_against_the_server() {
    let Some(venv) = venv() else { return };
    let server = server();
    let python = venv.join("bin/python");
    let python = python.to_str().unwrap();
    run(
        &venv,
        &server,
        python,
        &[
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/clients/test_boto3.py",
        ],
    );
}

#[test]
fn the_aws_cli_works_against_the_server() {
    let Some(venv) = venv() else { return };
    let server = server();
    run(&venv, &server, "bash", &["tests/clients/aws_cli.sh"]);
}
