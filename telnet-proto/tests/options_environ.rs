//! NEW-ENVIRON (RFC 1572) and OLD-ENVIRON (RFC 1408, RFC 1571).

mod options_util;

use options_util::{canonical, events, payload_strategy, payloads, through_session, Ev, Pair, Who};
use proptest::prelude::*;
use telnet_proto::options::environ::OldEnviron;
use telnet_proto::options::new_environ::{EnvCommand, EnvStr, Environ, VarKind, Variable};
use telnet_proto::options::{self, DecodeError, OptionPayload};
use telnet_proto::{Config, Policy, Session, Side, TelnetOption};

fn names(msg: &Environ<'_>) -> Vec<(VarKind, Vec<u8>, Option<Vec<u8>>)> {
    msg.vars()
        .map(|v| {
            (
                v.kind,
                v.name.bytes().collect(),
                v.value.map(|value| value.bytes().collect()),
            )
        })
        .collect()
}

// RFC 1572, section 4's examples.
#[test]
fn rfc_examples() {
    // "IAC SB NEW-ENVIRON SEND VAR "USER" USERVAR IAC SE": USER, and all
    // user variables.
    let send = Environ::decode(b"\x01\x00USER\x03").unwrap();
    assert_eq!(send.command, EnvCommand::Send);
    assert!(!send.is_send_all());
    assert_eq!(
        names(&send),
        [
            (VarKind::Var, b"USER".to_vec(), None),
            (VarKind::User, vec![], None)
        ]
    );
    // "IAC SB NEW-ENVIRON IS VAR "USER" VALUE "joe" VAR "ACCT" VALUE
    // USERVAR "SYSTEMTYPE" IAC SE": ACCT defined and empty.
    let is = Environ::decode(b"\x00\x00USER\x01joe\x00ACCT\x01\x03SYSTEMTYPE").unwrap();
    assert_eq!(
        names(&is),
        [
            (VarKind::Var, b"USER".to_vec(), Some(b"joe".to_vec())),
            (VarKind::Var, b"ACCT".to_vec(), Some(vec![])),
            (VarKind::User, b"SYSTEMTYPE".to_vec(), None),
        ]
    );
    // An empty SEND asks for everything.
    assert!(Environ::decode(&[1]).unwrap().is_send_all());
    let mut buf = [0u8; 8];
    let n = Environ::send_all().encode(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"\xff\xfa\x27\x01\xff\xf0");
}

#[test]
fn escaped_names_and_values() {
    let vars = [Variable::new(
        VarKind::User,
        b"A\x00B\x03",
        Some(b"\x01\x02\xff"),
    )];
    let msg = Environ::new(EnvCommand::Info, &vars);
    let payload = through_session(&msg);
    assert_eq!(
        payload,
        b"\x02\x03A\x02\x00B\x02\x03\x01\x02\x01\x02\x02\xff"
    );
    let got = Environ::decode(&payload).unwrap();
    assert_eq!(got, msg);
    let var = got.vars().next().unwrap();
    assert_eq!(var.name.raw(), b"A\x02\x00B\x02\x03");
    assert_eq!(var.name.as_plain(), None);
    assert_eq!(var.name.len(), 4);
    let mut buf = [0u8; 4];
    assert_eq!(var.name.unescape_into(&mut buf), Ok(&b"A\x00B\x03"[..]));
    let mut small = [7u8; 2];
    let err = var.value.unwrap().unescape_into(&mut small).unwrap_err();
    assert_eq!((err.required, small), (3, [7, 7]));
    assert!(var.value.unwrap().eq_bytes(b"\x01\x02\xff"));
    assert_eq!(EnvStr::new(b"x"), EnvStr::new(b"x"));
}

#[test]
fn send_never_carries_values() {
    let vars = [Variable::new(VarKind::Var, b"USER", Some(b"ignored"))];
    let msg = Environ::new(EnvCommand::Send, &vars);
    let payload = through_session(&msg);
    assert_eq!(payload, b"\x01\x00USER");
}

#[test]
fn malformed_payloads() {
    let cases: &[(&[u8], DecodeError)] = &[
        (b"", DecodeError::Truncated { offset: 0 }),
        (b"\x05", DecodeError::UnexpectedByte { offset: 0, byte: 5 }),
        // A list must start with a type.
        (
            b"\x00USER",
            DecodeError::UnexpectedByte {
                offset: 1,
                byte: b'U',
            },
        ),
        (
            b"\x00\x01joe",
            DecodeError::UnexpectedByte { offset: 1, byte: 1 },
        ),
        // Two VALUEs in a row: the second is out of place.
        (
            b"\x00\x00A\x01b\x01c",
            DecodeError::UnexpectedByte { offset: 5, byte: 1 },
        ),
        // A VALUE in a SEND.
        (
            b"\x01\x00USER\x01x",
            DecodeError::UnexpectedByte { offset: 6, byte: 1 },
        ),
        // ESC with nothing after it.
        (b"\x00\x00AB\x02", DecodeError::Truncated { offset: 5 }),
        (b"\x00\x00A\x01B\x02", DecodeError::Truncated { offset: 6 }),
    ];
    for (payload, error) in cases {
        assert_eq!(
            Environ::decode(payload).unwrap_err(),
            *error,
            "{payload:02x?}"
        );
    }
}

