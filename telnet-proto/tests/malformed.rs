//! Malformed and hostile input through the public API: every case has a
//! defined outcome, never a panic, and the data after it still arrives.

mod support;

use support::{data, plain, run, Ev};
use telnet_proto::{Command, Config, Event, Newline, Policy, Session, Side, TelnetOption};

/// Inputs that broke other implementations, each followed by a marker that
/// must come through as data.
const NASTY: &[&[u8]] = &[
    b"\xff",
    b"\xff\xff\xff",
    b"\xff\xfa",
    b"\xff\xfa\xff",
    b"\xff\xfa\xff\xf0",
    b"\xff\xfa\xff\xff",
    b"\xff\xfa\x18",
    b"\xff\xfa\x18\xff",
    b"\xff\xfa\x18\xff\xfa",
    b"\xff\xfa\x18\xfa\xfa\xfa",
    b"\xff\xf0\xff\xf0",
    b"\xff\xfb",
    b"\xff\xfd",
    b"\xff\xfb\xff",
    b"\xff\xfd\xff\xff\xfe\xff",
    b"\r",
    b"\r\xff",
    b"\x00\x00\x00",
    b"\xf0\xf0\xf0",
];

#[test]
fn nasty_inputs_never_swallow_what_follows() {
    for nasty in NASTY {
        for marker_first in [false, true] {
            let mut input = nasty.to_vec();
            // Close anything left open so that the marker is data: end a
            // subnegotiation, complete a command.
            input.extend_from_slice(b"\xff\xf0\xff\xf1");
            if marker_first {
                input.splice(0..0, b"M".iter().copied());
            }
            input.extend_from_slice(b"MARKER");
            for newline in [Newline::Nvt, Newline::Translate, Newline::Raw] {
                for chunks in support::splits(&input) {
                    let mut session: Session<8> = Session::new(Config::new().newline(newline));
                    let events = run(&mut session, &chunks);
                    match events.last() {
                        Some(Ev::Data(d)) => {
                            assert!(d.ends_with(b"MARKER"), "{nasty:02x?}: data ends {d:02x?}")
                        }
                        other => panic!("{nasty:02x?}: last event {other:?}"),
                    }
                }
            }
        }
    }
}

#[test]
fn finish_reports_what_the_input_still_owed() {
    let mut session = plain();
    let _ = run(&mut session, &[b"line\r"]);
    assert_eq!(session.finish(), Some(Event::Data(b"\r")));
    assert!(!session.is_mid_sequence());
    assert_eq!(session.finish(), None);

    let _ = run(&mut session, &[b"\xff\xfa\x18\x00xte"]);
    assert_eq!(
        session.finish(),
        Some(Event::SubnegotiationAborted {
            option: Some(TelnetOption::TTYPE),
            len: 4
        })
    );
    let _ = run(&mut session, &[b"\xff\xfa"]);
    assert_eq!(
        session.finish(),
        Some(Event::SubnegotiationAborted {
            option: None,
            len: 0
        })
    );
    let _ = run(&mut session, &[b"\xff\xfd"]);
    assert_eq!(session.finish(), None);
    // The parser starts afresh: a following connection's bytes are data.
    assert_eq!(run(&mut session, &[b"\x18ok"]), [data(b"\x18ok")]);
}

#[test]
fn negotiation_storm_is_answered_once_per_change() {
    // 10,000 DO/DONT pairs for an allowed option: each DO enables (one
    // WILL), each DONT disables (one WONT); no reply is ever duplicated.
    let mut session: Session =
        Session::new(Config::new().policy(Policy::new().with_local(TelnetOption::ECHO)));
    let storm: Vec<u8> = b"\xff\xfd\x01\xff\xfd\x01\xff\xfe\x01\xff\xfe\x01"
        .iter()
        .copied()
        .cycle()
        .take(12 * 10_000)
        .collect();
    let events = run(&mut session, &[&storm]);
    let replies = events.iter().filter(|e| matches!(e, Ev::Reply(_))).count();
    assert_eq!(replies, 20_000);
    let changes = events
        .iter()
        .filter(|e| matches!(e, Ev::Changed(..)))
        .count();
    assert_eq!(changes, 20_000);
    assert!(!session.is_enabled(Side::Local, TelnetOption::ECHO));
}

#[test]
fn subnegotiation_flood_is_bounded_and_data_flows() {
    // Thousands of over-long subnegotiations interleaved with data.
    let mut input = Vec::new();
    for i in 0..2_000u32 {
        input.extend_from_slice(b"\xff\xfa\xc9");
        input.extend(std::iter::repeat_n(b'x', 100 + (i as usize % 50)));
        input.extend_from_slice(b"\xff\xf0d");
    }
    let mut session: Session<64> = Session::default();
    let events = run(&mut session, &[&input]);
    let overflows = events
        .iter()
        .filter(|e| matches!(e, Ev::Overflow(TelnetOption::GMCP, n) if *n >= 100))
        .count();
    assert_eq!(overflows, 2_000);
    let data: usize = events
        .iter()
        .map(|e| if let Ev::Data(d) = e { d.len() } else { 0 })
        .sum();
    assert_eq!(data, 2_000);
}

#[test]
fn random_streams_never_panic_and_keep_invariants() {
    // A deterministic xorshift stream of hostile bytes, in random chunks.
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let alphabet = [
        255u8, 255, 250, 240, 251, 252, 253, 254, 13, 0, 10, 1, 86, 241, b'a',
    ];
    for round in 0..2_000 {
        let len = (next() % 200) as usize;
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                let r = next();
                if r % 3 == 0 {
                    r as u8
                } else {
                    alphabet[(r >> 8) as usize % alphabet.len()]
                }
            })
            .collect();
        let newline = [Newline::Nvt, Newline::Translate, Newline::Raw][round % 3];
        let policy = Policy::new()
            .with_local(TelnetOption((next() % 8) as u8))
            .with_remote(TelnetOption((next() % 8) as u8))
            .with_remote(TelnetOption::MCCP2);
        let mut session: Session<16> = Session::new(Config::new().newline(newline).policy(policy));
        let mut pos = 0;
        while pos < bytes.len() {
            let take = 1 + (next() % 17) as usize;
            let chunk = &bytes[pos..(pos + take).min(bytes.len())];
            pos += chunk.len();
            let range = chunk.as_ptr_range();
            let mut feed = session.feed(chunk);
            while let Some(event) = feed.poll_event() {
                match event {
                    Event::Data(d) => {
                        assert!(!d.is_empty());
                        let inside =
                            range.contains(&d.as_ptr()) && d.as_ptr_range().end <= range.end;
                        assert!(inside || d == b"\r" || d == b"\xff", "stray slice {d:02x?}");
                    }
                    Event::Subnegotiation { payload, .. } => assert!(payload.len() <= 16),
                    Event::SubnegotiationOverflow { len, .. } => assert!(len > 16),
                    Event::Command(Command::Unknown(code)) => {
                        assert!(Command::from_byte(code) == Some(Command::Unknown(code)))
                    }
                    _ => {}
                }
            }
        }
        let _ = session.finish();
        assert!(!session.is_mid_sequence());
    }
}
