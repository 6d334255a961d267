//! TTYPE (RFC 1091) and MTTS: codec, cycling, and a server cycling a
//! scripted MUD client.

mod options_util;

use options_util::{events, payloads, through_session, Ev, Pair, Who};
use proptest::prelude::*;
use telnet_proto::options::ttype::{Answers, Cycle, Mtts, Next, TerminalType, MAX_ANSWERS};
use telnet_proto::options::{self, DecodeError, OptionPayload};
use telnet_proto::{Config, Policy, Session, Side, TelnetOption};

// RFC 1091's example exchange: SEND, then IS "DEC-VT52".
#[test]
fn rfc_send_and_is() {
    let send = b"\xff\xfa\x18\x01\xff\xf0";
    let mut buf = [0u8; 32];
    let n = TerminalType::Send.encode(&mut buf).unwrap();
    assert_eq!(&buf[..n], send);
    let n = TerminalType::Is("DEC-VT52").encode(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"\xff\xfa\x18\x00DEC-VT52\xff\xf0");
    let got = events(Session::<1024>::default, &buf[..n]);
    let p = payloads(&got, TelnetOption::TTYPE);
    assert_eq!(
        TerminalType::decode(&p[0]),
        Ok(TerminalType::Is("DEC-VT52"))
    );
    assert_eq!(TerminalType::decode(&[1]), Ok(TerminalType::Send));
    assert_eq!(TerminalType::decode(&[0]), Ok(TerminalType::Is("")));
}

#[test]
fn malformed_payloads() {
    assert_eq!(
        TerminalType::decode(&[]),
        Err(DecodeError::Truncated { offset: 0 })
    );
    assert_eq!(
        TerminalType::decode(&[1, b'x']),
        Err(DecodeError::TrailingBytes { offset: 1 })
    );
    assert_eq!(
        TerminalType::decode(&[2, b'x']),
        Err(DecodeError::UnexpectedByte { offset: 0, byte: 2 })
    );
    assert_eq!(
        TerminalType::decode(b"\x00ab\xffc"),
        Err(DecodeError::InvalidUtf8 { offset: 3 })
    );
}

#[test]
fn mtts_parsing() {
    assert_eq!(Mtts::parse("MTTS 271"), Some(Mtts(271)));
    assert_eq!(Mtts::parse("mtts 9"), Some(Mtts(9)));
    assert_eq!(Mtts::parse("MTTS "), None);
    assert_eq!(Mtts::parse("MTTS x1"), None);
    assert_eq!(Mtts::parse("MTTS -1"), None);
    assert_eq!(Mtts::parse("MTTS 99999999999"), None);
    assert_eq!(Mtts::parse("XTERM"), None);
    assert_eq!(Mtts::parse("MTT"), None);
    let flags = Mtts(2047);
    assert!(flags.contains(Mtts::SCREEN_READER | Mtts::MSLP));
    assert!(!flags.contains(Mtts::SSL));
    assert_eq!(format!("{}", Mtts(0)), "MTTS 0");
    assert_eq!(format!("{}", Mtts(u32::MAX)), "MTTS 4294967295");
}

#[test]
fn cycle_stops_on_a_repeat_of_the_first_name() {
    let mut cycle = Cycle::new();
    assert_eq!(cycle.handle_is("ANSI"), Next::SendAgain);
    assert_eq!(cycle.handle_is("VT100"), Next::SendAgain);
    assert_eq!(cycle.handle_is("ansi"), Next::Done);
    assert_eq!(cycle.first(), Some("ANSI"));
    assert_eq!(cycle.mtts(), None);
    assert_eq!(cycle.answers(), 3);
    // Once done, it stays done.
    assert_eq!(cycle.handle_is("other"), Next::Done);
    assert_eq!(cycle.answers(), 3);
}

#[test]
fn cycle_is_bounded_against_a_client_that_never_repeats() {
    let mut cycle = Cycle::new();
    let mut asked = 0;
    for i in 0.. {
        asked += 1;
        if cycle.handle_is(&format!("TERM-{i}")) == Next::Done {
            break;
        }
    }
    assert_eq!(asked, MAX_ANSWERS);
    assert!(cycle.is_done());
}

#[test]
fn long_names_are_kept_to_a_char_boundary() {
    let long = "é".repeat(40); // 80 bytes
    let mut cycle = Cycle::new();
    assert_eq!(cycle.handle_is(&long), Next::SendAgain);
    assert_eq!(cycle.first(), Some(&long[..64]));
    assert_eq!(cycle.handle_is(&long), Next::Done);
}

// A server cycling a scripted tintin++: TINTIN++, xterm, MTTS 271, and
// the last again.
#[test]
fn server_cycles_a_scripted_mtts_client() {
    let client = Session::new(Config::new().policy(Policy::new().with_local(TelnetOption::TTYPE)));
    let mut pair = Pair::new(client, Session::default());
    pair.to_client
        .send_neg(pair.server.enable(Side::Remote, TelnetOption::TTYPE));
    let mut answers = Answers::new(&["TINTIN++", "xterm", "MTTS 271"]);
    let mut cycle = Cycle::new();
    let mut sends = 0;
    pair.run(30, |who, ev, out, _| match (who, ev) {
        (Who::Server, Ev::Changed(TelnetOption::TTYPE, Side::Remote, true)) => {
            sends += 1;
            out.send(&TerminalType::Send);
        }
        (Who::Client, Ev::Sb(option, payload)) => {
            let message = options::decode_as::<TerminalType>(*option, payload).unwrap();
            assert_eq!(message, Ok(TerminalType::Send));
            out.send(&TerminalType::Is(answers.next_name()));
        }
        (Who::Server, Ev::Sb(option, payload)) => {
            let Some(Ok(TerminalType::Is(name))) = options::decode_as(*option, payload) else {
                panic!("not an IS: {payload:?}");
            };
            if cycle.handle_is(name) == Next::SendAgain {
                sends += 1;
                out.send(&TerminalType::Send);
            }
        }
        _ => {}
    });
    assert_eq!(sends, 4);
    assert!(cycle.is_done());
    assert_eq!(cycle.first(), Some("TINTIN++"));
    assert_eq!(cycle.mtts(), Some(Mtts(271)));
    assert!(cycle.mtts().unwrap().contains(Mtts::TRUECOLOR | Mtts::UTF8));
}

proptest! {
    #[test]
    fn round_trip(name in "[ -~]{0,60}|\\PC{0,20}", send: bool) {
        let value = if send { TerminalType::Send } else { TerminalType::Is(&name) };
        let payload = through_session(&value);
        prop_assert_eq!(TerminalType::decode(&payload), Ok(value));
    }

    #[test]
    fn decode_never_panics_and_is_canonical(payload in proptest::collection::vec(any::<u8>(), 0..12)) {
        if let Ok(value) = TerminalType::decode(&payload) {
            let mut buf = [0u8; 16];
            let n = value.encode_payload(&mut buf).unwrap();
            prop_assert_eq!(&buf[..n], &payload[..]);
        }
    }

    #[test]
    fn mtts_names_round_trip(flags: u32) {
        prop_assert_eq!(Mtts::parse(&Mtts(flags).to_string()), Some(Mtts(flags)));
    }
}