#[test]
fn old_environ_reads_both_dialects() {
    // RFC 1408 codes.
    let standard = OldEnviron::decode(b"\x00\x00USER\x01joe").unwrap();
    assert!(!standard.0.is_reversed());
    // BSD codes: VAR 1, VALUE 0 (RFC 1571: IS followed by VALUE).
    let reversed = OldEnviron::decode(b"\x00\x01USER\x00joe").unwrap();
    assert!(reversed.0.is_reversed());
    assert_eq!(standard, reversed);
    // A reversed SEND (RFC 1571: a SEND with VALUE codes).
    let send = OldEnviron::decode(b"\x01\x01USER\x01DISPLAY").unwrap();
    assert!(send.0.is_reversed());
    assert_eq!(send.0.vars().count(), 2);
    // Each re-encodes in its own dialect.
    canonical::<OldEnviron>(b"\x00\x01USER\x00joe").unwrap();
    canonical::<OldEnviron>(b"\x00\x00USER\x01joe").unwrap();
    // Answering a reversed server in its dialect.
    let vars = [Variable::new(VarKind::Var, b"USER", Some(b"joe"))];
    let answer = OldEnviron(Environ::new(EnvCommand::Is, &vars).with_reversed(true));
    assert_eq!(through_session(&answer), b"\x00\x01USER\x00joe");
    // Malformed both ways: the standard reading's error.
    assert_eq!(
        OldEnviron::decode(b"\x00\x00A\x01b\x01c\x00"),
        Err(DecodeError::UnexpectedByte { offset: 5, byte: 1 })
    );
}

// The server asks for everything; the client answers from its
// environment; the server reads USER.
#[test]
fn two_sessions_exchange_variables() {
    let client =
        Session::new(Config::new().policy(Policy::new().with_local(TelnetOption::NEW_ENVIRON)));
    let mut pair = Pair::new(client, Session::default());
    pair.to_client
        .send_neg(pair.server.enable(Side::Remote, TelnetOption::NEW_ENVIRON));
    let env = [
        Variable::new(VarKind::Var, b"USER", Some(b"alice")),
        Variable::new(VarKind::User, b"TERM\x02X", Some(b"xterm")),
    ];
    let mut user = None;
    pair.run(10, |who, ev, out, _| match (who, ev) {
        (Who::Server, Ev::Changed(TelnetOption::NEW_ENVIRON, Side::Remote, true)) => {
            out.send(&Environ::send_all());
        }
        (Who::Client, Ev::Sb(option, payload)) => {
            let request: Environ = options::decode_as(*option, payload).unwrap().unwrap();
            assert!(request.is_send_all());
            out.send(&Environ::new(EnvCommand::Is, &env));
        }
        (Who::Server, Ev::Sb(option, payload)) => {
            let answer: Environ = options::decode_as(*option, payload).unwrap().unwrap();
            assert_eq!(answer, Environ::new(EnvCommand::Is, &env));
            let var = answer.vars().find(|v| v.name.eq_bytes(b"USER")).unwrap();
            user = Some(var.value.unwrap().bytes().collect::<Vec<u8>>());
        }
        _ => {}
    });
    assert_eq!(user.as_deref(), Some(&b"alice"[..]));
}

#[test]
fn received_frame_with_escapes_split_everywhere() {
    let frame = b"\xff\xfa\x27\x00\x03K\x02\x01\x01\xff\xff\xff\xf0";
    let got = events(Session::<64>::default, frame);
    let p = payloads(&got, TelnetOption::NEW_ENVIRON);
    let msg = Environ::decode(&p[0]).unwrap();
    let var = msg.vars().next().unwrap();
    assert!(var.name.eq_bytes(b"K\x01") && var.value.unwrap().eq_bytes(&[0xff]));
}

fn var_strategy() -> impl Strategy<Value = (bool, Vec<u8>, Option<Vec<u8>>)> {
    let bytes = proptest::collection::vec(prop_oneof![0u8..5, any::<u8>()], 0..6);
    (any::<bool>(), bytes.clone(), proptest::option::of(bytes))
}

proptest! {
    #[test]
    fn round_trip(command in 0u8..3, vars in proptest::collection::vec(var_strategy(), 0..5)) {
        let command = [EnvCommand::Is, EnvCommand::Send, EnvCommand::Info][usize::from(command)];
        let vars: Vec<Variable> = vars
            .iter()
            .map(|(user, name, value)| {
                let kind = if *user { VarKind::User } else { VarKind::Var };
                Variable::new(kind, name, value.as_deref())
            })
            .collect();
        let msg = Environ::new(command, &vars);
        let payload = through_session(&msg);
        prop_assert_eq!(Environ::decode(&payload).unwrap(), msg);
        let old = OldEnviron(msg);
        let payload = through_session(&old);
        prop_assert_eq!(OldEnviron::decode(&payload).unwrap(), old);
        // Reversed codes are a guess (RFC 1571): the payload may also read
        // as a well-formed standard message, and is then taken as one. It
        // always decodes, and when read as reversed, to the same message.
        let reversed = OldEnviron(msg.with_reversed(true));
        let payload = through_session(&reversed);
        let got = OldEnviron::decode(&payload).unwrap();
        if got.0.is_reversed() {
            prop_assert_eq!(got, reversed);
        }
    }

    #[test]
    fn any_payload_decodes_canonically_or_errs(payload in payload_strategy(16)) {
        canonical::<Environ>(&payload);
        canonical::<OldEnviron>(&payload);
    }
}
