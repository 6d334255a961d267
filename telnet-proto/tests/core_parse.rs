//! Parsing behaviours (PROTOCOL.md items 1-12), each vector fed whole, byte
//! by byte, and split at every point.

mod support;

use support::{check, data, plain, run, sb, Ev};
use telnet_proto::{
    Command, Config, Negotiation, Newline, Policy, Session, Side, TelnetOption, Verb,
};

const IAC: u8 = 255;

fn translate() -> Session {
    Session::new(Config::new().newline(Newline::Translate))
}

fn raw() -> Session {
    Session::new(Config::new().newline(Newline::Raw))
}

// 1. IAC IAC is one 0xFF byte, also across reads, and nothing after it is lost.
#[test]
fn escaped_iac_is_one_data_byte() {
    check(plain, b"a\xff\xffb", &[data(b"a\xffb")]);
    check(plain, b"\xff\xff", &[data(b"\xff")]);
    check(plain, b"\xff\xff\xff\xff", &[data(b"\xff\xff")]);
    check(
        plain,
        b"x\xff\xffafter the escape\xff\xf1tail",
        &[
            data(b"x\xffafter the escape"),
            Ev::Cmd(Command::Nop),
            data(b"tail"),
        ],
    );
}

#[test]
fn escaped_iac_splits_data_without_copying() {
    let mut session = plain();
    let input = b"ab\xff\xffcd";
    let mut feed = session.feed(input);
    let mut slices = Vec::new();
    while let Some(event) = feed.poll_event() {
        if let telnet_proto::Event::Data(bytes) = event {
            slices.push(bytes);
        }
    }
    // The first slice ends with the first 0xFF of the pair, inside the input.
    assert_eq!(slices, [&b"ab\xff"[..], &b"cd"[..]]);
    let range = input.as_ptr_range();
    for slice in slices {
        assert!(range.contains(&slice.as_ptr()));
    }
}

// 2. A lone IAC at the end of a read yields nothing yet; data before it at once.
#[test]
fn lone_iac_at_end_waits_and_data_before_it_is_delivered() {
    let mut session = plain();
    assert_eq!(run(&mut session, &[b"hello\xff"]), [data(b"hello")]);
    assert!(session.is_mid_sequence());
    assert_eq!(
        run(&mut session, &[b"\xfb\x01"]),
        [
            Ev::Neg(Negotiation::new(Verb::Will, TelnetOption::ECHO)),
            Ev::Reply(Negotiation::new(Verb::Dont, TelnetOption::ECHO)),
        ]
    );
    assert!(!session.is_mid_sequence());
}

// 3. Every command is one event and leaves the data around it alone.
#[test]
fn every_command_is_one_event() {
    let commands = [
        (241, Command::Nop),
        (242, Command::DataMark),
        (243, Command::Break),
        (244, Command::InterruptProcess),
        (245, Command::AbortOutput),
        (246, Command::AreYouThere),
        (247, Command::EraseCharacter),
        (248, Command::EraseLine),
        (249, Command::GoAhead),
        (239, Command::EndOfRecord),
        (236, Command::EndOfFile),
        (237, Command::Suspend),
        (238, Command::Abort),
    ];
    for (code, command) in commands {
        check(
            plain,
            &[b'a', b'b', IAC, code, b'c', b'd'],
            &[data(b"ab"), Ev::Cmd(command), data(b"cd")],
        );
        // Back to back, and at the very start and end.
        check(
            plain,
            &[IAC, code, IAC, code],
            &[Ev::Cmd(command), Ev::Cmd(command)],
        );
    }
}

// 4. Events keep wire order.
#[test]
fn events_keep_wire_order() {
    check(
        plain,
        b"one\xff\xf6two\xff\xfa\x18\x01\xff\xf0three\xff\xfd\x03four",
        &[
            data(b"one"),
            Ev::Cmd(Command::AreYouThere),
            data(b"two"),
            sb(TelnetOption::TTYPE, &[1]),
            data(b"three"),
            Ev::Neg(Negotiation::new(Verb::Do, TelnetOption::SGA)),
            Ev::Reply(Negotiation::new(Verb::Wont, TelnetOption::SGA)),
            data(b"four"),
        ],
    );
}

// 5. Undefined commands and a stray SE are reported, and parsing goes on.
#[test]
fn unknown_commands_and_stray_se_are_reported() {
    check(
        plain,
        b"a\xff\xf0b\xff\x00c\xff\x7fd\xff\xebe",
        &[
            data(b"a"),
            Ev::Cmd(Command::Unknown(240)),
            data(b"b"),
            Ev::Cmd(Command::Unknown(0)),
            data(b"c"),
            Ev::Cmd(Command::Unknown(0x7f)),
            data(b"d"),
            Ev::Cmd(Command::Unknown(235)),
            data(b"e"),
        ],
    );
}

