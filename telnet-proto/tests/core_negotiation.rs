//! Negotiation behaviours (PROTOCOL.md items 17-27): RFC 1143's Q method.

mod support;

use support::{check, data, run, Ev};
use telnet_proto::{
    encode, Config, Negotiation, OptionState, Policy, Session, Side, TelnetOption, Verb,
};

fn neg(verb: Verb, option: TelnetOption) -> Negotiation {
    Negotiation::new(verb, option)
}

fn with(policy: Policy) -> Session {
    Session::new(Config::new().policy(policy))
}

fn refusing() -> Session {
    Session::default()
}

// 17. Nothing supported: DO -> WONT, WILL -> DONT.
#[test]
fn unsupported_options_are_refused() {
    check(
        refusing,
        b"\xff\xfd\x18\xff\xfb\x01",
        &[
            Ev::Neg(neg(Verb::Do, TelnetOption::TTYPE)),
            Ev::Reply(neg(Verb::Wont, TelnetOption::TTYPE)),
            Ev::Neg(neg(Verb::Will, TelnetOption::ECHO)),
            Ev::Reply(neg(Verb::Dont, TelnetOption::ECHO)),
        ],
    );
}

// 18. DONT/WONT for an option already off: no reply (telnetlib's loop).
#[test]
fn refusal_of_an_option_already_off_is_not_answered() {
    check(
        refusing,
        b"\xff\xfe\x01\xff\xfc\x01\xff\xfe\x01",
        &[
            Ev::Neg(neg(Verb::Dont, TelnetOption::ECHO)),
            Ev::Neg(neg(Verb::Wont, TelnetOption::ECHO)),
            Ev::Neg(neg(Verb::Dont, TelnetOption::ECHO)),
        ],
    );
}

// 19. DO/WILL for an option already on: no reply.
#[test]
fn request_for_an_option_already_on_is_not_answered() {
    let policy = Policy::new()
        .with_local(TelnetOption::ECHO)
        .with_remote(TelnetOption::SGA);
    check(
        || with(policy),
        b"\xff\xfd\x01\xff\xfd\x01\xff\xfb\x03\xff\xfb\x03",
        &[
            Ev::Neg(neg(Verb::Do, TelnetOption::ECHO)),
            Ev::Reply(neg(Verb::Will, TelnetOption::ECHO)),
            Ev::Changed(TelnetOption::ECHO, Side::Local, true),
            Ev::Neg(neg(Verb::Do, TelnetOption::ECHO)),
            Ev::Neg(neg(Verb::Will, TelnetOption::SGA)),
            Ev::Reply(neg(Verb::Do, TelnetOption::SGA)),
            Ev::Changed(TelnetOption::SGA, Side::Remote, true),
            Ev::Neg(neg(Verb::Will, TelnetOption::SGA)),
        ],
    );
}

// 20. A repeated WILL for an unsupported option is refused each time.
#[test]
fn repeated_unsupported_request_is_refused_each_time() {
    check(
        refusing,
        b"\xff\xfb\x56\xff\xfb\x56",
        &[
            Ev::Neg(neg(Verb::Will, TelnetOption::MCCP2)),
            Ev::Reply(neg(Verb::Dont, TelnetOption::MCCP2)),
            Ev::Neg(neg(Verb::Will, TelnetOption::MCCP2)),
            Ev::Reply(neg(Verb::Dont, TelnetOption::MCCP2)),
        ],
    );
}

// 21. Accepting DO: WILL sent, option on locally, reported once.
#[test]
fn accepted_do_enables_locally_once() {
    let mut session = with(Policy::new().with_local(TelnetOption::NAWS));
    assert_eq!(
        run(&mut session, &[b"\xff\xfd\x1f"]),
        [
            Ev::Neg(neg(Verb::Do, TelnetOption::NAWS)),
            Ev::Reply(neg(Verb::Will, TelnetOption::NAWS)),
            Ev::Changed(TelnetOption::NAWS, Side::Local, true),
        ]
    );
    assert!(session.is_enabled(Side::Local, TelnetOption::NAWS));
    assert!(!session.is_enabled(Side::Remote, TelnetOption::NAWS));
}

