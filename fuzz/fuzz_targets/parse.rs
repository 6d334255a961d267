//! `parse`: arbitrary bytes, fed in chunk sizes taken from the input, to a
//! session of arbitrary configuration and capacity (4, 64 or 1024 bytes).
//!
//! Input: `[config, n, size_1 .. size_n, stream ...]` (see
//! `telnet_fuzz::Framed` and `telnet_fuzz::Setup`).
//!
//! Checked: nothing panics; every data slice is non-empty and lies inside
//! the chunk being fed, or is one of the documented one-byte static slices
//! (`b"\r"` for a held CR, `b"\xff"` for an escape split between inputs);
//! no subnegotiation payload exceeds the capacity; every overflow is
//! reported once, with its full length; a compression start hands back
//! exactly the unparsed rest; and the whole event sequence (data merged)
//! equals that of a byte-at-a-time reference parser with a reference RFC
//! 1143 table, so no reply is sent that the Q method forbids and none is
//! missing. The option table at the end must equal the reference's.
#![no_main]

use libfuzzer_sys::fuzz_target;
use telnet_fuzz::model::Model;
use telnet_fuzz::qmethod::RefTable;
use telnet_fuzz::{chunks, feed_all, push_merged, Framed, Owned, Setup};
use telnet_proto::{Event, Session};

fuzz_target!(|data: &[u8]| {
    telnet_fuzz::run_framed!(data, run);
});

fn run<const CAP: usize>(framed: &Framed<'_>) {
    let setup: Setup = framed.setup;
    let mut session: Session<CAP> = setup.session();
    let mut model = Model::new(
        RefTable::of(&session),
        *session.policy(),
        setup.config.manual_negotiation,
        setup.config.newline,
        CAP,
    );
    let mut events = Vec::new();
    // Events before this index were compared already (the last one may
    // still be data that grows).
    let mut checked = 0;
    for chunk in chunks(framed.stream, framed.sizes) {
        feed_all(&mut session, chunk, |event, chunk| {
            check_event::<CAP>(event, chunk);
            push_merged(&mut events, Owned::from_event(event));
        });
        for &byte in chunk {
            model.byte(byte);
        }
        // Compare as we go, so that a failure points near its cause.
        assert_eq!(
            events[checked..],
            model.events[checked.min(model.events.len())..],
            "session and reference parser disagree (left: session)"
        );
        checked = events.len().saturating_sub(1);
    }
    if let Some(event) = session.finish() {
        check_event::<CAP>(&event, &[]);
        push_merged(&mut events, Owned::from_event(&event));
    }
    assert!(
        !session.is_mid_sequence(),
        "finish left the session mid-sequence"
    );
    model.finish();
    assert_eq!(
        events, model.events,
        "session and reference parser disagree after finish (left: session)"
    );
    model.table.assert_matches(&session, "session");
}

/// The invariants one event must satisfy on its own.
fn check_event<const CAP: usize>(event: &Event<'_, '_>, chunk: &[u8]) {
    match *event {
        Event::Data(bytes) => {
            assert!(!bytes.is_empty(), "empty Data event");
            let inside = chunk.as_ptr_range();
            let range = bytes.as_ptr_range();
            let in_chunk = inside.start <= range.start && range.end <= inside.end;
            assert!(
                in_chunk || bytes == b"\r" || bytes == b"\xff",
                "Data {bytes:?} is neither a slice of the input nor a held CR or split escape"
            );
        }
        Event::Subnegotiation { payload, .. } => {
            assert!(
                payload.len() <= CAP,
                "payload of {} > capacity {CAP}",
                payload.len()
            );
        }
        Event::SubnegotiationOverflow { len, .. } => {
            assert!(
                len > CAP,
                "overflow of {len} bytes reported under capacity {CAP}"
            );
        }
        Event::CompressionStart { rest, .. } => {
            let inside = chunk.as_ptr_range();
            let range = rest.as_ptr_range();
            assert!(inside.start <= range.start && range.end == inside.end);
        }
        _ => {}
    }
}
