//! Reading a record's JSON-lines files back (`journal.jsonl`, `events.jsonl`, `hashes.jsonl`): the
//! one home of the torn-tail rule. A last line the server did not finish writing (no newline, or
//! only NUL bytes a crash left) is logged and dropped, never parsed as garbage; a bad line before
//! it is an error naming the file and line.

use std::io;
use std::path::Path;

use serde::de::DeserializeOwned;

/// A JSON-lines file read back.
#[derive(Debug)]
pub struct Lines<T> {
    pub items: Vec<T>,
    /// Bytes of the whole lines: where the file is cut to drop a torn tail.
    pub whole_len: u64,
    /// Bytes of the torn last line dropped (0 when the file ended cleanly).
    pub torn: u64,
}

/// Reads `path` (absent: no lines).
pub fn read<T: DeserializeOwned>(path: &Path) -> io::Result<Lines<T>> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(super::sink::with_path(e, path)),
    };
    parse(path, &bytes)
}

/// Parses the bytes of `path`.
pub fn parse<T: DeserializeOwned>(path: &Path, bytes: &[u8]) -> io::Result<Lines<T>> {
    let mut items = Vec::new();
    let mut at = 0usize;
    let mut n = 0usize;
    while at < bytes.len() {
        n += 1;
        let rest = &bytes[at..];
        let Some(end) = rest.iter().position(|&b| b == b'\n') else {
            return Ok(torn(path, items, at, rest.len(), n));
        };
        let line = &rest[..end];
        if line.iter().all(|&b| b == 0) && !line.is_empty() && at + end + 1 == bytes.len() {
            return Ok(torn(path, items, at, rest.len(), n));
        }
        if !line.iter().all(u8::is_ascii_whitespace) {
            match serde_json::from_slice(line) {
                Ok(item) => items.push(item),
                Err(e) => {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!("{}:{n}: bad line: {e}", path.display()),
                    ));
                }
            }
        }
        at += end + 1;
    }
    Ok(Lines { items, whole_len: bytes.len() as u64, torn: 0 })
}

fn torn<T>(path: &Path, items: Vec<T>, at: usize, len: usize, n: usize) -> Lines<T> {
    tracing::warn!(
        "{}:{n}: torn last line ({len} bytes, the server stopped mid-write) dropped (残缺的最后一行已丢弃)",
        path.display()
    );
    Lines { items, whole_len: at as u64, torn: len as u64 }
}

/// Cuts a torn tail off `path` so appends continue after its last whole line.
pub fn cut_torn_tail<T>(path: &Path, lines: &Lines<T>) -> io::Result<()> {
    if lines.torn == 0 {
        return Ok(());
    }
    let f = std::fs::OpenOptions::new().write(true).open(path).map_err(|e| super::sink::with_path(e, path))?;
    f.set_len(lines.whole_len).and_then(|()| f.sync_data()).map_err(|e| super::sink::with_path(e, path))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(bytes: &[u8]) -> io::Result<Lines<u32>> {
        parse(Path::new("x.jsonl"), bytes)
    }

    #[test]
    fn a_torn_tail_is_dropped_and_a_bad_line_before_it_is_an_error() {
        let l = p(b"1\n2\n").unwrap();
        assert_eq!((l.items, l.whole_len, l.torn), (vec![1, 2], 4, 0));
        // No newline: torn, even when the bytes would parse ("3" of "35").
        let l = p(b"1\n2\n3").unwrap();
        assert_eq!((l.items, l.whole_len, l.torn), (vec![1, 2], 4, 1));
        let l = p(b"1\n{\"t_s\":").unwrap();
        assert_eq!((l.items, l.torn), (vec![1], 7));
        // NUL bytes a crash left at the end.
        let l = p(b"1\n\0\0\0\n").unwrap();
        assert_eq!((l.items, l.whole_len), (vec![1], 2));
        // A bad line in the middle is garbage, not a crash: an error naming it.
        let e = p(b"1\nxx\n3\n").unwrap_err().to_string();
        assert!(e.contains("x.jsonl:2"), "{e}");
        // A whole last line that does not parse is garbage too.
        assert!(p(b"1\nxx\n").is_err());
        assert!(p(b"").unwrap().items.is_empty());
    }
}