// 22. The peer turning an option off: acknowledged, reported.
#[test]
fn peer_disabling_is_acknowledged_and_reported() {
    let policy = Policy::new()
        .with_local(TelnetOption::ECHO)
        .with_remote(TelnetOption::SGA);
    let make = || {
        let mut session = with(policy);
        let _ = run(&mut session, &[b"\xff\xfd\x01\xff\xfb\x03"]);
        session
    };
    check(
        make,
        b"\xff\xfc\x03\xff\xfe\x01",
        &[
            Ev::Neg(neg(Verb::Wont, TelnetOption::SGA)),
            Ev::Reply(neg(Verb::Dont, TelnetOption::SGA)),
            Ev::Changed(TelnetOption::SGA, Side::Remote, false),
            Ev::Neg(neg(Verb::Dont, TelnetOption::ECHO)),
            Ev::Reply(neg(Verb::Wont, TelnetOption::ECHO)),
            Ev::Changed(TelnetOption::ECHO, Side::Local, false),
        ],
    );
}

// 23. Our request answered: yes completes silently, no fails silently.
#[test]
fn our_request_is_completed_or_refused_without_more_messages() {
    let mut session = refusing();
    assert_eq!(
        session.enable(Side::Remote, TelnetOption::ECHO),
        Some(neg(Verb::Do, TelnetOption::ECHO))
    );
    assert_eq!(
        session.option_state(Side::Remote, TelnetOption::ECHO),
        OptionState::WantYes(false)
    );
    assert_eq!(
        run(&mut session, &[b"\xff\xfb\x01"]),
        [
            Ev::Neg(neg(Verb::Will, TelnetOption::ECHO)),
            Ev::Changed(TelnetOption::ECHO, Side::Remote, true),
        ]
    );
    assert!(session.is_enabled(Side::Remote, TelnetOption::ECHO));

    assert_eq!(
        session.enable(Side::Local, TelnetOption::TTYPE),
        Some(neg(Verb::Will, TelnetOption::TTYPE))
    );
    assert_eq!(
        run(&mut session, &[b"\xff\xfe\x18"]),
        [Ev::Neg(neg(Verb::Dont, TelnetOption::TTYPE))]
    );
    assert_eq!(
        session.option_state(Side::Local, TelnetOption::TTYPE),
        OptionState::No
    );
}

// 24. Requests while one is pending use the queue bit; no duplicates.
#[test]
fn repeated_requests_never_send_duplicates() {
    let mut session = refusing();
    assert!(session.enable(Side::Remote, TelnetOption::ECHO).is_some());
    assert_eq!(session.enable(Side::Remote, TelnetOption::ECHO), None);
    let _ = run(&mut session, &[b"\xff\xfb\x01"]);
    // Already on: nothing to send.
    assert_eq!(session.enable(Side::Remote, TelnetOption::ECHO), None);
    // Already off: nothing to send.
    assert_eq!(session.disable(Side::Local, TelnetOption::ECHO), None);
}

#[test]
fn queued_opposite_request_is_sent_when_the_answer_comes() {
    let mut session = refusing();
    assert_eq!(
        session.enable(Side::Remote, TelnetOption::ECHO),
        Some(neg(Verb::Do, TelnetOption::ECHO))
    );
    // Changed our mind while waiting: queued, not sent.
    assert_eq!(session.disable(Side::Remote, TelnetOption::ECHO), None);
    assert_eq!(
        session.option_state(Side::Remote, TelnetOption::ECHO),
        OptionState::WantYes(true)
    );
    // The peer agrees; we then ask it to stop, once.
    assert_eq!(
        run(&mut session, &[b"\xff\xfb\x01"]),
        [
            Ev::Neg(neg(Verb::Will, TelnetOption::ECHO)),
            Ev::Reply(neg(Verb::Dont, TelnetOption::ECHO)),
        ]
    );
    assert_eq!(
        session.option_state(Side::Remote, TelnetOption::ECHO),
        OptionState::WantNo(false)
    );
    assert_eq!(
        run(&mut session, &[b"\xff\xfc\x01"]),
        [Ev::Neg(neg(Verb::Wont, TelnetOption::ECHO))]
    );
    assert_eq!(
        session.option_state(Side::Remote, TelnetOption::ECHO),
        OptionState::No
    );
}

