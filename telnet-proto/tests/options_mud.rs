//! The MUD protocols: GMCP, MSDP, MSSP and ZMP.

mod options_util;

use options_util::{canonical, payload_strategy, through_session, Ev, Pair, Who};
use proptest::prelude::*;
use telnet_proto::options::gmcp::Gmcp;
use telnet_proto::options::msdp::{self, BuildError, Builder, Msdp, Token, MAX_DEPTH};
use telnet_proto::options::mssp::{Entry, Mssp};
use telnet_proto::options::zmp::Zmp;
use telnet_proto::options::{self, DecodeError, OptionPayload};
use telnet_proto::{Config, Policy, Session, Side, TelnetOption};

#[test]
fn gmcp_split_and_errors() {
    let msg = Gmcp::decode(b"Core.Hello {\"client\": \"x\"}").unwrap();
    assert_eq!(
        (msg.package, msg.data),
        ("Core.Hello", Some("{\"client\": \"x\"}"))
    );
    assert_eq!(Gmcp::decode(b"Core.Ping"), Ok(Gmcp::new("Core.Ping", None)));
    assert_eq!(
        Gmcp::decode(b"Core.Ping "),
        Ok(Gmcp::new("Core.Ping", Some("")))
    );
    let nested = Gmcp::new("Char.Items.List", None);
    assert_eq!((nested.module(), nested.message()), ("Char.Items", "List"));
    assert_eq!(
        (
            Gmcp::new("Ping", None).module(),
            Gmcp::new("Ping", None).message()
        ),
        ("Ping", "Ping")
    );
    assert_eq!(Gmcp::decode(b""), Err(DecodeError::Truncated { offset: 0 }));
    assert_eq!(
        Gmcp::decode(b" {}"),
        Err(DecodeError::UnexpectedByte {
            offset: 0,
            byte: b' '
        })
    );
    assert_eq!(
        Gmcp::decode(b"Room.Info \"\xff\""),
        Err(DecodeError::InvalidUtf8 { offset: 11 })
    );
    // A 0xFF can only come from non-UTF-8 text, but an encoded frame of
    // UTF-8 JSON never needs escaping; a long message goes through whole.
    let long = format!("{{\"text\": \"{}\"}}", "é".repeat(300));
    let value = Gmcp::new("Comm.Channel.Text", Some(&long));
    assert_eq!(Gmcp::decode(&through_session(&value)), Ok(value));
}

// A server sends GMCP to a client that enabled it.
#[test]
fn gmcp_between_two_sessions() {
    let client = Session::new(Config::new().policy(Policy::new().with_remote(TelnetOption::GMCP)));
    let mut pair = Pair::new(client, Session::default());
    pair.to_client
        .send_neg(pair.server.enable(Side::Local, TelnetOption::GMCP));
    let mut got = Vec::new();
    pair.run(10, |who, ev, out, _| match (who, ev) {
        (Who::Server, Ev::Changed(TelnetOption::GMCP, Side::Local, true)) => {
            out.send(&Gmcp::new("Char.Vitals", Some("{\"hp\":10}")));
        }
        (Who::Client, Ev::Sb(option, payload)) => {
            let msg: Gmcp = options::decode_as(*option, payload).unwrap().unwrap();
            got.push((msg.package.to_owned(), msg.data.map(str::to_owned)));
        }
        _ => {}
    });
    assert_eq!(
        got,
        [("Char.Vitals".to_owned(), Some("{\"hp\":10}".to_owned()))]
    );
}

