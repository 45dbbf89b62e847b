//! The message decoder on any bytes, as the host reads a client's message: `hello_version`,
//! `decode::<ClientMessage>`, and every decoded order authorised for every role of the test
//! drill (and applied to a copy of the world when accepted), so no order a stranger can send
//! panics the server. (The token step's request has a target of its own: `token_request`.)
#![no_main]

use libfuzzer_sys::fuzz_target;
use protocol::ClientMessage;
use sim::world::Command;

fuzz_target!(|data: &[u8]| {
    let _ = protocol::hello_version(data);
    let Ok(msg) = protocol::decode::<ClientMessage>(data) else { return };
    // What decodes encodes again to bytes that decode to the same bytes (NaN != NaN: compare bytes).
    let again = protocol::encode(&msg);
    let decoded = protocol::decode::<ClientMessage>(&again).expect("an encoded message decodes");
    assert_eq!(protocol::encode(&decoded), again);
    let ClientMessage::Order(order) = msg else { return };
    let drill = sandtable_fuzz::drill();
    for from in drill.world.roles() {
        let cmd = Command { from, by: String::new(), order: order.clone() };
        if sim::access::authorise(&drill.world, &cmd).is_ok() {
            let mut world = drill.world.clone();
            let _ = world.apply(&cmd);
            world.step();
            break;
        }
    }
});
