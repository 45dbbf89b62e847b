//! The importer's errors: each names the file (or option) and what is wrong with it.

use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{what} {path} does not exist")]
    Missing { what: &'static str, path: PathBuf },
    #[error("cannot read {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    /// The file exists but its content is not what the importer needs.
    #[error("{path}: {reason}")]
    Format { path: PathBuf, reason: String },
    /// A bad option or combination of inputs.
    #[error("{0}")]
    Invalid(String),
    #[error("cannot write the map: {0}")]
    Write(#[from] sim::map::MapError),
}

impl ImportError {
    pub fn format(path: &Path, reason: impl Into<String>) -> ImportError {
        ImportError::Format { path: path.to_path_buf(), reason: reason.into() }
    }
}

/// Reads a whole input file, telling "missing" apart from other I/O failures.
pub fn read_input(what: &'static str, path: &Path) -> Result<Vec<u8>, ImportError> {
    std::fs::read(path).map_err(|source| {
        if source.kind() == std::io::ErrorKind::NotFound {
            ImportError::Missing { what, path: path.to_path_buf() }
        } else {
            ImportError::Io { path: path.to_path_buf(), source }
        }
    })
}
