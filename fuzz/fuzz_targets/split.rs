//! `split`: the same bytes fed whole, in the chunk sizes taken from the
//! input, and one byte at a time give the same events (adjacent data
//! merged), the same end-of-input event, and the same option table.
//!
//! Input: `[config, n, size_1 .. size_n, stream ...]`, as for `parse`.
//! A compression start stops a feed; the rest is fed again (identity
//! "decompression"), which is the same in all three runs.
#![no_main]

use libfuzzer_sys::fuzz_target;
use telnet_fuzz::qmethod::RefTable;
use telnet_fuzz::{chunks, feed_all, push_merged, Framed, Owned, Setup};
use telnet_proto::Session;

fuzz_target!(|data: &[u8]| {
    telnet_fuzz::run_framed!(data, run);
});

/// Feeds the chunks to a fresh session; the merged events (with what
/// `finish` returns last) and the final table.
fn replay<const CAP: usize>(setup: &Setup, parts: &[&[u8]]) -> (Vec<Owned>, RefTable, bool) {
    let mut session: Session<CAP> = setup.session();
    let mut events = Vec::new();
    for part in parts {
        feed_all(&mut session, part, |event, _| {
            push_merged(&mut events, Owned::from_event(event))
        });
    }
    let mid = session.is_mid_sequence();
    if let Some(event) = session.finish() {
        push_merged(&mut events, Owned::from_event(&event));
    }
    (events, RefTable::of(&session), mid)
}

fn run<const CAP: usize>(framed: &Framed<'_>) {
    let setup = framed.setup;
    let stream = framed.stream;
    let whole = replay::<CAP>(&setup, &[stream]);
    let split = replay::<CAP>(&setup, &chunks(stream, framed.sizes));
    let bytes: Vec<&[u8]> = stream.chunks(1).collect();
    let single = replay::<CAP>(&setup, &bytes);
    for (name, other) in [("split", &split), ("byte by byte", &single)] {
        assert_eq!(
            whole.0, other.0,
            "events fed whole (left) and {name} differ"
        );
        assert_eq!(whole.2, other.2, "is_mid_sequence whole and {name} differ");
        for (side, option) in telnet_fuzz::all_sides() {
            assert_eq!(
                whole.1.get(side, option),
                other.1.get(side, option),
                "{side:?} {option} whole and {name} differ"
            );
        }
    }
}
