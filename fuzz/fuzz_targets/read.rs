//! `read`: `Feed::read` (data and replies copied into caller buffers,
//! negotiations noted, at their places in the data, only when notable)
//! does what `Feed::poll_event`
//! does on the same chunks: the same data, the same replies, the same other
//! events at the same places in the data, the same option table and parser
//! state afterwards, however small the buffers.
//!
//! Input: `[config, n, size_1 .. size_n, stream ...]`, as for `parse`; the
//! first two sizes also choose the buffers (bit 7 set: room for a whole
//! chunk; else 1 to 32 bytes of data and 3 to 18 of replies). Every input
//! also runs with room for a whole chunk, and with 300 bytes more (where
//! `read` works 64 and 128 bytes at a time).
#![no_main]

use libfuzzer_sys::fuzz_target;
use telnet_fuzz::qmethod::RefTable;
use telnet_fuzz::{chunks, Framed, Owned, Setup};
use telnet_proto::{Event, NotableNegotiation, Session, TelnetOption};

fuzz_target!(|data: &[u8]| {
    telnet_fuzz::run_framed!(data, run);
});

/// What a run produced.
#[derive(Debug, Default)]
struct Run {
    data: Vec<u8>,
    replies: Vec<u8>,
    /// Every event but data, with the length of data delivered before it.
    events: Vec<(usize, Owned)>,
}

/// Whether `read` must report this negotiation too.
fn must_report(event: &Owned, manual: bool) -> bool {
    match event {
        Owned::Negotiation {
            received, changed, ..
        } => manual || changed.is_some() || received.option == TelnetOption::TIMING_MARK,
        _ => true,
    }
}

fn note(run: &mut Run, event: &Event<'_, '_>) {
    if let Event::Negotiation {
        reply: Some(reply), ..
    } = event
    {
        run.replies.extend_from_slice(&reply.to_bytes());
    }
    run.events.push((run.data.len(), Owned::from_event(event)));
}

fn by_poll<const CAP: usize>(setup: &Setup, parts: &[&[u8]]) -> (Run, RefTable, bool) {
    let mut session: Session<CAP> = setup.session();
    let mut run = Run::default();
    for part in parts {
        let mut input = *part;
        while !input.is_empty() {
            let mut feed = session.feed(input);
            let mut rest: &[u8] = &[];
            while let Some(event) = feed.poll_event() {
                match event {
                    Event::Data(bytes) => run.data.extend_from_slice(bytes),
                    Event::CompressionStart { rest: r, .. } => {
                        note(&mut run, &event);
                        rest = r;
                    }
                    other => note(&mut run, &other),
                }
            }
            // After a compression start, the rest again (identity
            // "decompression").
            input = rest;
        }
    }
    let mid = session.is_mid_sequence();
    (run, RefTable::of(&session), mid)
}

fn by_read<const CAP: usize>(
    setup: &Setup,
    parts: &[&[u8]],
    data_cap: Option<usize>,
    replies_cap: Option<usize>,
) -> (Run, RefTable, bool) {
    let mut session: Session<CAP> = setup.session();
    let mut run = Run::default();
    let longest = parts.iter().map(|p| p.len()).max().unwrap_or(0);
    let mut data = vec![0x55; data_cap.unwrap_or(longest + 1)];
    let mut replies = vec![0x55; replies_cap.unwrap_or(longest + 2)];
    for part in parts {
        let mut input = *part;
        while !input.is_empty() {
            let mut feed = session.feed(input);
            let mut rest: &[u8] = &[];
            let mut stuck = 0;
            loop {
                let before = feed.consumed();
                let read = feed.read(&mut data, &mut replies);
                assert!(read.data <= data.len() && read.replies <= replies.len());
                let noted = read.negotiations.len();
                assert!(noted <= NotableNegotiation::PER_READ);
                let wrote = read.data + read.replies + noted > 0;
                let mut at = 0;
                for notable in read.negotiations {
                    assert!(notable.at >= at && notable.at <= read.data, "{notable:?}");
                    at = notable.at;
                    let owned = Owned::from_event(&notable.to_event());
                    run.events.push((run.data.len() + notable.at, owned));
                }
                run.data.extend_from_slice(&data[..read.data]);
                run.replies.extend_from_slice(&replies[..read.replies]);
                if let Some(event) = read.event {
                    assert!(!matches!(event, Event::Data(_)), "read returned data");
                    run.events.push((run.data.len(), Owned::from_event(&event)));
                    if let Event::CompressionStart { rest: r, .. } = event {
                        rest = r;
                        break;
                    }
                } else if feed.is_done() {
                    assert!(feed.remaining().is_empty());
                    break;
                } else {
                    let moved = wrote || feed.consumed() > before;
                    stuck = if moved { 0 } else { stuck + 1 };
                    assert!(stuck < 2, "read stopped twice without progress");
                    let roomy = data_cap.map_or(true, |cap| cap > longest) && replies_cap.is_none();
                    if roomy && noted < NotableNegotiation::PER_READ {
                        panic!("read stopped for room with room for the whole input");
                    }
                }
            }
            input = rest;
        }
    }
    let mid = session.is_mid_sequence();
    (run, RefTable::of(&session), mid)
}

fn run<const CAP: usize>(framed: &Framed<'_>) {
    let setup = framed.setup;
    let manual = setup.config.manual_negotiation;
    let parts = chunks(framed.stream, framed.sizes);
    let cap = |index: usize, min: usize, span: u8| match framed.sizes.get(index) {
        Some(&b) if b & 0x80 == 0 => Some(min + usize::from(b % span)),
        _ => None,
    };
    let expected = by_poll::<CAP>(&setup, &parts);
    let longest = parts.iter().map(|p| p.len()).max().unwrap_or(0);
    // Room for a whole chunk; room for the 64- and 128-byte block paths
    // too; and
    // the buffers the input asks for.
    for (data_cap, replies_cap) in [
        (None, None),
        (Some(longest + 300), Some(longest + 2)),
        (cap(0, 1, 32), cap(1, 3, 16)),
    ] {
        let got = by_read::<CAP>(&setup, &parts, data_cap, replies_cap);
        let how = format!("buffers {data_cap:?}/{replies_cap:?}");
        assert_eq!(got.0.data, expected.0.data, "data, {how}");
        assert_eq!(got.0.replies, expected.0.replies, "replies, {how}");
        assert_eq!(got.2, expected.2, "is_mid_sequence, {how}");
        for (side, option) in telnet_fuzz::all_sides() {
            assert_eq!(
                got.1.get(side, option),
                expected.1.get(side, option),
                "{side:?} {option}, {how}"
            );
        }
        let mut mine = got.0.events.iter().peekable();
        for event in &expected.0.events {
            if !must_report(&event.1, manual) && mine.peek() != Some(&event) {
                continue;
            }
            assert_eq!(mine.next(), Some(event), "events, {how}");
        }
        assert_eq!(mine.next(), None, "an extra event, {how}");
    }
}
