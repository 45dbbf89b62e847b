//! What the client's end-to-end tests share: where the data is, a scratch directory, and running
//! the real `sandtable` binary under `xvfb-run` (Mesa's software Vulkan) to its exit, bounded.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// A debug build under lavapipe draws ~30 ms a frame; loading and hosting take a few seconds.
const WALL_LIMIT: Duration = Duration::from_secs(300);

/// Where `scenarios/` and `assets/` are: `$SANDTABLE_HOME` if set (as for the binary), else
/// this workspace.
pub fn data_root() -> PathBuf {
    match std::env::var_os("SANDTABLE_HOME") {
        Some(home) => PathBuf::from(home),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("client has a parent").to_path_buf(),
    }
}

/// A fresh directory under the system's temporary directory, named by `tag`.
pub fn scratch_dir(tag: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    let dir = std::env::temp_dir().join(format!("sandtable-{tag}-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The last 30 lines of a file, for failure messages.
pub fn tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

/// What a run left: its exit status and where its stdout and stderr went.
pub struct Run {
    pub status: ExitStatus,
    pub out: PathBuf,
    pub err: PathBuf,
}

/// Runs `sandtable <args>` under `xvfb-run` in `dir` (records of a hosted drill go there), with
/// stdout and stderr in files of `dir`; panics with its stderr if it runs past the wall limit.
pub fn run_sandtable(dir: &Path, what: &str, args: &[&std::ffi::OsStr]) -> Run {
    let (out, err) = (dir.join("stdout.txt"), dir.join("stderr.txt"));
    let spawned = Command::new("xvfb-run")
        .args(["-a", "-s", "-screen 0 1280x800x24"])
        .arg(env!("CARGO_BIN_EXE_sandtable"))
        .args(args)
        .current_dir(dir)
        .env("SANDTABLE_HOME", data_root())
        .stdout(Stdio::from(File::create(&out).unwrap()))
        .stderr(Stdio::from(File::create(&err).unwrap()))
        .spawn();
    let mut child = match spawned {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!(
            "xvfb-run not found: the client's end-to-end tests need an X server. Install it with \
             `apt-get install -y --no-install-recommends xvfb xauth mesa-vulkan-drivers libvulkan1` (see .ci/run)"
        ),
        Err(e) => panic!("cannot start xvfb-run: {e}"),
    };
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > WALL_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: sandtable did not exit within {} s; stderr:\n{}", WALL_LIMIT.as_secs(), tail(&err));
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    Run { status, out, err }
}

/// Decodes an 8-bit RGB(A) PNG into (width, height, RGB pixels).
#[allow(dead_code)] // not every test reads PNGs
pub fn read_png(path: &Path) -> (u32, u32, Vec<[u8; 3]>) {
    let decoder = png::Decoder::new(BufReader::new(File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().expect("image fits in memory")];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    let channels = match info.color_type {
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        other => panic!("unexpected PNG colour type {other:?}"),
    };
    let pixels = buf[..info.buffer_size()].chunks_exact(channels).map(|c| [c[0], c[1], c[2]]).collect();
    (info.width, info.height, pixels)
}
