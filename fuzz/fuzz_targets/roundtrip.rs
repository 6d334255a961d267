//! `roundtrip`: an arbitrary sequence of data, text, commands,
//! negotiations and subnegotiations is encoded with `telnet_proto::encode`
//! and parsed back, under arbitrary chunking, to the same sequence.
//!
//! Data comes back byte for byte in `Newline::Raw`; in the NVT modes the
//! received side applies its documented newline rules to the wire bytes
//! (CR NUL is CR, and in `Translate` CR LF is LF), so the expectation is
//! the wire form of the text (`\n` as CR LF, a bare `\r` as CR NUL) with
//! those rules applied. Subnegotiations longer than the capacity (64 or
//! 1024) must come back as one overflow with their full length. The
//! session refuses every option, so no received negotiation changes the
//! data mode; its replies are not part of the comparison.
//!
//! Each encoder is also checked against its `*_len` function and against
//! a buffer one byte too small (an error naming the size, nothing written).
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use telnet_fuzz::{chunks, feed_all, push_merged, Owned};
use telnet_proto::{
    encode, BufferTooSmall, Command, Config, Negotiation, Newline, Session, TelnetOption, Verb,
};

#[derive(Arbitrary, Debug)]
enum Item {
    Data(Vec<u8>),
    Text(Vec<u8>),
    /// A command byte; skipped when it is not a two-byte command.
    Command(u8),
    Negotiation(u8, u8),
    Subnegotiation(u8, Vec<u8>),
}

#[derive(Arbitrary, Debug)]
struct Input {
    newline: u8,
    manual: bool,
    small: bool,
    sizes: Vec<u8>,
    items: Vec<Item>,
}

fuzz_target!(|input: Input| {
    if input.small {
        run::<64>(&input);
    } else {
        run::<1024>(&input);
    }
});

/// Runs an encoder on a buffer one byte too small, then on an exact one.
fn encoded(required: usize, f: impl Fn(&mut [u8]) -> Result<usize, BufferTooSmall>) -> Vec<u8> {
    if required > 0 {
        let mut short = vec![0xa5u8; required - 1];
        let err = f(&mut short).expect_err("encoded into a buffer too small");
        assert_eq!(
            err.required, required,
            "BufferTooSmall names the wrong size"
        );
        assert_eq!(err.available, required - 1);
        assert!(
            short.iter().all(|&b| b == 0xa5),
            "a failed encode wrote to the buffer"
        );
    }
    let mut buf = vec![0u8; required + 3];
    let n = f(&mut buf).expect("encode into a large enough buffer");
    assert_eq!(n, required, "encoder wrote another size than it announced");
    buf.truncate(n);
    buf
}

/// 0xFF doubled: the independent statement of RFC 854's escaping.
fn escaped(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for &b in bytes {
        out.push(b);
        if b == 0xff {
            out.push(0xff);
        }
    }
    out
}

/// NVT text on the wire before escaping: `\n` as CR LF, a bare `\r` as
/// CR NUL, `\r\n` unchanged.
fn nvt_form(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, &b) in text.iter().enumerate() {
        match b {
            b'\n' if i == 0 || text[i - 1] != b'\r' => out.extend_from_slice(b"\r\n"),
            b'\r' if text.get(i + 1) != Some(&b'\n') => out.extend_from_slice(b"\r\0"),
            _ => out.push(b),
        }
    }
    out
}

/// What the receiver delivers for a run of wire data bytes (unescaped).
fn received(newline: Newline, wire: &[u8]) -> Vec<u8> {
    if newline == Newline::Raw {
        return wire.to_vec();
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < wire.len() {
        let b = wire[i];
        match (b, wire.get(i + 1)) {
            (b'\r', Some(0)) => {
                out.push(b'\r');
                i += 2;
            }
            (b'\r', Some(b'\n')) if newline == Newline::Translate => {
                out.push(b'\n');
                i += 2;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

fn run<const CAP: usize>(input: &Input) {
    let newline = match input.newline % 3 {
        0 => Newline::Nvt,
        1 => Newline::Translate,
        _ => Newline::Raw,
    };
    let mut wire = Vec::new();
    let mut expected = Vec::new();
    let mut run = Vec::new(); // wire data not yet turned into an expected event
    let flush = |run: &mut Vec<u8>, expected: &mut Vec<Owned>| {
        push_merged(expected, Owned::Data(received(newline, run)));
        run.clear();
    };
    for item in &input.items {
        match item {
            Item::Data(bytes) => {
                let out = encoded(encode::data_len(bytes), |buf| encode::data(bytes, buf));
                assert_eq!(out, escaped(bytes));
                wire.extend_from_slice(&out);
                run.extend_from_slice(bytes);
            }
            Item::Text(text) => {
                let out = encoded(encode::text_len(text), |buf| encode::text(text, buf));
                let form = nvt_form(text);
                assert_eq!(out, escaped(&form), "encode::text of {text:?}");
                wire.extend_from_slice(&out);
                run.extend_from_slice(&form);
            }
            Item::Command(code) => {
                let Some(command) = Command::from_byte(*code) else {
                    continue;
                };
                let out = encoded(2, |buf| encode::command(command, buf));
                assert_eq!(out, [0xff, *code]);
                wire.extend_from_slice(&out);
                flush(&mut run, &mut expected);
                expected.push(Owned::Command(command));
            }
            Item::Negotiation(verb, option) => {
                let verb = [Verb::Will, Verb::Wont, Verb::Do, Verb::Dont][usize::from(verb % 4)];
                let n = Negotiation::new(verb, TelnetOption(*option));
                let out = encoded(3, |buf| encode::negotiation(n, buf));
                assert_eq!(out, [0xff, verb.to_byte(), *option]);
                wire.extend_from_slice(&out);
                flush(&mut run, &mut expected);
                expected.push(Owned::Negotiation {
                    received: n,
                    reply: None,
                    changed: None,
                });
            }
            Item::Subnegotiation(option, payload) => {
                let option = TelnetOption(*option);
                let out = encoded(encode::subnegotiation_len(option, payload), |buf| {
                    encode::subnegotiation(option, payload, buf)
                });
                let mut direct = vec![0xff, 0xfa];
                direct.extend(escaped(&[option.0]));
                direct.extend(escaped(payload));
                direct.extend([0xff, 0xf0]);
                assert_eq!(out, direct);
                wire.extend_from_slice(&out);
                flush(&mut run, &mut expected);
                expected.push(if payload.len() <= CAP {
                    Owned::Subnegotiation {
                        option,
                        payload: payload.clone(),
                    }
                } else {
                    Owned::Overflow {
                        option,
                        len: payload.len(),
                    }
                });
            }
        }
    }
    flush(&mut run, &mut expected);

    let config = Config::new()
        .newline(newline)
        .manual_negotiation(input.manual);
    let mut session: Session<CAP> = Session::new(config);
    let mut events = Vec::new();
    let mut keep = |event: Owned| {
        // Only what was received is compared: the session's answers
        // depend on its table, not on the encoding.
        let event = match event {
            Owned::Negotiation { received, .. } => Owned::Negotiation {
                received,
                reply: None,
                changed: None,
            },
            event => event,
        };
        push_merged(&mut events, event);
    };
    for chunk in chunks(&wire, &input.sizes) {
        feed_all(&mut session, chunk, |event, _| {
            keep(Owned::from_event(event))
        });
    }
    if let Some(event) = session.finish() {
        keep(Owned::from_event(&event));
    }
    assert_eq!(
        events, expected,
        "parsed back (left) differs from what was encoded"
    );
}
