//! The option payloads this crate answers by itself: NAWS (RFC 1073) and
//! TTYPE (RFC 1091) and the NEW-ENVIRON (RFC 1572) `SEND` request and `IS`
//! answer, all through the core's codecs in `telnet_proto::options`. Payloads
//! only: the `IAC SB <option> ... IAC SE` framing and 0xFF escaping are the
//! core's encoder's job.

use telnet_proto::options::naws::WindowSize;
use telnet_proto::options::new_environ::{EnvCommand, Environ, VarKind, Variable};
use telnet_proto::options::ttype::TerminalType;
use telnet_proto::options::OptionPayload;

/// TTYPE and NEW-ENVIRON subcommand `IS`.
pub(crate) const IS: u8 = 0;
/// TTYPE and NEW-ENVIRON subcommand `SEND`.
pub(crate) const SEND: u8 = 1;
/// NEW-ENVIRON subcommand `INFO`.
pub(crate) const INFO: u8 = 2;
/// NEW-ENVIRON type byte `VAR`.
pub(crate) const VAR: u8 = 0;
/// NEW-ENVIRON type byte `VALUE`.
pub(crate) const VALUE: u8 = 1;
/// NEW-ENVIRON type byte `ESC`.
pub(crate) const ESC: u8 = 2;
/// NEW-ENVIRON type byte `USERVAR`.
pub(crate) const USERVAR: u8 = 3;

/// A payload through the core's codec, as bytes.
fn payload<'a>(value: &impl OptionPayload<'a>) -> Vec<u8> {
    let mut buf = vec![0; value.payload_len()];
    // The buffer has the length the codec asked for.
    let n = value.encode_payload(&mut buf).unwrap_or(0);
    buf.truncate(n);
    buf
}

/// The NAWS payload: width and height, 16-bit big-endian.
pub(crate) fn naws(width: u16, height: u16) -> Vec<u8> {
    payload(&WindowSize { width, height })
}

/// Width and height from a NAWS payload, if it has the right length.
pub(crate) fn parse_naws(payload: &[u8]) -> Option<(u16, u16)> {
    WindowSize::decode(payload)
        .ok()
        .map(|size| (size.width, size.height))
}

/// `IS <name>`: the answer to `SB TTYPE SEND`.
pub(crate) fn ttype_is(name: &str) -> Vec<u8> {
    payload(&TerminalType::Is(name))
}

/// The terminal type named by a TTYPE `IS`, or `None` for anything else.
pub(crate) fn parse_ttype_is(payload: &[u8]) -> Option<String> {
    match TerminalType::decode(payload) {
        Ok(TerminalType::Is(name)) => Some(name.to_owned()),
        // A name that is not UTF-8: keep what can be read.
        Err(_) if payload.first() == Some(&IS) => {
            Some(String::from_utf8_lossy(&payload[1..]).into_owned())
        }
        _ => None,
    }
}

/// Whether a TTYPE payload is `SEND`.
pub(crate) fn is_ttype_send(payload: &[u8]) -> bool {
    matches!(TerminalType::decode(payload), Ok(TerminalType::Send))
}

/// The variables a NEW-ENVIRON `SEND` asks for, as (type, name) pairs;
/// an empty list means "send everything" (RFC 1572). `None` for any other
/// message, or a malformed one (decoded by the core's codec).
pub(crate) fn parse_environ_send(payload: &[u8]) -> Option<Vec<(u8, Vec<u8>)>> {
    let message = Environ::decode(payload).ok()?;
    if message.command != EnvCommand::Send {
        return None;
    }
    Some(
        message
            .vars()
            .map(|var| (kind_byte(var.kind), var.name.bytes().collect()))
            .collect(),
    )
}

fn kind_byte(kind: VarKind) -> u8 {
    match kind {
        VarKind::Var => VAR,
        VarKind::User => USERVAR,
    }
}

/// RFC 1572's name space for one of our variables: the well-known names
/// are `VAR`s, every other one a `USERVAR`.
fn kind_of(name: &[u8]) -> VarKind {
    match name {
        b"USER" | b"JOB" | b"ACCT" | b"PRINTER" | b"SYSTEMTYPE" | b"DISPLAY" => VarKind::Var,
        _ => VarKind::User,
    }
}

/// The `IS` answer to a NEW-ENVIRON `SEND` from our variables: each asked
/// variable with its value (or without one when we do not have it); for an
/// empty request, all of ours; for a kind with an empty name, all of ours
/// of that kind. Encoded (and escaped) by the core's codec.
pub(crate) fn environ_is(wanted: &[(u8, Vec<u8>)], vars: &[(String, String)]) -> Vec<u8> {
    let ours = |kind: Option<VarKind>| {
        vars.iter()
            .filter(move |(n, _)| kind.map_or(true, |k| kind_of(n.as_bytes()) == k))
            .map(|(n, v)| Variable::new(kind_of(n.as_bytes()), n.as_bytes(), Some(v.as_bytes())))
    };
    let answer: Vec<Variable<'_>> = if wanted.is_empty() {
        ours(None).collect()
    } else {
        let mut answer = Vec::new();
        for (kind, name) in wanted {
            let kind = if *kind == VAR {
                VarKind::Var
            } else {
                VarKind::User
            };
            if name.is_empty() {
                answer.extend(ours(Some(kind)));
                continue;
            }
            let value = vars
                .iter()
                .find(|(n, _)| n.as_bytes() == name.as_slice())
                .map(|(_, v)| v.as_bytes());
            answer.push(Variable::new(kind, name, value));
        }
        answer
    };
    payload(&Environ::new(EnvCommand::Is, &answer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn naws_round_trip() {
        assert_eq!(naws(80, 24), [0, 80, 0, 24]);
        assert_eq!(ttype_is("xterm"), b"\x00xterm");
        assert_eq!(parse_ttype_is(b"\x00VT100").as_deref(), Some("VT100"));
        assert!(is_ttype_send(&[SEND]));
        assert_eq!(parse_naws(&naws(65535, 256)), Some((65535, 256)));
        assert_eq!(parse_naws(&[0, 80, 0]), None);
    }

    #[test]
    fn environ_answers_what_was_asked() {
        let vars = vec![
            ("USER".to_string(), "ann".to_string()),
            ("TERM".to_string(), "xterm".to_string()),
        ];
        let wanted = parse_environ_send(&[SEND, VAR, b'U', b'S', b'E', b'R']).unwrap();
        assert_eq!(environ_is(&wanted, &vars), b"\x00\x00USER\x01ann");
        let wanted =
            parse_environ_send(&[SEND, USERVAR, b'T', b'E', b'R', b'M', VAR, b'X']).unwrap();
        assert_eq!(environ_is(&wanted, &vars), b"\x00\x03TERM\x01xterm\x00X");
        let all = parse_environ_send(&[SEND]).unwrap();
        assert_eq!(
            environ_is(&all, &vars),
            b"\x00\x00USER\x01ann\x03TERM\x01xterm"
        );
        // Type bytes inside names are escaped.
        let odd = vec![("A\x01".to_string(), "\x02".to_string())];
        assert_eq!(environ_is(&[], &odd), b"\x00\x03A\x02\x01\x01\x02\x02");
        assert_eq!(parse_environ_send(&[IS]), None);
    }
}