// The MSDP specification's examples.
#[test]
fn msdp_spec_examples() {
    let scalar = Msdp::decode(b"\x01HEALTH\x02500").unwrap();
    assert_eq!(
        scalar.tokens().collect::<Vec<_>>(),
        [Token::Var(b"HEALTH"), Token::Val(b"500")]
    );
    let report = Msdp::decode(b"\x01REPORT\x02HEALTH\x02MANA").unwrap();
    assert_eq!(report.tokens().count(), 3);
    let room = b"\x01ROOM\x02\x03\x01VNUM\x026008\x01EXITS\x02\x03\x01n\x026011\x04\x04";
    let msg = Msdp::decode(room).unwrap();
    let mut tokens = msg.tokens();
    let mut seen = Vec::new();
    while let Some(token) = tokens.next() {
        seen.push((token, tokens.depth()));
    }
    assert_eq!(
        seen,
        [
            (Token::Var(b"ROOM"), 0),
            (Token::TableOpen, 1),
            (Token::Var(b"VNUM"), 1),
            (Token::Val(b"6008"), 1),
            (Token::Var(b"EXITS"), 1),
            (Token::TableOpen, 2),
            (Token::Var(b"n"), 2),
            (Token::Val(b"6011"), 2),
            (Token::TableClose, 1),
            (Token::TableClose, 0),
        ]
    );
    let array =
        Msdp::decode(b"\x01LIST\x02\x05\x02a\x02\x03\x01k\x02v\x04\x02\x05\x06\x06").unwrap();
    assert_eq!(array.tokens().filter(|t| *t == Token::ArrayOpen).count(), 2);
    canonical::<Msdp>(room).unwrap();
}

#[test]
fn msdp_malformed() {
    let cases: &[(&[u8], DecodeError)] = &[
        (b"", DecodeError::Truncated { offset: 0 }),
        (
            b"x\x01A\x02b",
            DecodeError::UnexpectedByte {
                offset: 0,
                byte: b'x',
            },
        ),
        (b"\x02v", DecodeError::UnexpectedByte { offset: 0, byte: 2 }),
        (b"\x01A", DecodeError::Truncated { offset: 2 }),
        (
            b"\x01A\x01B\x02c",
            DecodeError::UnexpectedByte { offset: 2, byte: 1 },
        ),
        (
            b"\x01A\x02\x03\x01k\x02v",
            DecodeError::MissingTerminator { offset: 8 },
        ),
        (
            b"\x01A\x02b\x04",
            DecodeError::UnexpectedByte { offset: 4, byte: 4 },
        ),
        (
            b"\x01A\x02\x05\x02b\x04",
            DecodeError::UnexpectedByte { offset: 6, byte: 4 },
        ),
        (
            b"\x01A\x02\x05\x01k\x02v\x06",
            DecodeError::UnexpectedByte { offset: 4, byte: 1 },
        ),
        (
            b"\x01A\x02\x03\x01k\x04",
            DecodeError::UnexpectedByte { offset: 6, byte: 4 },
        ),
        (
            b"\x01A\x03",
            DecodeError::UnexpectedByte { offset: 2, byte: 3 },
        ),
        (
            b"\x01A\x02b\x06",
            DecodeError::UnexpectedByte { offset: 4, byte: 6 },
        ),
    ];
    for (payload, error) in cases {
        assert_eq!(Msdp::decode(payload), Err(*error), "{payload:02x?}");
    }
    // Nesting is bounded.
    let mut deep = b"\x01A".to_vec();
    for _ in 0..=MAX_DEPTH {
        deep.extend_from_slice(b"\x02\x05");
    }
    assert_eq!(
        Msdp::decode(&deep),
        Err(DecodeError::TooDeep {
            offset: 2 + 2 * MAX_DEPTH
        })
    );
    let mut ok = b"\x01A".to_vec();
    ok.extend(std::iter::repeat_n(&b"\x02\x05"[..], MAX_DEPTH).flatten());
    ok.extend(std::iter::repeat_n(msdp::ARRAY_CLOSE, MAX_DEPTH));
    assert!(Msdp::decode(&ok).is_ok());
}