// 6. Subnegotiation payloads are unescaped; a bare 0xF0 is payload; empty is empty.
#[test]
fn subnegotiation_payload_is_unescaped() {
    check(
        plain,
        b"\xff\xfa\x1f\x00\xff\xff\x00\x18\xff\xf0after",
        &[sb(TelnetOption::NAWS, &[0, 255, 0, 24]), data(b"after")],
    );
    // An emoji starts with 0xF0: it does not end the subnegotiation.
    let mut input = b"\xff\xfa\xc9Core.Hello \"".to_vec();
    input.extend_from_slice("\u{1F600}".as_bytes());
    input.extend_from_slice(b"\"\xff\xf0x");
    let mut payload = b"Core.Hello \"".to_vec();
    payload.extend_from_slice("\u{1F600}".as_bytes());
    payload.push(b'"');
    check(
        plain,
        &input,
        &[sb(TelnetOption::GMCP, &payload), data(b"x")],
    );
    check(
        plain,
        b"\xff\xfa\x18\xff\xf0",
        &[sb(TelnetOption::TTYPE, b"")],
    );
}

#[test]
fn option_code_255_in_a_subnegotiation_is_escaped() {
    check(
        plain,
        b"\xff\xfa\xff\xffabc\xff\xf0",
        &[sb(TelnetOption::EXOPL, b"abc")],
    );
}

// 7. IAC SB IAC SE: no crash, nothing after it swallowed.
#[test]
fn subnegotiation_without_option_is_aborted_and_data_flows() {
    check(
        plain,
        b"\xff\xfa\xff\xf0hello\xff\xf1",
        &[Ev::Aborted(None, 0), data(b"hello"), Ev::Cmd(Command::Nop)],
    );
    // IAC SB IAC <command>: the command is still seen.
    check(
        plain,
        b"\xff\xfa\xff\xf6hi",
        &[
            Ev::Aborted(None, 0),
            Ev::Cmd(Command::AreYouThere),
            data(b"hi"),
        ],
    );
}

// 8. IAC x inside a subnegotiation aborts it; IAC x is then a command.
#[test]
fn command_inside_subnegotiation_aborts_it() {
    check(
        plain,
        b"\xff\xfa\x18\x00xterm\xff\xf1rest",
        &[
            Ev::Aborted(Some(TelnetOption::TTYPE), 6),
            Ev::Cmd(Command::Nop),
            data(b"rest"),
        ],
    );
    // A negotiation inside: processed, and answered.
    check(
        plain,
        b"\xff\xfa\x18abc\xff\xfd\x01rest",
        &[
            Ev::Aborted(Some(TelnetOption::TTYPE), 3),
            Ev::Neg(Negotiation::new(Verb::Do, TelnetOption::ECHO)),
            Ev::Reply(Negotiation::new(Verb::Wont, TelnetOption::ECHO)),
            data(b"rest"),
        ],
    );
    // A new SB inside: the first is aborted, the second delivered.
    check(
        plain,
        b"\xff\xfa\x18abc\xff\xfa\x1f\x00\x50\x00\x18\xff\xf0",
        &[
            Ev::Aborted(Some(TelnetOption::TTYPE), 3),
            sb(TelnetOption::NAWS, &[0, 80, 0, 24]),
        ],
    );
}

// 9. Nothing is delivered until IAC SE, across any number of reads.
#[test]
fn subnegotiation_waits_for_its_end() {
    let mut session = plain();
    assert_eq!(run(&mut session, &[b"\xff\xfa\xc9Char"]), []);
    assert_eq!(run(&mut session, &[b".Vitals {\"hp\""]), []);
    assert_eq!(run(&mut session, &[b": 10}\xff"]), []);
    assert_eq!(
        run(&mut session, &[b"\xf0"]),
        [sb(TelnetOption::GMCP, b"Char.Vitals {\"hp\": 10}")]
    );
}

#[test]
fn long_subnegotiation_fed_byte_by_byte_is_linear_and_bounded() {
    // A megabyte of subnegotiation one byte at a time: with any rescanning
    // this would not finish; memory stays at the session's size.
    let mut session = Session::<64>::default();
    let mut total = 0usize;
    let head = [IAC, 250, 201];
    for &b in head.iter().chain(std::iter::repeat(&b'x').take(1 << 20)) {
        assert_eq!(run(&mut session, &[&[b]]), []);
        total += 1;
    }
    assert_eq!(total, (1 << 20) + 3);
    assert_eq!(
        run(&mut session, &[b"\xff\xf0ok"]),
        [Ev::Overflow(TelnetOption::GMCP, 1 << 20), data(b"ok")]
    );
}

