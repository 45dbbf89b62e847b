//! Every `sandtable-server` subcommand's `--help` ends with an example users can copy.

use std::process::Command;

#[test]
fn every_subcommand_help_has_an_example() {
    let commands: [&[&str]; 13] = [
        &["check"],
        &["import-map"],
        &["serve"],
        &["run"],
        &["model"],
        &["model", "fire"],
        &["model", "flood"],
        &["model", "landslide"],
        &["join"],
        &["report"],
        &["map"],
        &["map", "info"],
        &["map", "probe"],
    ];
    for args in commands {
        let out = Command::new(env!("CARGO_BIN_EXE_sandtable-server"))
            .args(args)
            .arg("--help")
            .output()
            .expect("binary runs");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{args:?} --help failed");
        assert!(text.contains("Example"), "{args:?} --help has no example:\n{text}");
        assert!(text.contains("sandtable-server "), "{args:?} example does not show the command:\n{text}");
    }
}
