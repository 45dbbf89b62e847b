//! Checks of what the drill's world is made of: weather, hazards, villages, shelters, teams, depots.

use std::collections::BTreeMap;

use super::{Check, suggest};

impl Check<'_> {
    pub(super) fn weather(&mut self) {
        let s = self.s;
        let mut last: Option<f64> = None;
        for (i, w) in s.weather.iter().enumerate() {
            let p = format!("weather[{i}]");
            let in_drill = self.time(&format!("{p}.at_min"), w.at_min);
            if let (true, Some(prev)) = (in_drill, last)
                && w.at_min <= prev
            {
                self.problem(
                    format!("{p}.at_min"),
                    format!("weather points must be in time order: {} min comes after {prev} min", w.at_min),
                );
            }
            last = Some(w.at_min);
            self.range(&format!("{p}.rain_mm_per_h"), w.rain_mm_per_h, 0.0, 300.0, "rain_mm_per_h");
            self.range(&format!("{p}.wind_m_per_s"), w.wind_m_per_s, 0.0, 70.0, "wind_m_per_s");
            self.range(&format!("{p}.wind_from_deg"), w.wind_from_deg, 0.0, 360.0, "wind_from_deg");
            self.range(&format!("{p}.temperature_c"), w.temperature_c, -60.0, 60.0, "temperature_c");
            self.range(&format!("{p}.humidity_percent"), w.humidity_percent, 0.0, 100.0, "humidity_percent");
        }
    }

    pub(super) fn hazards(&mut self) {
        let h = &self.s.hazards;
        if h.flood.is_none() && h.fire.is_none() && h.landslide.is_none() {
            self.problem("hazards", "no hazard: give hazards.flood, hazards.fire or hazards.landslide");
        }
        if let Some(f) = &h.flood {
            self.range("hazards.flood.runoff_fraction", f.runoff_fraction, 0.0, 1.0, "runoff_fraction");
            self.unique_names("hazards.flood.inflows", f.inflows.iter().map(|x| x.name.as_str()), "inflow");
            for (i, inflow) in f.inflows.iter().enumerate() {
                let p = format!("hazards.flood.inflows[{i}]");
                self.place(&format!("{p}.at"), &inflow.at);
                if inflow.hydrograph.is_empty() {
                    self.problem(
                        format!("{p}.hydrograph"),
                        "hydrograph is empty: give at least one (at_min, m3_per_s) point",
                    );
                }
                let mut last: Option<f64> = None;
                for (j, q) in inflow.hydrograph.iter().enumerate() {
                    let qp = format!("{p}.hydrograph[{j}]");
                    let in_drill = self.time(&format!("{qp}.at_min"), q.at_min);
                    if in_drill && last.is_some_and(|prev| q.at_min <= prev) {
                        self.problem(format!("{qp}.at_min"), "hydrograph points must be in time order");
                    }
                    last = Some(q.at_min);
                    self.range(&format!("{qp}.m3_per_s"), q.m3_per_s, 0.0, 100_000.0, "m3_per_s");
                }
            }
            self.unique_names("hazards.flood.gauges", f.gauges.iter().map(|x| x.name.as_str()), "gauge");
            for (i, g) in f.gauges.iter().enumerate() {
                let p = format!("hazards.flood.gauges[{i}]");
                self.place(&format!("{p}.at"), &g.at);
                self.positive(&format!("{p}.alert_m"), g.alert_m, "alert_m (设防水位)");
                if let crate::scenario::StageDatum::Staff { zero_m } = g.datum {
                    // The Dead Sea shore to above Everest: anything else is a typo.
                    self.range(&format!("{p}.datum"), zero_m, -500.0, 9000.0, "zero_m (水尺零点高程)");
                }
                if !(g.alert_m < g.warning_m && g.warning_m < g.guaranteed_m) {
                    self.problem(
                        &p,
                        format!(
                            "stages must rise: alert_m (设防) {} < warning_m (警戒) {} < guaranteed_m (保证) {}",
                            g.alert_m, g.warning_m, g.guaranteed_m
                        ),
                    );
                }
            }
        }
        if let Some(f) = &h.fire {
            self.range(
                "hazards.fire.fuel_moisture_percent",
                f.fuel_moisture_percent,
                1.0,
                100.0,
                "fuel_moisture_percent",
            );
            for (cover, code) in &f.fuel_models {
                let p = format!("hazards.fire.fuel_models[{cover:?}]");
                if !crate::map::LandCover::ALL.iter().any(|lc| format!("{lc:?}") == *cover) {
                    self.problem(&p, format!("unknown land cover {cover:?}: one of Forest, Shrub, Grass, Farmland, Urban, Water, BareRock, Wetland"));
                }
                if crate::hazard::fire::fuel_models::fuel_model(code).is_none() {
                    self.problem(&p, format!("unknown fuel model {code:?}: a standard code such as FM10, GR2, GS4, SH5, TU1, TL3, SB2 or NB1"));
                }
            }
            for (i, m) in f.moisture.iter().enumerate() {
                let p = format!("hazards.fire.moisture[{i}]");
                let _ = self.time(&format!("{p}.at_min"), m.at_min);
                for (name, v, hi) in [
                    ("dead_1h_percent", m.m1h, 100.0),
                    ("dead_10h_percent", m.m10h, 100.0),
                    ("dead_100h_percent", m.m100h, 100.0),
                    ("live_herb_percent", m.mherb, 400.0),
                    ("live_woody_percent", m.mwoody, 400.0),
                ] {
                    self.range(&format!("{p}.{name}"), v, 1.0, hi, name);
                }
            }
            for (i, ig) in f.ignitions.iter().enumerate() {
                let p = format!("hazards.fire.ignitions[{i}]");
                let _ = self.time(&format!("{p}.at_min"), ig.at_min);
                self.place(&format!("{p}.at"), &ig.at);
            }
        }
        if let Some(l) = &h.landslide {
            if l.points.is_empty() {
                self.problem("hazards.landslide.points", "no hazard points: give at least one");
            }
            self.unique_names("hazards.landslide.points", l.points.iter().map(|x| x.name.as_str()), "hazard point");
            for (i, pt) in l.points.iter().enumerate() {
                let p = format!("hazards.landslide.points[{i}]");
                self.place(&format!("{p}.at"), &pt.at);
                if pt.threatens.is_empty() {
                    self.problem(
                        format!("{p}.threatens"),
                        "threatens no village: name the villages in the runout path",
                    );
                }
                for (j, v) in pt.threatens.iter().enumerate() {
                    self.village_ref(&format!("{p}.threatens[{j}]"), v);
                }
                self.positive(&format!("{p}.volume_m3"), pt.volume_m3, "volume_m3");
                self.slope_soil(&p, pt);
            }
        }
    }

    /// A hazard point's soil and water numbers, where given, must describe a real slope.
    fn slope_soil(&mut self, p: &str, pt: &crate::scenario::HazardPointSpec) {
        let ranges: [(&str, Option<f64>, f64, f64, bool); 9] = [
            ("slope_deg", pt.slope_deg, 0.0, 89.0, false),
            ("depth_m", pt.depth_m, 0.0, 100.0, false),
            ("cohesion_kpa", pt.cohesion_kpa, 0.0, 1000.0, true),
            ("friction_deg", pt.friction_deg, 0.0, 90.0, true),
            ("unit_weight_kn_per_m3", pt.unit_weight_kn_per_m3, 0.0, 40.0, false),
            ("initial_water_table_ratio", Some(pt.initial_water_table_ratio), 0.0, 1.0, true),
            ("drainage_h", pt.drainage_h, 0.0, 10_000.0, false),
            ("drainable_porosity", pt.drainable_porosity, 0.0, 1.0, false),
            ("signs_factor_of_safety", pt.signs_factor_of_safety, 1.0, 10.0, false),
        ];
        for (field, value, lo, hi, lo_ok) in ranges {
            let Some(v) = value else { continue };
            let above = if lo_ok { v >= lo } else { v > lo };
            if !(v.is_finite() && above && v <= hi) {
                let from = if lo_ok { "from" } else { "above" };
                self.problem(
                    format!("{p}.{field}"),
                    format!("{field} {v} is out of range: give a value {from} {lo} up to {hi}"),
                );
            }
        }
        if let Some(c) = pt.critical_rain_mm {
            self.positive(&format!("{p}.critical_rain_mm"), c, "critical_rain_mm");
        }
        match (pt.signs_rain_mm, pt.critical_rain_mm) {
            // `partial_cmp` so that NaN fails too.
            (Some(s), Some(c)) if s.partial_cmp(&c) != Some(std::cmp::Ordering::Less) => self.problem(
                format!("{p}.critical_rain_mm"),
                format!("critical_rain_mm {c} must be more than signs_rain_mm {s}: signs come before failure"),
            ),
            (Some(_), None) => self.problem(
                format!("{p}.signs_rain_mm"),
                "signs_rain_mm calibrates the signs only with critical_rain_mm: give both, or signs_factor_of_safety",
            ),
            _ => {}
        }
    }

    pub(super) fn villages_and_shelters(&mut self) {
        let s = self.s;
        if s.villages.is_empty() {
            self.problem("villages", "no villages: the drill needs people to protect");
        }
        self.unique_names("villages", s.villages.iter().map(|v| v.name.as_str()), "village");
        self.unique_names("shelters", s.shelters.iter().map(|v| v.name.as_str()), "shelter");
        let mut load: BTreeMap<&str, u64> = BTreeMap::new();
        for (i, v) in s.villages.iter().enumerate() {
            let p = format!("villages[{i}]");
            if let Some(map) = self.map
                && map.settlement(&v.name).is_none()
            {
                let hint = suggest(&v.name, map.features.settlements.iter().map(|x| x.name.as_str()));
                self.problem(
                    format!("{p}.name"),
                    format!(
                        "unknown village `{}`: no settlement of that name on map `{}`{hint}",
                        v.name, map.meta.name
                    ),
                );
            }
            if v.population == 0 {
                self.problem(format!("{p}.population"), "population must be more than 0");
            }
            if v.vulnerable > v.population {
                self.problem(
                    format!("{p}.vulnerable"),
                    format!("vulnerable {} is more than the population {}", v.vulnerable, v.population),
                );
            }
            self.range(&format!("{p}.refuse_percent"), v.refuse_percent, 0.0, 100.0, "refuse_percent");
            if let Some(sh) = &v.shelter {
                if s.shelters.iter().any(|x| &x.name == sh) {
                    *load.entry(sh.as_str()).or_default() += u64::from(v.population);
                } else {
                    let hint = suggest(sh, s.shelters.iter().map(|x| x.name.as_str()));
                    self.problem(format!("{p}.shelter"), format!("unknown shelter `{sh}`: not in `shelters`{hint}"));
                }
            }
        }
        for (i, sh) in s.shelters.iter().enumerate() {
            let p = format!("shelters[{i}]");
            self.place(&format!("{p}.at"), &sh.at);
            let people = load.get(sh.name.as_str()).copied().unwrap_or(0);
            if sh.capacity == 0 {
                self.problem(format!("{p}.capacity"), "capacity must be more than 0");
            } else if people > u64::from(sh.capacity) {
                self.problem(
                    format!("{p}.capacity"),
                    format!("capacity {} is less than the {people} people of the villages sent here", sh.capacity),
                );
            }
        }
    }

    pub(super) fn teams_and_depots(&mut self) {
        let s = self.s;
        self.unique_names("teams", s.teams.iter().map(|t| t.name.as_str()), "team");
        for (i, t) in s.teams.iter().enumerate() {
            let p = format!("teams[{i}]");
            if t.size == 0 {
                self.problem(format!("{p}.size"), "size must be more than 0");
            }
            self.place(&format!("{p}.base"), &t.base);
            if let Some(town) = &t.township {
                self.township_ref(&format!("{p}.township"), town);
            }
            self.range(&format!("{p}.muster_min"), t.muster_min, 0.0, 24.0 * 60.0, "muster_min");
        }
        self.unique_names("depots", s.depots.iter().map(|d| d.name.as_str()), "depot");
        for (i, d) in s.depots.iter().enumerate() {
            let p = format!("depots[{i}]");
            self.place(&format!("{p}.at"), &d.at);
            if d.materials.is_empty() {
                self.problem(
                    format!("{p}.materials"),
                    "no materials: list what the depot holds, e.g. {\"sandbags\": 15000}",
                );
            }
            for name in d.materials.keys() {
                if name.trim().is_empty() {
                    self.problem(format!("{p}.materials"), "a material name is empty");
                }
            }
        }
    }

    /// A name that must be a township (parish) of the map, or one the scenario's villages
    /// declare (`township:`).
    pub(super) fn township_ref(&mut self, path: &str, name: &str) {
        let Some(map) = self.map else { return };
        let declared = self.s.villages.iter().filter_map(|v| v.township.as_deref());
        if map.township(name).is_none() && !declared.clone().any(|t| t == name) {
            let names = map.features.townships.iter().map(|t| t.name.as_str()).chain(declared);
            let hint = suggest(name, names);
            self.problem(path, format!("unknown township `{name}` on map `{}`{hint}", map.meta.name));
        }
    }
}