// 10. The cap: exactly at it is delivered, over it is reported once.
#[test]
fn payload_exactly_at_capacity_is_delivered() {
    let mut input = vec![IAC, 250, 201];
    input.extend_from_slice(&[b'a'; 16]);
    input.extend_from_slice(&[IAC, 240]);
    check(
        Session::<16>::default,
        &input,
        &[sb(TelnetOption::GMCP, &[b'a'; 16])],
    );
}

#[test]
fn payloads_cut_anywhere_in_long_inputs_are_whole() {
    // Payloads of every length to past the capacity (100), some with
    // escaped 0xFF, cut by the end of inputs of 64 bytes and more at
    // every place, and in runs of fixed-size inputs.
    let mut input = Vec::new();
    let mut expected = Vec::new();
    for len in (0..112).step_by(5) {
        let payload: Vec<u8> = (0..len)
            .map(|i| {
                if i % 11 == 7 {
                    IAC
                } else {
                    b'a' + (i % 26) as u8
                }
            })
            .collect();
        input.extend_from_slice(&[IAC, 250, 201]);
        for &byte in &payload {
            input.push(byte);
            if byte == IAC {
                input.push(IAC);
            }
        }
        input.extend_from_slice(&[IAC, 240]);
        if payload.len() <= 100 {
            expected.push(sb(TelnetOption::GMCP, &payload));
        } else {
            expected.push(Ev::Overflow(TelnetOption::GMCP, payload.len()));
        }
        let text = format!("t{len}");
        input.extend_from_slice(text.as_bytes());
        expected.push(data(text.as_bytes()));
    }
    check(Session::<100>::default, &input, &expected);
    for size in [1, 63, 64, 65, 100, 128] {
        let chunks: Vec<&[u8]> = input.chunks(size).collect();
        let mut session: Session<100> = Session::default();
        assert_eq!(run(&mut session, &chunks), expected, "inputs of {size}");
    }
}

#[test]
fn payload_over_capacity_is_reported_once_and_data_flows() {
    let mut input = vec![IAC, 250, 201];
    input.extend_from_slice(&[b'a'; 17]);
    input.extend_from_slice(b"\xff\xf0after\xff\xfa\x18\x00ok\xff\xf0");
    check(
        Session::<16>::default,
        &input,
        &[
            Ev::Overflow(TelnetOption::GMCP, 17),
            data(b"after"),
            sb(TelnetOption::TTYPE, b"\x00ok"),
        ],
    );
}

#[test]
fn escaped_bytes_count_toward_the_capacity() {
    // 4 payload bytes, each an escaped 0xFF: fits a cap of 4, not of 3.
    let input = b"\xff\xfa\x01\xff\xff\xff\xff\xff\xff\xff\xff\xff\xf0";
    check(
        Session::<4>::default,
        input,
        &[sb(TelnetOption::ECHO, &[255; 4])],
    );
    check(
        Session::<3>::default,
        input,
        &[Ev::Overflow(TelnetOption::ECHO, 4)],
    );
}

#[test]
fn overflowing_subnegotiation_cut_off_is_aborted_once() {
    let mut input = vec![IAC, 250, 201];
    input.extend_from_slice(&[b'a'; 40]);
    input.extend_from_slice(b"\xff\xf9x");
    check(
        Session::<16>::default,
        &input,
        &[
            Ev::Aborted(Some(TelnetOption::GMCP), 40),
            Ev::Cmd(Command::GoAhead),
            data(b"x"),
        ],
    );
}

#[test]
fn zero_capacity_still_delivers_empty_payloads() {
    check(
        Session::<0>::default,
        b"\xff\xfa\x18\xff\xf0\xff\xfa\x18\x01\xff\xf0",
        &[
            sb(TelnetOption::TTYPE, b""),
            Ev::Overflow(TelnetOption::TTYPE, 1),
        ],
    );
}

// 11. NUL and 0x11 are data, inside and outside subnegotiations.
#[test]
fn nul_and_dc1_are_data() {
    check(plain, b"a\x00b\x11c", &[data(b"a\x00b\x11c")]);
    check(
        plain,
        b"\xff\xfa\x1f\x00\x50\x00\x18\xff\xf0",
        &[sb(TelnetOption::NAWS, &[0x00, 0x50, 0x00, 0x18])],
    );
    check(plain, b"\x00\x00", &[data(b"\x00\x00")]);
}

