//! The bundled CJK font (WenQuanYi Micro Hei, Apache-2.0, see assets/fonts/) as egui font
//! definitions: egui's own fonts first for Latin text, the CJK face as the fallback for Chinese.

use std::sync::Arc;

use bevy_egui::egui::{FontData, FontDefinitions, FontFamily};

/// Compiled in so the binary shows Chinese wherever it is run from.
static WQY_MICROHEI: &[u8] = include_bytes!("../../assets/fonts/wqy-microhei.ttc");

/// Face 0 of the collection is the proportional Micro Hei (face 1 is the monospaced one).
const FACE_PROPORTIONAL: u32 = 0;
const FACE_MONO: u32 = 1;

pub fn definitions() -> FontDefinitions {
    let mut defs = FontDefinitions::default();
    let mut face = |name: &str, index: u32| {
        let mut data = FontData::from_static(WQY_MICROHEI);
        data.index = index;
        defs.font_data.insert(name.to_string(), Arc::new(data));
    };
    face("wqy-microhei", FACE_PROPORTIONAL);
    face("wqy-microhei-mono", FACE_MONO);
    for (family, name) in [(FontFamily::Proportional, "wqy-microhei"), (FontFamily::Monospace, "wqy-microhei-mono")] {
        defs.families.entry(family).or_default().push(name.to_string());
    }
    defs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_font_is_a_fallback_of_both_families() {
        let defs = definitions();
        assert!(defs.families[&FontFamily::Proportional].contains(&"wqy-microhei".to_string()));
        assert!(defs.families[&FontFamily::Monospace].contains(&"wqy-microhei-mono".to_string()));
        // A TrueType collection starts with the `ttcf` tag.
        assert_eq!(&WQY_MICROHEI[..4], b"ttcf");
    }
}
