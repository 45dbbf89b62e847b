//! What a map asset holds, told to a trainer: [`info`] (townships, villages, rivers, roads,
//! extent; the same summary `import-map` prints) and [`probe`] (what is at a point: elevation,
//! slope, land cover, the channel and its drainage area, the nearest road and village, the
//! depth of water over the cell at given river stages). `sandtable-server map info|probe`.

pub mod info;
pub mod probe;

/// Land cover in Chinese and English, for what a trainer reads.
pub fn landcover_label(lc: sim::map::LandCover) -> &'static str {
    use sim::map::LandCover::*;
    match lc {
        Forest => "林地 forest",
        Shrub => "灌丛 shrub",
        Grass => "草地 grass",
        Farmland => "耕地 farmland",
        Urban => "建成区 urban",
        Water => "水域 water",
        BareRock => "裸岩 bare rock",
        Wetland => "湿地 wetland",
    }
}

/// Metres between two map points.
pub(crate) fn dist(a: sim::map::Xy, b: sim::map::Xy) -> f64 {
    (a[0] - b[0]).hypot(a[1] - b[1])
}
