//! The size of a command post's view late in a shipped drill (issue 9: reports and messages
//! piled up in every view): the bytes of the views as sent, which carry only recent
//! communications, against the same view with the whole history the post's bot kept (what
//! every view carried before). Prints the figures BENCHMARKS.md quotes:
//! `cargo test -p server --test view_size -- --nocapture`.

use std::path::Path;

use protocol::ServerMessage;
use server::drill::DrillSetup;
use server::headless::{HeadlessOptions, run_drill_with};
use sim::Role;

#[test]
fn a_late_drill_command_view_carries_only_recent_text() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/flood_valira.ron");
    let setup = DrillSetup::load(&file, None).unwrap_or_else(|e| panic!("{e}"));
    let dir = std::env::temp_dir().join(format!("sandtable-view-size-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    // (t_s, bytes) of every view sent to a command post.
    let mut sent: Vec<(u32, usize)> = Vec::new();
    let watch = |_: &server::host::Host, role: &Role, out: &server::host::Outgoing| {
        if matches!(role, Role::Command(_))
            && let Ok(ServerMessage::View(v)) = protocol::decode::<ServerMessage>(&out.bytes)
        {
            sent.push((v.t_s, out.bytes.len()));
        }
    };
    let run = run_drill_with(setup, &dir, &HeadlessOptions::default(), |_, _| {}, watch).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let post = run
        .bots
        .bots
        .iter()
        .filter_map(|b| b.bot.last_view())
        .find(|v| matches!(v.role, Role::Command(_)))
        .expect("a command post bot");
    let whole = protocol::encode(&ServerMessage::View(Box::new(post.clone()))).len();
    let &(t_last, last) = sent.last().expect("views were sent");
    let max = sent.iter().map(|s| s.1).max().unwrap_or(0);
    println!(
        "flood_valira command post at {} min: view sent {last} bytes (largest of the drill {max}); with the whole history \
         {whole} bytes ({} reports, {} messages kept by the client)",
        t_last / 60,
        post.reports.len(),
        post.messages.len()
    );
    assert!(post.messages.len() > 10, "the bot kept the drill's messages: {}", post.messages.len());
    assert!(last < whole, "the late view ({last} B) carries less than the whole history ({whole} B)");
}
