//! The few option payloads this crate answers by itself: NAWS (RFC 1073),
//! TTYPE (RFC 1091) and NEW-ENVIRON (RFC 1572). Payloads only: the
//! `IAC SB <option> ... IAC SE` framing and 0xFF escaping are the core's
//! encoder's job.

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

/// The NAWS payload: width and height, 16-bit big-endian.
pub(crate) fn naws(width: u16, height: u16) -> [u8; 4] {
    let [w0, w1] = width.to_be_bytes();
    let [h0, h1] = height.to_be_bytes();
    [w0, w1, h0, h1]
}

/// Width and height from a NAWS payload, if it has the right length.
pub(crate) fn parse_naws(payload: &[u8]) -> Option<(u16, u16)> {
    match *payload {
        [w0, w1, h0, h1] => Some((u16::from_be_bytes([w0, w1]), u16::from_be_bytes([h0, h1]))),
        _ => None,
    }
}

/// `IS <name>`: the answer to `SB TTYPE SEND`.
pub(crate) fn ttype_is(name: &str) -> Vec<u8> {
    let mut payload = Vec::with_capacity(1 + name.len());
    payload.push(IS);
    payload.extend_from_slice(name.as_bytes());
    payload
}

/// The variables a NEW-ENVIRON `SEND` asks for, as (type, name) pairs;
/// an empty list means "send everything" (RFC 1572).
pub(crate) fn parse_environ_send(payload: &[u8]) -> Option<Vec<(u8, Vec<u8>)>> {
    let (&first, rest) = payload.split_first()?;
    if first != SEND {
        return None;
    }
    let mut wanted: Vec<(u8, Vec<u8>)> = Vec::new();
    let mut bytes = rest.iter().copied();
    while let Some(byte) = bytes.next() {
        match byte {
            VAR | USERVAR => wanted.push((byte, Vec::new())),
            ESC => {
                if let (Some(next), Some(last)) = (bytes.next(), wanted.last_mut()) {
                    last.1.push(next);
                }
            }
            // A byte outside a name (VALUE has no place in a SEND): ignored.
            other => {
                if let Some(last) = wanted.last_mut() {
                    last.1.push(other);
                }
            }
        }
    }
    Some(wanted)
}

fn push_escaped(out: &mut Vec<u8>, bytes: &[u8]) {
    for &b in bytes {
        if matches!(b, VAR | VALUE | ESC | USERVAR) {
            out.push(ESC);
        }
        out.push(b);
    }
}

/// Whether RFC 1572 lists `name` among the well-known `VAR`s; other names
/// are sent as `USERVAR`.
fn well_known(name: &[u8]) -> bool {
    matches!(
        name,
        b"USER" | b"JOB" | b"ACCT" | b"PRINTER" | b"SYSTEMTYPE" | b"DISPLAY"
    )
}

/// The `IS` answer to a NEW-ENVIRON `SEND` from our variables: each asked
/// variable with its value (or without one when we do not have it); for an
/// empty request, all of ours.
pub(crate) fn environ_is(wanted: &[(u8, Vec<u8>)], vars: &[(String, String)]) -> Vec<u8> {
    let mut out = vec![IS];
    let lookup = |name: &[u8]| {
        vars.iter()
            .find(|(n, _)| n.as_bytes() == name)
            .map(|(_, v)| v.as_bytes())
    };
    if wanted.is_empty() {
        for (name, value) in vars {
            let kind = if well_known(name.as_bytes()) {
                VAR
            } else {
                USERVAR
            };
            out.push(kind);
            push_escaped(&mut out, name.as_bytes());
            out.push(VALUE);
            push_escaped(&mut out, value.as_bytes());
        }
        return out;
    }
    for (kind, name) in wanted {
        if name.is_empty() {
            // `SEND VAR` alone means every variable of that type: ours of
            // that type.
            for (n, v) in vars {
                let k = if well_known(n.as_bytes()) {
                    VAR
                } else {
                    USERVAR
                };
                if k == *kind {
                    out.push(k);
                    push_escaped(&mut out, n.as_bytes());
                    out.push(VALUE);
                    push_escaped(&mut out, v.as_bytes());
                }
            }
            continue;
        }
        out.push(*kind);
        push_escaped(&mut out, name);
        if let Some(value) = lookup(name) {
            out.push(VALUE);
            push_escaped(&mut out, value);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn naws_round_trip() {
        assert_eq!(naws(80, 24), [0, 80, 0, 24]);
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
