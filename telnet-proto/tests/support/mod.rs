//! Shared helpers for the core's integration tests: owned events, and a
//! driver that feeds a vector whole, byte by byte and split at every point.

#![allow(dead_code, unreachable_pub)] // each test file uses a different part

use telnet_proto::{Command, Event, Negotiation, Session, Side, TelnetOption};

/// An owned copy of an [`Event`], so that runs can be compared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ev {
    Data(Vec<u8>),
    Cmd(Command),
    Neg(Negotiation),
    Reply(Negotiation),
    Changed(TelnetOption, Side, bool),
    Sb(TelnetOption, Vec<u8>),
    Overflow(TelnetOption, usize),
    Aborted(Option<TelnetOption>, usize),
    /// Compression started; the bytes are everything fed after the boundary.
    Compressed(TelnetOption, Vec<u8>),
}

pub fn data(bytes: &[u8]) -> Ev {
    Ev::Data(bytes.to_vec())
}

pub fn sb(option: TelnetOption, payload: &[u8]) -> Ev {
    Ev::Sb(option, payload.to_vec())
}

/// Appends `ev`, merging it into a preceding `Data`.
fn push(out: &mut Vec<Ev>, ev: Ev) {
    if let (Some(Ev::Data(prev)), Ev::Data(next)) = (out.last_mut(), &ev) {
        prev.extend_from_slice(next);
        return;
    }
    out.push(ev);
}

/// The owned form of an event. A negotiation becomes up to three entries,
/// in the order an application acts on them: what was received, the reply
/// to send, the state change.
pub fn owned(event: Event<'_, '_>) -> Vec<Ev> {
    let ev = match event {
        Event::Data(bytes) => {
            assert!(!bytes.is_empty(), "empty Data event");
            Ev::Data(bytes.to_vec())
        }
        Event::Command(c) => Ev::Cmd(c),
        Event::Negotiation {
            received,
            reply,
            changed,
        } => {
            let mut evs = vec![Ev::Neg(received)];
            evs.extend(reply.map(Ev::Reply));
            let side = received.verb.received_side();
            evs.extend(changed.map(|on| Ev::Changed(received.option, side, on)));
            return evs;
        }
        Event::Subnegotiation { option, payload } => Ev::Sb(option, payload.to_vec()),
        Event::SubnegotiationOverflow { option, len } => Ev::Overflow(option, len),
        Event::SubnegotiationAborted { option, len } => Ev::Aborted(option, len),
        Event::CompressionStart { option, rest } => Ev::Compressed(option, rest.to_vec()),
        other => panic!("unexpected event {other:?}"),
    };
    vec![ev]
}

/// Feeds `chunks` in order and returns the events, adjacent data merged.
/// After a compression boundary, every later byte is collected as compressed.
pub fn run<const N: usize>(session: &mut Session<N>, chunks: &[&[u8]]) -> Vec<Ev> {
    let mut out = Vec::new();
    let mut compressed: Option<usize> = None;
    for chunk in chunks {
        if let Some(at) = compressed {
            if let Ev::Compressed(_, bytes) = &mut out[at] {
                bytes.extend_from_slice(chunk);
            }
            continue;
        }
        let mut feed = session.feed(chunk);
        while let Some(event) = feed.poll_event() {
            for ev in owned(event) {
                let is_compressed = matches!(ev, Ev::Compressed(..));
                push(&mut out, ev);
                if is_compressed {
                    compressed = Some(out.len() - 1);
                }
            }
        }
        if compressed.is_none() {
            assert!(feed.remaining().is_empty(), "feed stopped early");
        }
    }
    out
}

/// Every way of cutting `input` that the tests use: whole, byte by byte,
/// and in two pieces at every split point.
pub fn splits(input: &[u8]) -> Vec<Vec<&[u8]>> {
    let mut ways = vec![vec![input], input.chunks(1).collect()];
    for at in 1..input.len() {
        ways.push(vec![&input[..at], &input[at..]]);
    }
    ways
}

/// Asserts that `input`, fed to a fresh session from `make` in every way of
/// [`splits`], gives `expected`.
pub fn check<const N: usize>(make: impl Fn() -> Session<N>, input: &[u8], expected: &[Ev]) {
    for chunks in splits(input) {
        let mut session = make();
        let got = run(&mut session, &chunks);
        assert_eq!(
            got,
            expected,
            "input {input:02x?} fed in {} chunk(s) of sizes {:?}",
            chunks.len(),
            chunks.iter().map(|c| c.len()).collect::<Vec<_>>()
        );
    }
}

/// A default session with the default capacity.
pub fn plain() -> Session {
    Session::default()
}
