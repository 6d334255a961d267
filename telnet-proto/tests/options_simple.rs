//! TSPEED (RFC 1079), XDISPLOC (RFC 1096), LFLOW (RFC 1372), and the
//! options without a subnegotiation: TIMING-MARK (RFC 860), EOR (RFC 885),
//! SGA (RFC 858), ECHO (RFC 857), BINARY (RFC 856).

mod options_util;

use options_util::{canonical, events, payload_strategy, through_session, Ev, Pair, Who};
use proptest::prelude::*;
use telnet_proto::options::lflow::FlowControl;
use telnet_proto::options::tspeed::TerminalSpeed;
use telnet_proto::options::xdisploc::DisplayLocation;
use telnet_proto::options::{self, DecodeError, OptionPayload};
use telnet_proto::{
    Command, Config, Negotiation, Newline, Policy, Session, Side, TelnetOption, Verb,
};

fn neg(verb: Verb, option: TelnetOption) -> Negotiation {
    Negotiation::new(verb, option)
}

// RFC 1079's example: "IAC SB TERMINAL-SPEED IS 38400,38400 IAC SE".
#[test]
fn tspeed_rfc_example_and_errors() {
    assert_eq!(
        TerminalSpeed::decode(b"\x0038400,38400"),
        Ok(TerminalSpeed::Is {
            transmit: 38400,
            receive: 38400
        })
    );
    assert_eq!(
        through_session(&TerminalSpeed::Is {
            transmit: 9600,
            receive: 0
        }),
        b"\x009600,0"
    );
    assert_eq!(through_session(&TerminalSpeed::Send), [1]);
    // Leading zeros are read, and dropped on encoding (not canonical).
    let zeros = TerminalSpeed::decode(b"\x00009600,0300").unwrap();
    assert_eq!(
        zeros,
        TerminalSpeed::Is {
            transmit: 9600,
            receive: 300
        }
    );
    let cases: &[(&[u8], DecodeError)] = &[
        (b"", DecodeError::Truncated { offset: 0 }),
        (b"\x00", DecodeError::Truncated { offset: 1 }),
        (b"\x009600", DecodeError::Truncated { offset: 5 }),
        (b"\x009600,", DecodeError::Truncated { offset: 6 }),
        (
            b"\x00,9600",
            DecodeError::UnexpectedByte {
                offset: 1,
                byte: b',',
            },
        ),
        (
            b"\x0096x0,1",
            DecodeError::UnexpectedByte {
                offset: 3,
                byte: b'x',
            },
        ),
        (
            b"\x0096x0",
            DecodeError::UnexpectedByte {
                offset: 3,
                byte: b'x',
            },
        ),
        (
            b"\x001,2,3",
            DecodeError::UnexpectedByte {
                offset: 4,
                byte: b',',
            },
        ),
        (
            b"\x004294967296,1",
            DecodeError::NumberTooLarge { offset: 1 },
        ),
        (b"\x01\x00", DecodeError::TrailingBytes { offset: 1 }),
        (b"\x02", DecodeError::UnexpectedByte { offset: 0, byte: 2 }),
    ];
    for (payload, error) in cases {
        assert_eq!(
            TerminalSpeed::decode(payload),
            Err(*error),
            "{payload:02x?}"
        );
    }
    assert_eq!(
        TerminalSpeed::decode(b"\x004294967295,0"),
        Ok(TerminalSpeed::Is {
            transmit: u32::MAX,
            receive: 0
        })
    );
}