#[test]
fn queued_reenable_while_disabling() {
    let mut session = with(Policy::new().with_local(TelnetOption::SGA));
    let _ = run(&mut session, &[b"\xff\xfd\x03"]);
    assert_eq!(
        session.disable(Side::Local, TelnetOption::SGA),
        Some(neg(Verb::Wont, TelnetOption::SGA))
    );
    assert_eq!(session.enable(Side::Local, TelnetOption::SGA), None);
    assert_eq!(
        session.option_state(Side::Local, TelnetOption::SGA),
        OptionState::WantNo(true)
    );
    // Queued enable cancelled again: no message.
    assert_eq!(session.disable(Side::Local, TelnetOption::SGA), None);
    assert_eq!(session.enable(Side::Local, TelnetOption::SGA), None);
    // DONT confirms the disable; the queued enable goes out as WILL.
    assert_eq!(
        run(&mut session, &[b"\xff\xfe\x03"]),
        [
            Ev::Neg(neg(Verb::Dont, TelnetOption::SGA)),
            Ev::Reply(neg(Verb::Will, TelnetOption::SGA)),
        ]
    );
    assert_eq!(
        run(&mut session, &[b"\xff\xfd\x03"]),
        [
            Ev::Neg(neg(Verb::Do, TelnetOption::SGA)),
            Ev::Changed(TelnetOption::SGA, Side::Local, true),
        ]
    );
}

#[test]
fn disabling_locally_takes_effect_at_once() {
    let mut session = with(Policy::new().with_local(TelnetOption::ECHO));
    let _ = run(&mut session, &[b"\xff\xfd\x01"]);
    assert!(session.is_enabled(Side::Local, TelnetOption::ECHO));
    assert!(session.disable(Side::Local, TelnetOption::ECHO).is_some());
    assert!(!session.is_enabled(Side::Local, TelnetOption::ECHO));
    // And the policy no longer accepts it: a new DO is refused.
    let _ = run(&mut session, &[b"\xff\xfe\x01"]);
    assert_eq!(
        run(&mut session, &[b"\xff\xfd\x01"]),
        [
            Ev::Neg(neg(Verb::Do, TelnetOption::ECHO)),
            Ev::Reply(neg(Verb::Wont, TelnetOption::ECHO)),
        ]
    );
}

// 26. Manual mode: nothing automatic, everything reported.
#[test]
fn manual_mode_reports_and_never_answers() {
    let make = || Session::new(Config::new().manual_negotiation(true));
    check(
        make,
        b"\xff\xfd\x01\xff\xfe\x01\xff\xfb\x03\xff\xfc\x03\xff\xfd\xc8",
        &[
            Ev::Neg(neg(Verb::Do, TelnetOption::ECHO)),
            Ev::Neg(neg(Verb::Dont, TelnetOption::ECHO)),
            Ev::Neg(neg(Verb::Will, TelnetOption::SGA)),
            Ev::Neg(neg(Verb::Wont, TelnetOption::SGA)),
            Ev::Neg(neg(Verb::Do, TelnetOption(200))),
        ],
    );
    let mut session: Session = make();
    let _ = run(&mut session, &[b"\xff\xfd\x01"]);
    assert!(!session.is_enabled(Side::Local, TelnetOption::ECHO));
    // The application records what it agreed to.
    session.set_option_state(Side::Remote, TelnetOption::BINARY, true);
    assert_eq!(run(&mut session, &[b"a\r\0"]), [data(b"a\r\0")]);
}