// 12. NVT end of line.
#[test]
fn cr_nul_is_cr_and_cr_lf_is_kept_by_default() {
    check(plain, b"a\r\0b", &[data(b"a\rb")]);
    check(plain, b"line\r\nnext", &[data(b"line\r\nnext")]);
    check(plain, b"\r\0\r\0", &[data(b"\r\r")]);
    check(plain, b"\r\n\r\0\r\n", &[data(b"\r\n\r\r\n")]);
    // A bare CR before something else is delivered as it came.
    check(plain, b"a\rb", &[data(b"a\rb")]);
    check(
        plain,
        b"a\r\xff\xf1b",
        &[data(b"a\r"), Ev::Cmd(Command::Nop), data(b"b")],
    );
    // A NUL that does not follow a CR is data.
    check(plain, b"\0\r\0\0", &[data(b"\0\r\0")]);
    // CR then an escaped 0xFF.
    check(plain, b"\r\xff\xff", &[data(b"\r\xff")]);
}

#[test]
fn cr_at_the_end_of_a_read_is_held() {
    let mut session = plain();
    assert_eq!(run(&mut session, &[b"abc\r"]), [data(b"abc")]);
    assert!(session.is_mid_sequence());
    assert_eq!(run(&mut session, &[b"\0def"]), [data(b"\rdef")]);
    assert_eq!(run(&mut session, &[b"\r"]), []);
    assert_eq!(run(&mut session, &[b"\n"]), [data(b"\r\n")]);
    assert_eq!(run(&mut session, &[b"\r"]), []);
    assert_eq!(
        run(&mut session, &[b"\xff\xf1"]),
        [data(b"\r"), Ev::Cmd(Command::Nop)]
    );
}

#[test]
fn translate_mode_gives_newlines() {
    check(translate, b"a\r\nb", &[data(b"a\nb")]);
    check(translate, b"a\r\0b", &[data(b"a\rb")]);
    check(translate, b"\r\n\r\n", &[data(b"\n\n")]);
    check(translate, b"\r\r\n", &[data(b"\r\n")]);
    check(translate, b"a\rb\0", &[data(b"a\rb\0")]);
    check(translate, b"x\r", &[data(b"x")]);
    let mut session = translate();
    assert_eq!(run(&mut session, &[b"x\r"]), [data(b"x")]);
    assert_eq!(run(&mut session, &[b"\ny"]), [data(b"\ny")]);
}

#[test]
fn raw_mode_delivers_everything() {
    check(raw, b"a\r\0b\r\n\r", &[data(b"a\r\0b\r\n\r")]);
}

#[test]
fn binary_turns_newline_handling_off_in_its_direction() {
    let make = || {
        let mut session: Session = Session::new(
            Config::new()
                .newline(Newline::Translate)
                .policy(Policy::new().with_remote(TelnetOption::BINARY)),
        );
        let _ = run(&mut session, &[b"\xff\xfb\x00"]);
        assert!(session.is_enabled(Side::Remote, TelnetOption::BINARY));
        session
    };
    check(make, b"a\r\0b\r\nc\r", &[data(b"a\r\0b\r\nc\r")]);

    // Our own BINARY does not change how we read.
    let mut session: Session =
        Session::new(Config::new().policy(Policy::new().with_local(TelnetOption::BINARY)));
    let events = run(&mut session, &[b"\xff\xfd\x00a\r\0b"]);
    assert_eq!(events.last(), Some(&data(b"a\rb")));
    assert!(session.is_enabled(Side::Local, TelnetOption::BINARY));

    // Newline handling resumes mid-input once BINARY goes off again.
    let mut session = make();
    assert_eq!(
        run(&mut session, &[b"\r\0\xff\xfc\x00\r\0"]),
        [
            data(b"\r\0"),
            Ev::Neg(Negotiation::new(Verb::Wont, TelnetOption::BINARY)),
            Ev::Reply(Negotiation::new(Verb::Dont, TelnetOption::BINARY)),
            Ev::Changed(TelnetOption::BINARY, Side::Remote, false),
            data(b"\r"),
        ]
    );
}

#[test]
fn data_slices_point_into_the_input() {
    let input = b"0123\r\x00456\xff\xff789\xff\xf1abc";
    let mut session = plain();
    let mut feed = session.feed(input);
    let range = input.as_ptr_range();
    let mut count = 0;
    while let Some(event) = feed.poll_event() {
        if let telnet_proto::Event::Data(bytes) = event {
            assert!(range.contains(&bytes.as_ptr()));
            assert!(
                range.contains(&bytes.as_ptr_range().end) || bytes.as_ptr_range().end == range.end
            );
            count += 1;
        }
    }
    assert_eq!(count, 4);
}