#[test]
fn xdisploc_and_lflow() {
    assert_eq!(
        DisplayLocation::decode(b"\x00host.example:0"),
        Ok(DisplayLocation::Is("host.example:0"))
    );
    assert_eq!(
        DisplayLocation::Is("[::1]:1.0").parts(),
        Some(("[::1]", "1.0"))
    );
    assert_eq!(DisplayLocation::Is("nodisplay").parts(), None);
    assert_eq!(DisplayLocation::Send.parts(), None);
    assert_eq!(through_session(&DisplayLocation::Send), [1]);
    assert_eq!(
        DisplayLocation::decode(b"\x01x"),
        Err(DecodeError::TrailingBytes { offset: 1 })
    );
    assert_eq!(
        DisplayLocation::decode(b"\x03"),
        Err(DecodeError::UnexpectedByte { offset: 0, byte: 3 })
    );
    assert_eq!(
        DisplayLocation::decode(b"\x00\xc3"),
        Err(DecodeError::InvalidUtf8 { offset: 1 })
    );

    for (byte, value) in [
        (0, FlowControl::Off),
        (1, FlowControl::On),
        (2, FlowControl::RestartAny),
        (3, FlowControl::RestartXon),
    ] {
        assert_eq!(FlowControl::decode(&[byte]), Ok(value));
        assert_eq!(through_session(&value), [byte]);
    }
    assert_eq!(
        FlowControl::decode(&[]),
        Err(DecodeError::Truncated { offset: 0 })
    );
    assert_eq!(
        FlowControl::decode(&[1, 1]),
        Err(DecodeError::TrailingBytes { offset: 1 })
    );
    assert_eq!(
        FlowControl::decode(&[4]),
        Err(DecodeError::UnexpectedByte { offset: 0, byte: 4 })
    );
}

// inetutils telnetd's opening: DO TSPEED and DO XDISPLOC, then SEND for
// each; the client answers both.
#[test]
fn tspeed_and_xdisploc_between_two_sessions() {
    let client = Session::new(
        Config::new().policy(
            Policy::new()
                .with_local(TelnetOption::TSPEED)
                .with_local(TelnetOption::XDISPLOC),
        ),
    );
    let mut pair = Pair::new(client, Session::default());
    for option in [TelnetOption::TSPEED, TelnetOption::XDISPLOC] {
        pair.to_client
            .send_neg(pair.server.enable(Side::Remote, option));
    }
    let mut answers = Vec::new();
    pair.run(10, |who, ev, out, _| match (who, ev) {
        (Who::Server, Ev::Changed(TelnetOption::TSPEED, Side::Remote, true)) => {
            out.send(&TerminalSpeed::Send)
        }
        (Who::Server, Ev::Changed(TelnetOption::XDISPLOC, Side::Remote, true)) => {
            out.send(&DisplayLocation::Send)
        }
        (Who::Client, Ev::Sb(option, payload)) => {
            if let Some(Ok(TerminalSpeed::Send)) = options::decode_as(*option, payload) {
                out.send(&TerminalSpeed::Is {
                    transmit: 38400,
                    receive: 19200,
                });
            }
            if let Some(Ok(DisplayLocation::Send)) = options::decode_as(*option, payload) {
                out.send(&DisplayLocation::Is("ws:0.0"));
            }
        }
        (Who::Server, Ev::Sb(option, payload)) => {
            if let Some(speed) = options::decode_as::<TerminalSpeed>(*option, payload) {
                answers.push(format!("{:?}", speed.unwrap()));
            }
            if let Some(loc) = options::decode_as::<DisplayLocation>(*option, payload) {
                answers.push(format!("{:?}", loc.unwrap()));
            }
        }
        _ => {}
    });
    assert_eq!(
        answers,
        ["Is { transmit: 38400, receive: 19200 }", "Is(\"ws:0.0\")"]
    );
}

