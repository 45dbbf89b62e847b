//! Hazard models on the terrain grid, validated against published numbers (flood, fire,
//! landslide), and the grid helpers they share.

pub mod fire;
pub mod flood;
pub mod landslide;

/// The 8 neighbours of a cell as (dcol, drow, distance in cells).
pub(crate) const NEIGHBOURS_8: [(i32, i32, f64); 8] = [
    (1, 0, 1.0),
    (-1, 0, 1.0),
    (0, 1, 1.0),
    (0, -1, 1.0),
    (1, 1, std::f64::consts::SQRT_2),
    (-1, 1, std::f64::consts::SQRT_2),
    (1, -1, std::f64::consts::SQRT_2),
    (-1, -1, std::f64::consts::SQRT_2),
];

/// The neighbour of `cell` at offset `(dc, dr)`, or `None` off the grid.
pub(crate) fn neighbour(cols: usize, rows: usize, cell: usize, dc: i32, dr: i32) -> Option<usize> {
    let c = (cell % cols) as i64 + dc as i64;
    let r = (cell / cols) as i64 + dr as i64;
    (c >= 0 && r >= 0 && (c as usize) < cols && (r as usize) < rows).then(|| r as usize * cols + c as usize)
}