#[test]
fn msdp_builder() {
    let mut buf = [0u8; 8];
    let mut b = Builder::new(&mut buf);
    b.var(b"HEALTH").val(b"500");
    assert_eq!(b.len(), 11);
    assert_eq!(
        b.finish(),
        Err(BuildError::BufferTooSmall(telnet_proto::BufferTooSmall {
            required: 11,
            available: 8
        }))
    );
    let mut buf = [0u8; 32];
    let mut b = Builder::new(&mut buf);
    b.var(b"A\x02B").val(b"c");
    // "A\x02B" would read as the name A and a value B.
    assert_eq!(
        b.finish(),
        Err(BuildError::Invalid(DecodeError::UnexpectedByte {
            offset: 2,
            byte: 2
        }))
    );
    let mut buf = [0u8; 32];
    let mut b = Builder::new(&mut buf);
    b.var(b"X").table_open();
    assert_eq!(
        b.finish(),
        Err(BuildError::Invalid(DecodeError::MissingTerminator {
            offset: 4
        }))
    );
}

// A client asks the server to REPORT variables over MSDP.
#[test]
fn msdp_between_two_sessions() {
    let server = Session::new(Config::new().policy(Policy::new().with_local(TelnetOption::MSDP)));
    let mut pair = Pair::new(Session::default(), server);
    pair.to_server
        .send_neg(pair.client.enable(Side::Remote, TelnetOption::MSDP));
    let mut reported = Vec::new();
    pair.run(10, |who, ev, out, _| match (who, ev) {
        (Who::Client, Ev::Changed(TelnetOption::MSDP, Side::Remote, true)) => {
            let mut buf = [0u8; 64];
            let mut b = Builder::new(&mut buf);
            b.var(b"REPORT").val(b"HEALTH").val(b"MANA");
            out.send(&b.finish().unwrap());
        }
        (Who::Server, Ev::Sb(option, payload)) => {
            let msg: Msdp = options::decode_as(*option, payload).unwrap().unwrap();
            for token in msg.tokens() {
                if let Token::Val(name) = token {
                    reported.push(name.to_vec());
                }
            }
        }
        _ => {}
    });
    assert_eq!(reported, [b"HEALTH".to_vec(), b"MANA".to_vec()]);
}

#[test]
fn mssp_several_values_per_variable() {
    let payload = b"\x01NAME\x02Example\x01CODEBASE\x02Merc\x02Diku\x01PLAYERS\x0252";
    let msg = canonical::<Mssp>(payload).unwrap();
    let vars: Vec<_> = msg
        .vars()
        .map(|v| (v.name, v.values().collect::<Vec<_>>()))
        .collect();
    assert_eq!(
        vars,
        [
            (&b"NAME"[..], vec![&b"Example"[..]]),
            (b"CODEBASE", vec![b"Merc", b"Diku"]),
            (b"PLAYERS", vec![b"52"]),
        ]
    );
    assert_eq!(msg.vars().nth(2).unwrap().value(), b"52");
    let entries = [
        Entry::new(b"NAME", &[b"Example"]),
        Entry::new(b"CODEBASE", &[b"Merc", b"Diku"]),
    ];
    assert_eq!(
        Mssp::decode(&through_session(&Mssp::new(&entries))).unwrap(),
        Mssp::new(&entries)
    );
}

#[test]
fn mssp_malformed() {
    let cases: &[(&[u8], DecodeError)] = &[
        (b"", DecodeError::Truncated { offset: 0 }),
        (b"\x02x", DecodeError::UnexpectedByte { offset: 0, byte: 2 }),
        (
            b"NAME",
            DecodeError::UnexpectedByte {
                offset: 0,
                byte: b'N',
            },
        ),
        (b"\x01NAME", DecodeError::Truncated { offset: 5 }),
        (
            b"\x01NAME\x01X\x02y",
            DecodeError::UnexpectedByte { offset: 5, byte: 1 },
        ),
    ];
    for (payload, error) in cases {
        assert_eq!(Mssp::decode(payload), Err(*error), "{payload:02x?}");
    }
}