// RFC 860: DO TIMING-MARK is answered WILL (allowed) or WONT, in order
// with the data, every time, and never changes an option state.
#[test]
fn timing_mark_is_answered_never_remembered() {
    let input = b"ab\xff\xfd\x06cd\xff\xfd\x06";
    let allowing = || {
        Session::<64>::new(
            Config::new().policy(Policy::new().with_local(TelnetOption::TIMING_MARK)),
        )
    };
    let will = neg(Verb::Will, TelnetOption::TIMING_MARK);
    let got = events(allowing, input);
    assert_eq!(
        got,
        [
            Ev::Data(b"ab".to_vec()),
            Ev::Neg(neg(Verb::Do, TelnetOption::TIMING_MARK)),
            Ev::Reply(will),
            Ev::Data(b"cd".to_vec()),
            Ev::Neg(neg(Verb::Do, TelnetOption::TIMING_MARK)),
            Ev::Reply(will),
        ]
    );
    let mut session = allowing();
    options_util::run(&mut session, &[input]);
    assert!(!session.is_enabled(Side::Local, TelnetOption::TIMING_MARK));
    let refused = events(Session::<64>::default, b"\xff\xfd\x06");
    assert_eq!(
        refused[1],
        Ev::Reply(neg(Verb::Wont, TelnetOption::TIMING_MARK))
    );
    // Asking: DO every time; the answer is only reported.
    let mut asker: Session = Session::default();
    let ask = neg(Verb::Do, TelnetOption::TIMING_MARK);
    assert_eq!(
        asker.enable(Side::Remote, TelnetOption::TIMING_MARK),
        Some(ask)
    );
    assert_eq!(
        asker.enable(Side::Remote, TelnetOption::TIMING_MARK),
        Some(ask)
    );
    let got = options_util::run(&mut asker, &[b"\xff\xfb\x06"]);
    assert_eq!(got, [Ev::Neg(will)]);
    assert!(!asker.is_enabled(Side::Remote, TelnetOption::TIMING_MARK));
}

// RFC 885 and RFC 858 between two sessions: EOR marks only while EOR is
// on, GA only while SGA is off.
#[test]
fn eor_and_ga_follow_the_options() {
    let server_policy = Policy::new()
        .with_local(TelnetOption::EOR)
        .with_local(TelnetOption::SGA);
    let client_policy = Policy::new()
        .with_remote(TelnetOption::EOR)
        .with_remote(TelnetOption::SGA);
    let mut pair = Pair::new(
        Session::new(Config::new().policy(client_policy)),
        Session::new(Config::new().policy(server_policy)),
    );
    let mut buf = [0u8; 2];
    assert_eq!(pair.server.encode_end_of_record(&mut buf), Ok(0));
    assert_eq!(pair.server.encode_go_ahead(&mut buf), Ok(2));
    assert_eq!(buf, [255, 249]);
    for option in [TelnetOption::EOR, TelnetOption::SGA] {
        pair.to_client
            .send_neg(pair.server.enable(Side::Local, option));
    }
    pair.run(10, |_, _, _, _| {});
    assert!(pair.client.is_enabled(Side::Remote, TelnetOption::EOR));
    assert_eq!(pair.server.encode_go_ahead(&mut buf), Ok(0));
    let mut prompt = b"> ".to_vec();
    let n = pair.server.encode_end_of_record(&mut buf).unwrap();
    prompt.extend_from_slice(&buf[..n]);
    let got = options_util::run(&mut pair.client, &[&prompt]);
    assert_eq!(
        got,
        [
            Ev::Data(b"> ".to_vec()),
            Ev::Other(format!(
                "{:?}",
                telnet_proto::Event::Command(Command::EndOfRecord)
            ))
        ]
    );
    // Turning EOR off again stops the marks.
    pair.to_client
        .send_neg(pair.server.disable(Side::Local, TelnetOption::EOR));
    pair.run(10, |_, _, _, _| {});
    assert_eq!(pair.server.encode_end_of_record(&mut buf), Ok(0));
    assert!(!pair.client.is_enabled(Side::Remote, TelnetOption::EOR));
}

// RFC 857: the server echoes for a password prompt and stops after.
#[test]
fn echo_toggled_by_the_server() {
    let client = Session::new(Config::new().policy(Policy::new().with_remote(TelnetOption::ECHO)));
    let mut pair = Pair::new(client, Session::default());
    pair.to_client
        .send_neg(pair.server.enable(Side::Local, TelnetOption::ECHO));
    pair.run(10, |_, _, _, _| {});
    assert!(pair.client.is_enabled(Side::Remote, TelnetOption::ECHO));
    assert!(pair.server.is_enabled(Side::Local, TelnetOption::ECHO));
    pair.to_client
        .send_neg(pair.server.disable(Side::Local, TelnetOption::ECHO));
    let mut changes = Vec::new();
    pair.run(10, |who, ev, _, _| {
        if let Ev::Changed(..) = ev {
            changes.push((who, ev.clone()));
        }
    });
    assert_eq!(
        changes,
        [(
            Who::Client,
            Ev::Changed(TelnetOption::ECHO, Side::Remote, false)
        )]
    );
    assert!(!pair.client.is_enabled(Side::Remote, TelnetOption::ECHO));
}

