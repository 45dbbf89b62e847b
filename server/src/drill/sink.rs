//! An append-only record file (`journal.jsonl`, `events.jsonl`, `hashes.jsonl`): each append is
//! one `write_all`, a failed append is cut back off the file, and `sync_data` puts it on the disk.
//! Tests put any writer in its place (a full disk is a writer that fails).

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Where a record file's bytes go.
pub struct Sink {
    out: Out,
    /// The file's name in error messages.
    name: PathBuf,
    /// Bytes in the file after the last whole append.
    len: u64,
    /// `sync_data` calls so far.
    syncs: u64,
}

enum Out {
    File(File),
    Writer(Box<dyn Write + Send>),
}

impl Sink {
    /// Opens `path` for appending, creating it.
    pub fn append_to(path: &Path) -> io::Result<Sink> {
        let file = OpenOptions::new().create(true).append(true).open(path).map_err(|e| with_path(e, path))?;
        let len = file.metadata().map(|m| m.len()).unwrap_or(0);
        Ok(Sink { out: Out::File(file), name: path.to_path_buf(), len, syncs: 0 })
    }

    /// Creates `path` empty (truncating what was there).
    pub fn create(path: &Path) -> io::Result<Sink> {
        let file = File::create(path).map_err(|e| with_path(e, path))?;
        Ok(Sink { out: Out::File(file), name: path.to_path_buf(), len: 0, syncs: 0 })
    }

    /// Any writer, named `name` in errors (tests).
    pub fn writer(name: &str, out: Box<dyn Write + Send>) -> Sink {
        Sink { out: Out::Writer(out), name: name.into(), len: 0, syncs: 0 }
    }

    /// The file's path (or the test writer's name).
    pub fn name(&self) -> &Path {
        &self.name
    }

    /// How many times the file was synced to the disk.
    pub fn syncs(&self) -> u64 {
        self.syncs
    }

    /// Appends `bytes` in one write and flushes them to the OS; with `sync`, to the disk too.
    /// On an error nothing of `bytes` stays in the file (as far as the OS lets it be cut back),
    /// and the error names the file.
    pub fn append(&mut self, bytes: &[u8], sync: bool) -> io::Result<()> {
        let result = match &mut self.out {
            Out::File(f) => f.write_all(bytes).and_then(|()| if sync { f.sync_data() } else { Ok(()) }),
            // A writer's flush stands for the sync (a test's failing flush is a failing disk).
            Out::Writer(w) => w.write_all(bytes).and_then(|()| if sync { w.flush() } else { Ok(()) }),
        };
        match result {
            Ok(()) => {
                self.len += bytes.len() as u64;
                self.syncs += u64::from(sync && matches!(self.out, Out::File(_)));
                Ok(())
            }
            Err(e) => {
                if let Out::File(f) = &self.out {
                    // Best effort: a half-written line must not stay in the record.
                    let _ = f.set_len(self.len);
                }
                Err(with_path(e, &self.name))
            }
        }
    }

    /// Puts what was appended so far on the disk.
    pub fn sync(&mut self) -> io::Result<()> {
        match &mut self.out {
            Out::File(f) => {
                self.syncs += 1;
                f.sync_data().map_err(|e| with_path(e, &self.name))
            }
            Out::Writer(w) => w.flush().map_err(|e| with_path(e, &self.name)),
        }
    }
}

/// The error with the file's path in front.
pub fn with_path(e: io::Error, path: &Path) -> io::Error {
    io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appends_reach_the_file_and_a_failed_write_names_the_file() {
        let dir = crate::testkit::temp_dir("sink");
        let path = dir.join("x.jsonl");
        let mut s = Sink::append_to(&path).unwrap();
        s.append(b"a\n", true).unwrap();
        s.append(b"b\n", false).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "a\nb\n");
        assert_eq!(s.syncs(), 1);
        // Reopened: appends after what is there.
        let mut s = Sink::append_to(&path).unwrap();
        s.append(b"c\n", true).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "a\nb\nc\n");
        // A full disk: /dev/full refuses every write with ENOSPC.
        let mut full = Sink::append_to(Path::new("/dev/full")).unwrap();
        let err = full.append(b"line\n", true).unwrap_err();
        assert!(err.to_string().contains("/dev/full"), "{err}");
        assert_eq!(err.raw_os_error(), None, "wrapped, but the kind stays: {err}");
        assert_eq!(err.kind(), io::ErrorKind::StorageFull, "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

/// The figures of BENCHMARKS.md ("Records"): what one `sync_data` of a journal line costs on
/// this disk, and what a state hash costs on a shipped drill.
/// `cargo test -p server --lib drill::sink::cost -- --ignored --nocapture`
#[cfg(test)]
mod cost {
    use std::time::{Duration, Instant};

    use super::Sink;
    use crate::drill::DrillSetup;

    fn percentiles(mut v: Vec<Duration>) -> (f64, f64, f64) {
        v.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        let mean = v.iter().map(|d| ms(*d)).sum::<f64>() / v.len() as f64;
        (mean, ms(v[v.len() / 2]), ms(v[v.len() * 99 / 100]))
    }

    #[test]
    #[ignore = "a measurement, not a check: run by hand for BENCHMARKS.md"]
    fn fsync_and_state_hash_cost() {
        let dir = crate::testkit::temp_dir("fsync-cost");
        // A journal line of a real drill (a 初报 report) is about 450 bytes.
        let line = format!("{{\"seq\":1,\"t_s\":13440,\"note\":\"{}\"}}\n", "x".repeat(420));
        for sync in [false, true] {
            let mut s = Sink::append_to(&dir.join(format!("j-{sync}.jsonl"))).unwrap();
            let times: Vec<Duration> = (0..500)
                .map(|_| {
                    let t = Instant::now();
                    s.append(line.as_bytes(), sync).unwrap();
                    t.elapsed()
                })
                .collect();
            let (mean, p50, p99) = percentiles(times);
            println!(
                "append of {} bytes, sync {sync}: mean {mean:.3} ms, p50 {p50:.3} ms, p99 {p99:.3} ms",
                line.len()
            );
        }
        let path = crate::testkit::shipped_scenarios().into_iter().find(|p| p.ends_with("flood_valira.ron")).unwrap();
        let setup = DrillSetup::load(&path, None).unwrap();
        let mut world = sim::World::new(setup.scenario.clone(), setup.map.clone(), setup.seed).unwrap();
        let mut times = Vec::new();
        while !world.is_finished() {
            world.step();
            if crate::drill::record::hash_due(world.time_s(), setup.scenario.tick_s, world.duration_s()) {
                let t = Instant::now();
                std::hint::black_box(world.state_hash());
                times.push(t.elapsed());
            }
        }
        let n = times.len();
        let (mean, p50, p99) = percentiles(times);
        println!("state hash of flood_valira ({n} per drill): mean {mean:.3} ms, p50 {p50:.3} ms, p99 {p99:.3} ms");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
