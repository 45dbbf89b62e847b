//! Helpers for the end-to-end tests: build and locate the real `sandtable-server` binary, run it
//! as a child process (killed if a test fails), read what it prints, make scratch directories.

#![allow(dead_code)]

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

/// The workspace root (holds `scenarios/` and `assets/`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ has a parent").to_path_buf()
}

/// Builds `sandtable-server` with this test's profile and target directory (a no-op when it is
/// up to date) and returns its path. Cargo gives binary paths only to the binary's own crate's
/// tests, so the tests crate asks cargo itself, as `escargot` does.
pub fn server_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    // <target>/<profile>/deps/<test>
    let profile_dir = exe.parent().and_then(Path::parent).expect("test binary lives in <target>/<profile>/deps");
    let target_dir = profile_dir.parent().expect("profile dir has a parent");
    let profile = profile_dir.file_name().and_then(|n| n.to_str()).unwrap_or("debug");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(workspace_root())
        .args(["build", "--quiet", "-p", "server", "--bin", "sandtable-server", "--target-dir"])
        .arg(target_dir);
    match profile {
        "debug" => {}
        "release" => {
            cmd.arg("--release");
        }
        other => {
            cmd.args(["--profile", other]);
        }
    }
    let status = cmd.status().expect("run cargo build");
    assert!(status.success(), "cargo build -p server failed");
    let bin = profile_dir.join(format!("sandtable-server{}", std::env::consts::EXE_SUFFIX));
    assert!(bin.is_file(), "{} was not built", bin.display());
    bin
}

/// A fresh scratch directory under the system temp dir.
pub fn temp_dir(tag: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    let dir = std::env::temp_dir().join(format!("sandtable-e2e-{tag}-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

/// A running `sandtable-server`; killed on drop unless it has exited.
pub struct ServerProcess {
    child: Child,
    lines: Receiver<String>,
    pub stdout: Vec<String>,
}

impl ServerProcess {
    /// Starts the binary in the workspace root; stderr (the log) goes to `log`.
    pub fn spawn(bin: &Path, args: &[&str], log: &Path) -> ServerProcess {
        ServerProcess::spawn_env(bin, args, &[], log)
    }

    /// As [`ServerProcess::spawn`] with environment variables set.
    pub fn spawn_env(bin: &Path, args: &[&str], env: &[(&str, &str)], log: &Path) -> ServerProcess {
        let mut child = Command::new(bin)
            .current_dir(workspace_root())
            .args(args)
            .envs(env.iter().copied())
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(File::create(log).expect("create log file"))
            .spawn()
            .expect("start sandtable-server");
        let out = child.stdout.take().expect("piped stdout");
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        ServerProcess { child, lines, stdout: Vec::new() }
    }

    /// The rest of the first stdout line containing `marker`, within `timeout`.
    pub fn wait_for(&mut self, marker: &str, timeout: Duration) -> String {
        let start = Instant::now();
        while let Some(left) = timeout.checked_sub(start.elapsed()) {
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.stdout.push(line.clone());
                    if let Some(i) = line.find(marker) {
                        return line[i + marker.len()..].trim().to_string();
                    }
                }
                Err(_) => break,
            }
        }
        panic!("server printed no `{marker}` within {timeout:?}; stdout so far: {:?}", self.stdout);
    }

    /// Waits for the process to exit by itself and collects the rest of its stdout.
    pub fn wait_exit(&mut self, timeout: Duration) -> ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("poll child") {
                while let Ok(line) = self.lines.recv_timeout(Duration::from_millis(200)) {
                    self.stdout.push(line);
                }
                return status;
            }
            assert!(start.elapsed() < timeout, "server still running after {timeout:?}; stdout: {:?}", self.stdout);
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl ServerProcess {
    /// The process id.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Sends a signal by name (`TERM`, `HUP`, `KILL`) with the system's `kill`.
    pub fn signal(&self, name: &str) {
        let status =
            Command::new("kill").arg(format!("-{name}")).arg(self.child.id().to_string()).status().expect("run kill");
        assert!(status.success(), "kill -{name} {} failed", self.child.id());
    }

    /// Whether the process has exited.
    pub fn exited(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(Some(_)))
    }

    /// SIGKILL, as a crash: nothing of the server runs after it. Waits for the process to go.
    pub fn kill_hard(&mut self) -> ExitStatus {
        let _ = self.child.kill();
        self.child.wait().expect("wait for the killed server")
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Reads a JSON file, naming it on failure.
pub fn read_json(path: &Path) -> serde_json::Value {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