// 27. GA only while SGA is off; EOR only while EOR is on.
#[test]
fn go_ahead_and_end_of_record_follow_their_options() {
    let mut buf = [0u8; 4];
    let mut session = with(
        Policy::new()
            .with_local(TelnetOption::SGA)
            .with_local(TelnetOption::EOR),
    );
    assert_eq!(session.encode_go_ahead(&mut buf), Ok(2));
    assert_eq!(&buf[..2], &[255, 249]);
    assert_eq!(session.encode_end_of_record(&mut buf), Ok(0));
    let _ = run(&mut session, &[b"\xff\xfd\x03\xff\xfd\x19"]);
    assert_eq!(session.encode_go_ahead(&mut buf), Ok(0));
    assert_eq!(session.encode_end_of_record(&mut buf), Ok(2));
    assert_eq!(&buf[..2], &[255, 239]);
}

#[test]
fn timing_mark_is_answered_but_never_a_state() {
    check(
        refusing,
        b"\xff\xfd\x06\xff\xfd\x06",
        &[
            Ev::Neg(neg(Verb::Do, TelnetOption::TIMING_MARK)),
            Ev::Reply(neg(Verb::Wont, TelnetOption::TIMING_MARK)),
            Ev::Neg(neg(Verb::Do, TelnetOption::TIMING_MARK)),
            Ev::Reply(neg(Verb::Wont, TelnetOption::TIMING_MARK)),
        ],
    );
    let allowing = || with(Policy::new().with_local(TelnetOption::TIMING_MARK));
    check(
        allowing,
        b"\xff\xfd\x06\xff\xfd\x06\xff\xfb\x06\xff\xfe\x06",
        &[
            Ev::Neg(neg(Verb::Do, TelnetOption::TIMING_MARK)),
            Ev::Reply(neg(Verb::Will, TelnetOption::TIMING_MARK)),
            Ev::Neg(neg(Verb::Do, TelnetOption::TIMING_MARK)),
            Ev::Reply(neg(Verb::Will, TelnetOption::TIMING_MARK)),
            Ev::Neg(neg(Verb::Will, TelnetOption::TIMING_MARK)),
            Ev::Neg(neg(Verb::Dont, TelnetOption::TIMING_MARK)),
        ],
    );
    let mut session = allowing();
    let _ = run(&mut session, &[b"\xff\xfd\x06"]);
    assert!(!session.is_enabled(Side::Local, TelnetOption::TIMING_MARK));
}

#[test]
fn a_negotiation_carries_its_reply_so_dropping_the_feed_loses_none() {
    let mut session = refusing();
    {
        let mut feed = session.feed(b"\xff\xfd\x18");
        assert_eq!(
            feed.poll_event(),
            Some(telnet_proto::Event::Negotiation {
                received: neg(Verb::Do, TelnetOption::TTYPE),
                reply: Some(neg(Verb::Wont, TelnetOption::TTYPE)),
                changed: None,
            })
        );
        // Dropped right after the negotiation.
    }
    // Nothing was left behind for a later feed.
    assert_eq!(run(&mut session, &[b""]), []);
}

/// Two sessions wired back to back.
struct Pair {
    a: Session,
    b: Session,
    to_a: Vec<u8>,
    to_b: Vec<u8>,
    messages: usize,
}

impl Pair {
    fn new(a: Policy, b: Policy) -> Self {
        Pair {
            a: with(a),
            b: with(b),
            to_a: Vec::new(),
            to_b: Vec::new(),
            messages: 0,
        }
    }

    /// Delivers everything in flight until both are quiet; returns the
    /// number of negotiations sent.
    fn drive(&mut self) -> usize {
        let start = self.messages;
        for _ in 0..100 {
            if self.to_a.is_empty() && self.to_b.is_empty() {
                return self.messages - start;
            }
            let for_b = std::mem::take(&mut self.to_b);
            self.messages += deliver(&mut self.b, &for_b, &mut self.to_a);
            let for_a = std::mem::take(&mut self.to_a);
            self.messages += deliver(&mut self.a, &for_a, &mut self.to_b);
        }
        panic!("negotiation did not converge");
    }

    fn assert_agree(&self) {
        for code in 0..=255u8 {
            let option = TelnetOption(code);
            assert_eq!(
                self.a.is_enabled(Side::Local, option),
                self.b.is_enabled(Side::Remote, option),
                "{option}: a local vs b remote"
            );
            assert_eq!(
                self.a.is_enabled(Side::Remote, option),
                self.b.is_enabled(Side::Local, option),
                "{option}: a remote vs b local"
            );
        }
    }
}

