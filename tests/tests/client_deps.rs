//! The client hosts drills with the server library but never links the map importer (GeoTIFF,
//! GeoJSON, geometry): `server`'s `import` feature stays off for it. Asked of cargo itself.

use std::process::Command;

/// `cargo tree -p PACKAGE -e normal -i CRATE`: its stdout, and whether cargo found CRATE at all.
fn who_links(package: &str, krate: &str) -> (String, String) {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| env!("CARGO").into());
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ has a parent");
    let out = Command::new(cargo)
        .current_dir(root)
        .args(["tree", "--offline", "-p", package, "-e", "normal", "-i", krate])
        .output()
        .expect("run cargo tree");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    // cargo exits 101 "did not match any packages" when CRATE is not in PACKAGE's graph.
    assert!(
        out.status.success() || stderr.contains("did not match any packages"),
        "cargo tree -p {package} -i {krate} failed: {stderr}"
    );
    (stdout, stderr)
}

#[test]
fn the_client_does_not_link_the_importer() {
    // The check can fail: the server binary does link it.
    let (server, _) = who_links("server", "tiff");
    assert!(server.contains("tiff v"), "the server should link tiff (its import feature is on by default): {server}");
    for krate in ["tiff", "geo", "geojson"] {
        let (client, _) = who_links("client", krate);
        assert!(client.trim().is_empty(), "the client links {krate}:\n{client}");
    }
}
