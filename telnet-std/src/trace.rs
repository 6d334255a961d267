//! Readable descriptions of what goes over the wire, for the debug trace.
//!
//! Every line the crate traces has the form `RCVD <what>` or `SENT <what>`
//! at level `DEBUG` under the target `telnet_std`, e.g. `RCVD DO NAWS`,
//! `SENT WILL NAWS`, `SENT SB NAWS 80 24`, `RCVD AYT`; the raw bytes of each
//! read and write are traced at level `TRACE` under `telnet_std::wire`
//! (`recv ff fd 1f`, `send ff fb 1f`).

use std::fmt::{self, Write as _};

use telnet_proto::TelnetOption;

use crate::opts;

/// Bytes as space-separated lowercase hex.
pub(crate) struct Hex<'a>(pub(crate) &'a [u8]);

impl fmt::Display for Hex<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, b) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_char(' ')?;
            }
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

/// Bytes as text where printable, `\xNN` otherwise, in quotes.
fn quoted(bytes: &[u8], out: &mut String) {
    out.push('"');
    for &b in bytes {
        if b.is_ascii_graphic() || b == b' ' {
            if b == b'"' || b == b'\\' {
                out.push('\\');
            }
            out.push(char::from(b));
        } else {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
    out.push('"');
}

/// `SB NAWS 80 24`, `SB TTYPE IS "xterm"`, `SB GMCP 43 6f ...`: a
/// subnegotiation in readable form, without the `IAC`s. Payloads longer
/// than 64 bytes are shortened, with their length.
pub fn describe_subnegotiation(option: TelnetOption, payload: &[u8]) -> String {
    let mut out = format!("SB {option}");
    match option {
        TelnetOption::NAWS => {
            if let Some((w, h)) = opts::parse_naws(payload) {
                let _ = write!(out, " {w} {h}");
                return out;
            }
        }
        TelnetOption::TTYPE => match payload.split_first() {
            Some((&opts::SEND, [])) => return out + " SEND",
            Some((&opts::IS, name)) => {
                out.push_str(" IS ");
                quoted(name, &mut out);
                return out;
            }
            _ => {}
        },
        TelnetOption::NEW_ENVIRON | TelnetOption::OLD_ENVIRON if payload.len() <= 256 => {
            if let Some((&sub, rest)) = payload.split_first() {
                out.push_str(match sub {
                    opts::IS => " IS",
                    opts::SEND => " SEND",
                    opts::INFO => " INFO",
                    _ => " ?",
                });
                let mut text = Vec::new();
                let mut bytes = rest.iter().copied();
                let flush = |text: &mut Vec<u8>, out: &mut String| {
                    if !text.is_empty() {
                        out.push(' ');
                        quoted(text, out);
                        text.clear();
                    }
                };
                while let Some(b) = bytes.next() {
                    let word = match b {
                        opts::VAR => "VAR",
                        opts::VALUE => "VALUE",
                        opts::USERVAR => "USERVAR",
                        opts::ESC => {
                            if let Some(next) = bytes.next() {
                                text.push(next);
                            }
                            continue;
                        }
                        other => {
                            text.push(other);
                            continue;
                        }
                    };
                    flush(&mut text, &mut out);
                    out.push(' ');
                    out.push_str(word);
                }
                flush(&mut text, &mut out);
                return out;
            }
        }
        _ => {}
    }
    const SHOWN: usize = 64;
    if !payload.is_empty() {
        let shown = &payload[..payload.len().min(SHOWN)];
        let _ = write!(out, " {}", Hex(shown));
        if payload.len() > SHOWN {
            let _ = write!(out, " ... ({} bytes)", payload.len());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readable_subnegotiations() {
        assert_eq!(
            describe_subnegotiation(TelnetOption::NAWS, &[0, 80, 0, 24]),
            "SB NAWS 80 24"
        );
        assert_eq!(
            describe_subnegotiation(TelnetOption::TTYPE, &[1]),
            "SB TTYPE SEND"
        );
        assert_eq!(
            describe_subnegotiation(TelnetOption::TTYPE, b"\x00xterm"),
            "SB TTYPE IS \"xterm\""
        );
        assert_eq!(
            describe_subnegotiation(TelnetOption::NEW_ENVIRON, b"\x00\x00USER\x01ann"),
            "SB NEW-ENVIRON IS VAR \"USER\" VALUE \"ann\""
        );
        assert_eq!(
            describe_subnegotiation(TelnetOption(77), &[1, 255]),
            "SB OPTION 77 01 ff"
        );
        let long = describe_subnegotiation(TelnetOption::GMCP, &[b'a'; 100]);
        assert!(long.ends_with("... (100 bytes)"), "{long}");
    }
}
