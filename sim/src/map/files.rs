//! Reading and writing a map asset directory: `map.json` (metadata and vector features, readable
//! and diffable) and `terrain.bin` (the grids, compact binary with a magic header and a checksum).
//!
//! Both are untrusted bytes (a client decodes them from the server; anyone can hand a server a
//! map folder): sizes are checked before reading, the grid's header before any arithmetic
//! ([`MAX_GRID_SIDE`], [`MAX_GRID_CELLS`], checked products), and nothing here panics on bad bytes.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Features, LandCover, MapAsset, MapMeta, TerrainGrid};

pub const MAP_JSON: &str = "map.json";
pub const TERRAIN_BIN: &str = "terrain.bin";
const MAGIC: &[u8; 8] = b"STTERR01";

/// The largest `map.json`, bytes (the Andorra map's is 1.7 MB).
pub const MAX_MAP_JSON_BYTES: usize = 8 * 1024 * 1024;
/// The most cells a grid may have along one side.
pub const MAX_GRID_SIDE: usize = 8192;
/// The most cells a grid may have (the Andorra map has 168,000); 9 bytes each in `terrain.bin`.
pub const MAX_GRID_CELLS: usize = 4 * 1024 * 1024;
/// The largest `terrain.bin`, bytes: a full grid of [`MAX_GRID_CELLS`] and its header.
pub const MAX_TERRAIN_BYTES: usize = 32 + MAX_GRID_CELLS * 9;

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
    let text = read(&json_path, MAX_MAP_JSON_BYTES)?;
    let bytes = read(&bin_path, MAX_TERRAIN_BYTES)?;
    decode_parts(&text, &json_path, &bytes, &bin_path)
}

/// Decodes a map asset from the bytes of its `map.json` and `terrain.bin` (as a client receives
/// them from the server). Errors name the file the bad bytes belong to.
pub fn decode_map(json: &[u8], terrain: &[u8]) -> Result<MapAsset, MapError> {
    decode_parts(json, Path::new(MAP_JSON), terrain, Path::new(TERRAIN_BIN))
}

/// Decodes `map.json` alone: the metadata and the vector features, checked as [`decode_map`]
/// checks them, with the road adjacency built. For a side that needs the roads and places and
/// not the grids (a bot planning a load over the roads).
pub fn decode_map_json(json: &[u8]) -> Result<(MapMeta, Features), MapError> {
    decode_json(json, Path::new(MAP_JSON))
}

fn decode_parts(text: &[u8], json_path: &Path, bytes: &[u8], bin_path: &Path) -> Result<MapAsset, MapError> {
    if bytes.len() > MAX_TERRAIN_BYTES {
        return Err(too_large(bin_path, bytes.len() as u64, MAX_TERRAIN_BYTES));
    }
    let (meta, features) = decode_json(text, json_path)?;
    let grid = decode_grid(bytes).map_err(|reason| MapError::Corrupt { path: bin_path.to_path_buf(), reason })?;
    if grid.cols != meta.cols || grid.rows != meta.rows {
        return Err(MapError::Corrupt {
            path: bin_path.to_path_buf(),
            reason: format!("grid is {}x{} but {} says {}x{}", grid.cols, grid.rows, MAP_JSON, meta.cols, meta.rows),
        });
    }
    Ok(MapAsset { meta, grid, features })
}

