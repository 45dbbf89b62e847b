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
            Out::Writer(w) => w.write_all(bytes).and_then(|()| w.flush()),
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