fn deliver(session: &mut Session, input: &[u8], replies: &mut Vec<u8>) -> usize {
    let mut sent = 0;
    let mut feed = session.feed(input);
    while let Some(event) = feed.poll_event() {
        if let telnet_proto::Event::Negotiation { reply: Some(n), .. } = event {
            let mut buf = [0u8; 3];
            let len = encode::negotiation(n, &mut buf).unwrap();
            replies.extend_from_slice(&buf[..len]);
            sent += 1;
        }
    }
    sent
}

// 25. Client and server share the rules and converge.
#[test]
fn two_sessions_converge_on_each_request() {
    let server = Policy::new()
        .with_local(TelnetOption::ECHO)
        .with_local(TelnetOption::SGA)
        .with_remote(TelnetOption::NAWS);
    let client = Policy::new()
        .with_remote(TelnetOption::ECHO)
        .with_local(TelnetOption::NAWS);
    let mut pair = Pair::new(client, server);
    for (side, option) in [
        (Side::Local, TelnetOption::ECHO),
        (Side::Local, TelnetOption::SGA),
        (Side::Remote, TelnetOption::NAWS),
        (Side::Remote, TelnetOption::TTYPE),
    ] {
        if let Some(n) = pair.b.enable(side, option) {
            pair.to_a.extend_from_slice(&n.to_bytes());
            pair.messages += 1;
        }
    }
    pair.drive();
    pair.assert_agree();
    assert!(pair.b.is_enabled(Side::Local, TelnetOption::ECHO));
    assert!(pair.a.is_enabled(Side::Remote, TelnetOption::ECHO));
    assert!(!pair.b.is_enabled(Side::Local, TelnetOption::SGA));
    assert!(pair.b.is_enabled(Side::Remote, TelnetOption::NAWS));
    assert!(!pair.b.is_enabled(Side::Remote, TelnetOption::TTYPE));
    // Four requests, four answers, nothing more.
    assert_eq!(pair.messages, 8);
}

#[test]
fn simultaneous_opposite_requests_settle() {
    // Both ask for the same option at once, in both directions.
    let policy = Policy::new()
        .with_local(TelnetOption::BINARY)
        .with_remote(TelnetOption::BINARY);
    let mut pair = Pair::new(policy, policy);
    for side in [Side::Local, Side::Remote] {
        let a = pair.a.enable(side, TelnetOption::BINARY).unwrap();
        let b = pair.b.enable(side, TelnetOption::BINARY).unwrap();
        pair.to_b.extend_from_slice(&a.to_bytes());
        pair.to_a.extend_from_slice(&b.to_bytes());
    }
    assert_eq!(pair.drive(), 0);
    pair.assert_agree();
    assert!(pair.a.is_enabled(Side::Local, TelnetOption::BINARY));
    assert!(pair.a.is_enabled(Side::Remote, TelnetOption::BINARY));
}

#[test]
fn two_refusing_peers_do_not_loop() {
    // The telnetlib loop: both refuse everything and a WONT starts it.
    let mut pair = Pair::new(Policy::new(), Policy::new());
    pair.to_b.extend_from_slice(b"\xff\xfc\x01\xff\xfe\x01");
    assert_eq!(pair.drive(), 0);
    pair.to_b.extend_from_slice(b"\xff\xfb\x01\xff\xfd\x01");
    assert_eq!(pair.drive(), 2);
    pair.assert_agree();
}

/// Feeds `input` through `Feed::read` (the drive loop that answers quietly)
/// and returns the replies written.
fn replies_by_read(session: &mut Session, input: &[u8]) -> Vec<u8> {
    let mut feed = session.feed(input);
    let (mut data, mut replies, mut sent) = ([0; 64], [0; 64], Vec::new());
    loop {
        let read = feed.read(&mut data, &mut replies);
        sent.extend_from_slice(&replies[..read.replies]);
        if read.event.is_none() && feed.is_done() {
            return sent;
        }
    }
}