fn decode_json(text: &[u8], json_path: &Path) -> Result<(MapMeta, Features), MapError> {
    if text.len() > MAX_MAP_JSON_BYTES {
        return Err(too_large(json_path, text.len() as u64, MAX_MAP_JSON_BYTES));
    }
    let parsed: MapJson = serde_json::from_slice(text)
        .map_err(|e| MapError::Corrupt { path: json_path.to_path_buf(), reason: e.to_string() })?;
    let mut features = parsed.features;
    // Every node an edge or a settlement names exists before anything indexes by it (found by
    // the `map` fuzz target: the adjacency was built first and panicked).
    let nodes = features.roads.nodes.len();
    let corrupt = |reason: String| MapError::Corrupt { path: json_path.to_path_buf(), reason };
    if let Some(bad) = features.roads.edges.iter().find(|e| e.a as usize >= nodes || e.b as usize >= nodes) {
        return Err(corrupt(format!("road edge {}-{} names a node that does not exist", bad.a, bad.b)));
    }
    if let Some(bad) = features.roads.edges.iter().find(|e| !(e.length_m.is_finite() && e.length_m >= 0.0)) {
        return Err(corrupt(format!("road edge {}-{} has length {}", bad.a, bad.b, bad.length_m)));
    }
    if let Some(s) = features.settlements.iter().find(|s| s.road_node.is_some_and(|n| n as usize >= nodes)) {
        return Err(corrupt(format!("settlement {} names a road node that does not exist", s.name)));
    }
    features.roads.rebuild_adjacency();
    Ok((parsed.meta, features))
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

fn too_large(path: &Path, bytes: u64, max: usize) -> MapError {
    MapError::Corrupt { path: path.to_path_buf(), reason: format!("it is {bytes} bytes; at most {max} are allowed") }
}

/// Reads a file of at most `max` bytes: the size is checked before reading, and the read stops
/// one byte past it.
fn read(path: &Path, max: usize) -> Result<Vec<u8>, MapError> {
    let io = |source: std::io::Error| {
        if source.kind() == std::io::ErrorKind::NotFound {
            MapError::Missing { path: path.to_path_buf() }
        } else {
            MapError::Io { path: path.to_path_buf(), source }
        }
    };
    let f = fs::File::open(path).map_err(io)?;
    if let Ok(meta) = f.metadata()
        && meta.len() > max as u64
    {
        return Err(too_large(path, meta.len(), max));
    }
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut std::io::Read::take(f, max as u64 + 1), &mut bytes).map_err(io)?;
    if bytes.len() > max {
        return Err(too_large(path, bytes.len() as u64, max));
    }
    Ok(bytes)
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

/// Little-endian bytes at `at..at + N`, or `None` past the end.
fn le<const N: usize>(bytes: &[u8], at: usize) -> Option<[u8; N]> {
    bytes.get(at..at.checked_add(N)?)?.try_into().ok()
}

fn decode_grid(bytes: &[u8]) -> Result<TerrainGrid, String> {
    if bytes.get(..8) != Some(MAGIC.as_slice()) {
        return Err("not a sandtable terrain file (bad magic)".into());
    }
    let sum = le::<8>(bytes, 8).map(u64::from_le_bytes).ok_or("header truncated (no checksum)")?;
    let body = &bytes[16..];
    if checksum(body) != sum {
        return Err("checksum mismatch (truncated or damaged)".into());
    }
    let header = |at: usize| le::<4>(body, at).map(u32::from_le_bytes).ok_or("header truncated");
    let (cols, rows) = (header(0)? as usize, header(4)? as usize);
    let cell_size_m = le::<8>(body, 8).map(f64::from_le_bytes).ok_or("header truncated")?;
    // The header is checked before any arithmetic on it: a crafted one must not wrap the sizes.
    if cols == 0 || rows == 0 || cols > MAX_GRID_SIDE || rows > MAX_GRID_SIDE {
        return Err(format!("grid is {cols}x{rows}: each side must be 1 to {MAX_GRID_SIDE} cells"));
    }
    let n = cols
        .checked_mul(rows)
        .filter(|&n| n <= MAX_GRID_CELLS)
        .ok_or_else(|| format!("grid is {cols}x{rows}: more than {MAX_GRID_CELLS} cells"))?;
    let data = body.len() - 16;
    if data != n * 9 {
        return Err(format!("expected {} bytes of grid data for {cols}x{rows}, found {data}", n * 9));
    }
    if !(cell_size_m.is_finite() && cell_size_m > 0.0) {
        return Err(format!("cell size {cell_size_m} is not a positive number"));
    }
    let floats = |start: usize| -> Vec<f32> {
        body[start..start + n * 4].chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect()
    };
    let elevation_m = floats(16);
    let slope_deg = floats(16 + n * 4);
    if let Some(i) = elevation_m.iter().chain(&slope_deg).position(|v| !v.is_finite()) {
        let what = if i < n { "elevation" } else { "slope" };
        return Err(format!("{what} of cell {} is not a number", i % n));
    }
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

    /// A terrain.bin of `body` with its magic and a valid checksum.
    fn signed(body: &[u8]) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&checksum(body).to_le_bytes());
        out.extend_from_slice(body);
        out
    }

    /// The reported bug: a 45-byte terrain.bin with a valid checksum whose cols × rows × 9
    /// wrapped around, then panicked slicing. Every crafted header is an error now.
    #[test]
    fn crafted_headers_are_errors_not_panics() {
        let header = |cols: u32, rows: u32, cell: f64, extra: usize| {
            let mut body = cols.to_le_bytes().to_vec();
            body.extend_from_slice(&rows.to_le_bytes());
            body.extend_from_slice(&cell.to_le_bytes());
            body.extend(std::iter::repeat_n(0u8, extra));
            signed(&body)
        };
        // 45 bytes: 16 of magic and checksum, 16 of header, 13 of data.
        let wrap = header(u32::MAX, u32::MAX, 30.0, 13);
        assert_eq!(wrap.len(), 45);
        let err = decode_grid(&wrap).unwrap_err();
        assert!(err.contains("each side must be 1 to 8192"), "{err}");
        // 0x4000_0000 × 0x4000_0000 × 9 wraps on 64 bits too, but the sides are refused first;
        // within the sides, the cells are bounded before anything is multiplied by 9.
        let err = decode_grid(&header(8192, 8192, 30.0, 13)).unwrap_err();
        assert!(err.contains("more than 4194304 cells"), "{err}");
        let err = decode_grid(&header(0, 5, 30.0, 0)).unwrap_err();
        assert!(err.contains("each side must be 1"), "{err}");
        let err = decode_grid(&header(2, 2, 30.0, 13)).unwrap_err();
        assert!(err.contains("expected 36 bytes of grid data for 2x2, found 13"), "{err}");
        let err = decode_grid(&header(1, 1, f64::NAN, 9)).unwrap_err();
        assert!(err.contains("cell size NaN"), "{err}");
        let mut nan = header(1, 1, 30.0, 9);
        nan[32..36].copy_from_slice(&f32::NAN.to_le_bytes());
        let nan = signed(&nan[16..]);
        assert!(decode_grid(&nan).unwrap_err().contains("elevation of cell 0 is not a number"));
        // Short files at every length.
        for len in 0usize..32 {
            let bytes = signed(&[7u8; 32][..len.saturating_sub(16)]);
            assert!(decode_grid(&bytes[..len.min(bytes.len())]).is_err(), "{len} bytes");
        }
        let json = br#"{"meta":{},"features":{}}"#;
        assert!(decode_map(json, &wrap).is_err());
    }

    /// Found by the `map` fuzz target (artifact crash-bb0041c9…, BENCHMARKS.md): a road edge
    /// naming node 8 of 2 panicked building the adjacency before the check that refuses it.
    #[test]
    fn roads_naming_missing_nodes_are_errors_not_panics() {
        let map = crate::testkit::TestMap::valley()
            .size(12, 10)
            .road(crate::map::RoadClass::Minor, None, &[[100.0, 300.0], [800.0, 300.0]])
            .village("V", [400.0, 300.0])
            .build();
        let terrain = encode_grid(&map.grid);
        let json = |f: &dyn Fn(&mut Features)| {
            let mut features = map.features.clone();
            f(&mut features);
            serde_json::to_vec(&MapJson { meta: map.meta.clone(), features }).unwrap()
        };
        let err = decode_map(&json(&|f| f.roads.edges[0].b = 8), &terrain).unwrap_err().to_string();
        assert!(err.contains("road edge 0-8 names a node that does not exist"), "{err}");
        let err = decode_map(&json(&|f| f.settlements[0].road_node = Some(99)), &terrain).unwrap_err().to_string();
        assert!(err.contains("settlement V names a road node"), "{err}");
        let err = decode_map(&json(&|f| f.roads.edges[0].length_m = -1.0), &terrain).unwrap_err().to_string();
        assert!(err.contains("has length -1"), "{err}");
        assert!(decode_map(&json(&|_| {}), &terrain).is_ok());
    }

    #[test]
    fn oversized_map_files_are_refused_before_reading() {
        let dir = std::env::temp_dir().join(format!("sandtable-bigmap-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let f = fs::File::create(dir.join(MAP_JSON)).unwrap();
        f.set_len(MAX_MAP_JSON_BYTES as u64 + 1).unwrap();
        let err = load_map(&dir).unwrap_err().to_string();
        assert!(err.contains("map.json") && err.contains("at most 8388608"), "{err}");
        fs::remove_dir_all(&dir).unwrap();
    }

    /// The seed of the `map` fuzz target (`fuzz/corpus/map/small.bin`): a 12 x 10 valley with a
    /// road and a village, framed as the target reads it (map.json's length, map.json,
    /// terrain.bin). `UPDATE_EXPECT=1` rewrites it.
    #[test]
    fn the_map_fuzz_seed_is_a_small_valid_map() {
        let map = crate::testkit::TestMap::valley()
            .name("seed")
            .size(12, 10)
            .road(crate::map::RoadClass::Minor, None, &[[100.0, 300.0], [800.0, 300.0]])
            .village("V", [400.0, 300.0])
            .build();
        let json = serde_json::to_vec(&MapJson { meta: map.meta.clone(), features: map.features.clone() }).unwrap();
        let terrain = encode_grid(&map.grid);
        assert_eq!(decode_map(&json, &terrain).unwrap().grid, map.grid);
        let mut framed = (json.len() as u32).to_le_bytes().to_vec();
        framed.extend_from_slice(&json);
        framed.extend_from_slice(&terrain);
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/map/small.bin");
        if std::env::var_os("UPDATE_EXPECT").is_some() {
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, &framed).unwrap();
        }
        assert!(
            fs::read(&path).ok() == Some(framed),
            "{} is stale: regenerate with `UPDATE_EXPECT=1 cargo test -p sim --lib map::files`",
            path.display()
        );
    }
}
