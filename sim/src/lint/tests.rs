//! Tests of the lint module: gauge stages converted to depths above the bed.
use crate::scenario::{GaugeSpec, Place, StageDatum};

fn gauge(datum: StageDatum, stages: [f64; 3]) -> GaugeSpec {
    GaugeSpec {
        name: "G".into(),
        at: Place::LonLat(0.0, 0.0),
        alert_m: stages[0],
        warning_m: stages[1],
        guaranteed_m: stages[2],
        datum,
    }
}

/// Plans write 警戒水位 as elevations or staff readings; the model's gauges read depth above
/// the bed of their cell. Depths stay as written, bit for bit.
#[test]
fn stages_convert_to_depths_above_the_bed() {
    let bed = 1030.4;
    let depths = gauge(StageDatum::Bed, [1.0, 1.6, 2.2]).depths_above_bed(bed);
    assert_eq!(depths, [1.0, 1.6, 2.2]);
    let d = gauge(StageDatum::Elevation, [1031.4, 1032.0, 1033.4]).depths_above_bed(bed);
    for (got, want) in d.iter().zip([1.0, 1.6, 3.0]) {
        assert!((got - want).abs() < 1e-9, "{d:?}");
    }
    // A staff whose zero stands at 1029.9 m: a reading of 1.5 m is 1031.4 m, 1.0 m above the bed.
    let d = gauge(StageDatum::Staff { zero_m: 1029.9 }, [1.5, 2.1, 3.5]).depths_above_bed(bed);
    for (got, want) in d.iter().zip([1.0, 1.6, 3.0]) {
        assert!((got - want).abs() < 1e-9, "{d:?}");
    }
}