// A policy changed between two inputs, through `policy_mut` or by
// `enable`/`disable`, decides the answers to the next input, in both drive
// loops.
#[test]
fn policy_changes_answer_the_next_input() {
    let will_echo_do_naws: &[u8] = b"\xff\xfb\x01\xff\xfd\x1f";
    let accepted = [
        Ev::Neg(neg(Verb::Will, TelnetOption::ECHO)),
        Ev::Reply(neg(Verb::Do, TelnetOption::ECHO)),
        Ev::Changed(TelnetOption::ECHO, Side::Remote, true),
        Ev::Neg(neg(Verb::Do, TelnetOption::NAWS)),
        Ev::Reply(neg(Verb::Will, TelnetOption::NAWS)),
        Ev::Changed(TelnetOption::NAWS, Side::Local, true),
    ];
    let refused = [
        Ev::Neg(neg(Verb::Will, TelnetOption::ECHO)),
        Ev::Reply(neg(Verb::Dont, TelnetOption::ECHO)),
        Ev::Neg(neg(Verb::Do, TelnetOption::NAWS)),
        Ev::Reply(neg(Verb::Wont, TelnetOption::NAWS)),
    ];
    let wont_echo_dont_naws: &[u8] = b"\xff\xfc\x01\xff\xfe\x1f";

    let mut session = refusing();
    assert_eq!(run(&mut session, &[will_echo_do_naws]), refused);
    let policy = session.policy_mut();
    policy.set(Side::Remote, TelnetOption::ECHO, true);
    policy.set(Side::Local, TelnetOption::NAWS, true);
    assert_eq!(run(&mut session, &[will_echo_do_naws]), accepted);
    let _ = run(&mut session, &[wont_echo_dont_naws]);
    *session.policy_mut() = Policy::new();
    assert_eq!(run(&mut session, &[will_echo_do_naws]), refused);

    // The same through `read`, whose answers come from a table of its own.
    let mut session = refusing();
    assert_eq!(
        replies_by_read(&mut session, will_echo_do_naws),
        b"\xff\xfe\x01\xff\xfc\x1f"
    );
    let policy = session.policy_mut();
    policy.set(Side::Remote, TelnetOption::ECHO, true);
    policy.set(Side::Local, TelnetOption::NAWS, true);
    assert_eq!(
        replies_by_read(&mut session, will_echo_do_naws),
        b"\xff\xfd\x01\xff\xfb\x1f"
    );
    // Repeats of the state in force are not answered ...
    assert_eq!(replies_by_read(&mut session, will_echo_do_naws), b"");
    // ... and the peer turning both off is acknowledged.
    assert_eq!(
        replies_by_read(&mut session, wont_echo_dont_naws),
        b"\xff\xfe\x01\xff\xfc\x1f"
    );
    assert_eq!(session.disable(Side::Remote, TelnetOption::ECHO), None);
    assert!(!session.policy().allows_remote(TelnetOption::ECHO));
    assert_eq!(
        replies_by_read(&mut session, will_echo_do_naws),
        b"\xff\xfe\x01\xff\xfb\x1f"
    );
    // `enable` allows the option again: the peer's refusal of our DO ends
    // the request, and its next offer is accepted.
    assert_eq!(
        session.enable(Side::Remote, TelnetOption::ECHO),
        Some(neg(Verb::Do, TelnetOption::ECHO))
    );
    assert_eq!(replies_by_read(&mut session, b"\xff\xfc\x01"), b"");
    assert_eq!(
        replies_by_read(&mut session, b"\xff\xfb\x01"),
        b"\xff\xfd\x01"
    );
    assert!(session.is_enabled(Side::Remote, TelnetOption::ECHO));
}

#[test]
fn policy_debug_lists_the_allowed_options() {
    let policy = Policy::new()
        .with_local(TelnetOption::NAWS)
        .with_remote(TelnetOption::ECHO)
        .with_remote(TelnetOption::SGA);
    assert_eq!(
        format!("{policy:?}"),
        "Policy { local: [NAWS(31)], remote: [ECHO(1), SGA(3)] }"
    );
}