// RFC 856 in both directions: each side's BINARY changes what that side
// sends (encode_text) and how the other side reads it.
#[test]
fn binary_in_each_direction() {
    let both = Policy::new()
        .with_local(TelnetOption::BINARY)
        .with_remote(TelnetOption::BINARY);
    let mut pair = Pair::new(
        Session::new(Config::new().policy(both).newline(Newline::Translate)),
        Session::new(Config::new().policy(both)),
    );
    let text = b"line\r\nbare\r!\n\xff";
    let send = |session: &Session, text: &[u8]| {
        let mut buf = [0u8; 64];
        let n = session.encode_text(text, &mut buf).unwrap();
        buf[..n].to_vec()
    };
    // NVT in both directions at first.
    assert_eq!(send(&pair.server, text), b"line\r\nbare\r\0!\r\n\xff\xff");
    let got = options_util::run(&mut pair.client, &[&send(&pair.server, text)]);
    assert_eq!(got, [Ev::Data(b"line\nbare\r!\n\xff".to_vec())]);

    // Server to client only: the server sends binary, the client reads raw.
    pair.to_client
        .send_neg(pair.server.enable(Side::Local, TelnetOption::BINARY));
    pair.run(10, |_, _, _, _| {});
    assert!(pair.client.is_enabled(Side::Remote, TelnetOption::BINARY));
    assert!(!pair.client.is_enabled(Side::Local, TelnetOption::BINARY));
    let wire = send(&pair.server, b"a\r\0b\nc\xff");
    assert_eq!(wire, b"a\r\0b\nc\xff\xff");
    let got = options_util::run(&mut pair.client, &[&wire]);
    assert_eq!(got, [Ev::Data(b"a\r\0b\nc\xff".to_vec())]);
    // The other direction is still NVT.
    assert_eq!(send(&pair.client, b"x\ny"), b"x\r\ny");
    let got = options_util::run(&mut pair.server, &[b"x\r\0y"]);
    assert_eq!(got, [Ev::Data(b"x\ry".to_vec())]);

    // And the client to server too.
    pair.to_server
        .send_neg(pair.client.enable(Side::Local, TelnetOption::BINARY));
    pair.run(10, |_, _, _, _| {});
    assert_eq!(send(&pair.client, b"x\ny"), b"x\ny");
    let got = options_util::run(&mut pair.server, &[b"x\r\0y"]);
    assert_eq!(got, [Ev::Data(b"x\r\0y".to_vec())]);
}

proptest! {
    #[test]
    fn tspeed_round_trip(transmit: u32, receive: u32, send: bool) {
        let value = if send { TerminalSpeed::Send } else { TerminalSpeed::Is { transmit, receive } };
        let payload = through_session(&value);
        prop_assert_eq!(TerminalSpeed::decode(&payload), Ok(value));
    }

    #[test]
    fn xdisploc_round_trip(location in "\\PC{0,30}", send: bool) {
        let value = if send { DisplayLocation::Send } else { DisplayLocation::Is(&location) };
        let payload = through_session(&value);
        prop_assert_eq!(DisplayLocation::decode(&payload), Ok(value));
    }

    #[test]
    fn any_payload_decodes_or_errs(payload in payload_strategy(12)) {
        canonical::<DisplayLocation>(&payload);
        canonical::<FlowControl>(&payload);
        // TSPEED is not canonical (leading zeros), but what it decodes to
        // survives a round trip.
        if let Ok(speed) = TerminalSpeed::decode(&payload) {
            let again = through_session(&speed);
            prop_assert_eq!(TerminalSpeed::decode(&again), Ok(speed));
        }
    }
}
