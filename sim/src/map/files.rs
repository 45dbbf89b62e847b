//! Reading and writing a map asset directory: `map.json` (metadata and vector features, readable
//! and diffable) and `terrain.bin` (the grids, compact binary with a magic header and a checksum).

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Features, LandCover, MapAsset, MapMeta, TerrainGrid};

pub const MAP_JSON: &str = "map.json";
pub const TERRAIN_BIN: &str = "terrain.bin";
const MAGIC: &[u8; 8] = b"STTERR01";

#[derive(Debug, thiserror::Error)]
pub enum MapError {
    #[error("map file {path} is missing (run `sandtable-server import-map` to create it)")]
    Missing { path: PathBuf },
    #[error("cannot read map file {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("map file {path} is corrupt: {reason}")]
    Corrupt { path: PathBuf, reason: String },
}

#[derive(Serialize, Deserialize)]
struct MapJson {
    meta: MapMeta,
    features: Features,
}

/// Loads `dir/map.json` and `dir/terrain.bin`.
pub fn load_map(dir: &Path) -> Result<MapAsset, MapError> {
    let json_path = dir.join(MAP_JSON);
    let bin_path = dir.join(TERRAIN_BIN);
    let text = read(&json_path)?;
    let bytes = read(&bin_path)?;
    decode_parts(&text, &json_path, &bytes, &bin_path)
}

/// Decodes a map asset from the bytes of its `map.json` and `terrain.bin` (as a client receives
/// them from the server). Errors name the file the bad bytes belong to.
pub fn decode_map(json: &[u8], terrain: &[u8]) -> Result<MapAsset, MapError> {
    decode_parts(json, Path::new(MAP_JSON), terrain, Path::new(TERRAIN_BIN))
}

fn decode_parts(text: &[u8], json_path: &Path, bytes: &[u8], bin_path: &Path) -> Result<MapAsset, MapError> {
    let parsed: MapJson = serde_json::from_slice(text)
        .map_err(|e| MapError::Corrupt { path: json_path.to_path_buf(), reason: e.to_string() })?;
    let grid = decode_grid(bytes).map_err(|reason| MapError::Corrupt { path: bin_path.to_path_buf(), reason })?;
    if grid.cols != parsed.meta.cols || grid.rows != parsed.meta.rows {
        return Err(MapError::Corrupt {
            path: bin_path.to_path_buf(),
            reason: format!(
                "grid is {}x{} but {} says {}x{}",
                grid.cols, grid.rows, MAP_JSON, parsed.meta.cols, parsed.meta.rows
            ),
        });
    }
    let mut features = parsed.features;
    features.roads.rebuild_adjacency();
    if let Some(bad) = features
        .roads
        .edges
        .iter()
        .find(|e| e.a as usize >= features.roads.nodes.len() || e.b as usize >= features.roads.nodes.len())
    {
        return Err(MapError::Corrupt {
            path: json_path.to_path_buf(),
            reason: format!("road edge {}-{} names a node that does not exist", bad.a, bad.b),
        });
    }
    Ok(MapAsset { meta: parsed.meta, grid, features })
}

/// Writes a map asset into `dir`, creating it.
pub fn save_map(dir: &Path, map: &MapAsset) -> Result<(), MapError> {
    fs::create_dir_all(dir).map_err(|source| MapError::Io { path: dir.to_path_buf(), source })?;
    let json = serde_json::to_vec(&MapJson { meta: map.meta.clone(), features: map.features.clone() })
        .expect("map features serialise");
    let json_path = dir.join(MAP_JSON);
    fs::write(&json_path, json).map_err(|source| MapError::Io { path: json_path, source })?;
    let bin_path = dir.join(TERRAIN_BIN);
    fs::write(&bin_path, encode_grid(&map.grid)).map_err(|source| MapError::Io { path: bin_path, source })
}

fn read(path: &Path) -> Result<Vec<u8>, MapError> {
    fs::read(path).map_err(|source| {
        if source.kind() == std::io::ErrorKind::NotFound {
            MapError::Missing { path: path.to_path_buf() }
        } else {
            MapError::Io { path: path.to_path_buf(), source }
        }
    })
}

/// FNV-1a ([`crate::hash`]): enough to catch truncation and bit rot.
fn checksum(bytes: &[u8]) -> u64 {
    crate::hash::fnv(bytes)
}

fn encode_grid(g: &TerrainGrid) -> Vec<u8> {
    let mut body = Vec::with_capacity(g.len() * 9 + 24);
    body.extend_from_slice(&(g.cols as u32).to_le_bytes());
    body.extend_from_slice(&(g.rows as u32).to_le_bytes());
    body.extend_from_slice(&g.cell_size_m.to_le_bytes());
    for v in &g.elevation_m {
        body.extend_from_slice(&v.to_le_bytes());
    }
    for v in &g.slope_deg {
        body.extend_from_slice(&v.to_le_bytes());
    }
    body.extend(g.landcover.iter().map(|&c| c as u8));
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&checksum(&body).to_le_bytes());
    out.extend_from_slice(&body);
    out
}

fn decode_grid(bytes: &[u8]) -> Result<TerrainGrid, String> {
    if bytes.len() < 16 || &bytes[..8] != MAGIC {
        return Err("not a sandtable terrain file (bad magic)".into());
    }
    let sum = u64::from_le_bytes(bytes[8..16].try_into().unwrap());
    let body = &bytes[16..];
    if checksum(body) != sum {
        return Err("checksum mismatch (truncated or damaged)".into());
    }
    if body.len() < 16 {
        return Err("header truncated".into());
    }
    let cols = u32::from_le_bytes(body[0..4].try_into().unwrap()) as usize;
    let rows = u32::from_le_bytes(body[4..8].try_into().unwrap()) as usize;
    let cell_size_m = f64::from_le_bytes(body[8..16].try_into().unwrap());
    let n = cols.checked_mul(rows).ok_or("grid size overflows")?;
    if body.len() != 16 + n * 9 {
        return Err(format!("expected {} bytes of grid data for {cols}x{rows}, found {}", n * 9, body.len() - 16));
    }
    if !(cell_size_m.is_finite() && cell_size_m > 0.0) {
        return Err(format!("cell size {cell_size_m} is not a positive number"));
    }
    let floats = |start: usize| -> Vec<f32> {
        body[start..start + n * 4].chunks_exact(4).map(|c| f32::from_le_bytes(c.try_into().unwrap())).collect()
    };
    let elevation_m = floats(16);
    let slope_deg = floats(16 + n * 4);
    let landcover = body[16 + n * 8..]
        .iter()
        .map(|&b| LandCover::from_u8(b).ok_or(format!("unknown land cover code {b}")))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(TerrainGrid { cols, rows, cell_size_m, elevation_m, slope_deg, landcover })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_round_trips_and_detects_damage() {
        let g = TerrainGrid {
            cols: 3,
            rows: 2,
            cell_size_m: 75.0,
            elevation_m: vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
            slope_deg: vec![0.5; 6],
            landcover: vec![
                LandCover::Forest,
                LandCover::Water,
                LandCover::Urban,
                LandCover::Grass,
                LandCover::Shrub,
                LandCover::Farmland,
            ],
        };
        let mut bytes = encode_grid(&g);
        assert_eq!(decode_grid(&bytes).unwrap(), g);
        let last = bytes.len() - 1;
        bytes[last] ^= 0xff;
        assert!(decode_grid(&bytes).unwrap_err().contains("checksum"));
        assert!(decode_grid(&bytes[..20]).is_err());
    }
}