#[test]
fn zmp_strings() {
    let msg = canonical::<Zmp>(b"zmp.ident\0tinyfugue\x005.0\0").unwrap();
    assert_eq!(msg.command(), b"zmp.ident");
    assert_eq!(msg.args().collect::<Vec<_>>(), [&b"tinyfugue"[..], b"5.0"]);
    let empty_arg = canonical::<Zmp>(b"zmp.check\0\0").unwrap();
    assert_eq!(empty_arg.args().collect::<Vec<_>>(), [&b""[..]]);
    assert_eq!(Zmp::decode(b""), Err(DecodeError::Truncated { offset: 0 }));
    assert_eq!(
        Zmp::decode(b"zmp.ping"),
        Err(DecodeError::MissingTerminator { offset: 8 })
    );
    assert_eq!(
        Zmp::decode(b"zmp.time\x00123"),
        Err(DecodeError::MissingTerminator { offset: 12 })
    );
    assert!(Zmp::new(&[]).is_none());
    assert!(Zmp::new(&[b"a\0b"]).is_none());
    let parts: [&[u8]; 2] = [b"zmp.time", b"\xff\xfe"];
    let built = Zmp::new(&parts).unwrap();
    assert_eq!(through_session(&built), b"zmp.time\0\xff\xfe\0");
}

proptest! {
    #[test]
    fn gmcp_round_trip(package in "[A-Za-z.]{1,20}", data in proptest::option::of("\\PC{0,40}")) {
        let value = Gmcp::new(&package, data.as_deref());
        let payload = through_session(&value);
        prop_assert_eq!(Gmcp::decode(&payload), Ok(value));
    }

    #[test]
    fn msdp_round_trip(ops in proptest::collection::vec((0u8..6, "[a-z]{0,4}"), 0..24)) {
        // Turn arbitrary operations into a well-formed message.
        let mut buf = vec![0u8; 512];
        let mut b = Builder::new(&mut buf);
        let mut stack: Vec<bool> = Vec::new(); // true: array
        b.var(b"top");
        let mut need_value = true;
        for (op, text) in &ops {
            let in_array = stack.last() == Some(&true);
            match op {
                0 if !in_array && !need_value => { b.var(text.as_bytes()); need_value = true; }
                1 if stack.len() < 8 && (in_array || need_value) => { b.table_open(); stack.push(false); need_value = false; }
                2 if stack.len() < 8 && (in_array || need_value) => { b.array_open(); stack.push(true); need_value = false; }
                3 if !need_value && !stack.is_empty() => {
                    if stack.pop() == Some(true) { b.array_close(); } else { b.table_close(); }
                }
                _ if in_array || need_value => { b.val(text.as_bytes()); need_value = false; }
                _ => {}
            }
        }
        if need_value { b.val(b""); }
        while let Some(array) = stack.pop() {
            if array { b.array_close(); } else { b.table_close(); }
        }
        let msg = b.finish().unwrap();
        let payload = through_session(&msg);
        let again = Msdp::decode(&payload).unwrap();
        prop_assert_eq!(again, msg);
        prop_assert_eq!(again.tokens().count(), msg.tokens().count());
    }

    #[test]
    fn mssp_round_trip(vars in proptest::collection::vec(("[A-Z]{0,6}", proptest::collection::vec("[ -~]{0,6}", 1..4)), 1..5)) {
        let values: Vec<Vec<&[u8]>> = vars.iter().map(|(_, vs)| vs.iter().map(|v| v.as_bytes()).collect()).collect();
        let entries: Vec<Entry> = vars.iter().zip(&values).map(|((name, _), vs)| Entry::new(name.as_bytes(), vs)).collect();
        let value = Mssp::new(&entries);
        let payload = through_session(&value);
        prop_assert_eq!(Mssp::decode(&payload).unwrap(), value);
    }

    #[test]
    fn zmp_round_trip(parts in proptest::collection::vec(proptest::collection::vec(1u8..=255, 0..6), 1..5)) {
        let refs: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
        let value = Zmp::new(&refs).unwrap();
        let payload = through_session(&value);
        let again = Zmp::decode(&payload).unwrap();
        prop_assert_eq!(again.parts().collect::<Vec<_>>(), refs);
    }

    #[test]
    fn any_payload_decodes_canonically_or_errs(payload in payload_strategy(16)) {
        canonical::<Gmcp>(&payload);
        canonical::<Msdp>(&payload);
        canonical::<Mssp>(&payload);
        canonical::<Zmp>(&payload);
    }
}
