//! CHARSET (RFC 2066): agreeing on the character set of the data.
//!
//! ```notrust
//! RFC 2066, sections 2 and 3:
//!   REQUEST 1, ACCEPTED 2, REJECTED 3,
//!   TTABLE-IS 4, TTABLE-REJECTED 5, TTABLE-ACK 6, TTABLE-NAK 7
//!   IAC SB CHARSET REQUEST [ "[TTABLE]" <version> ] <sep> <charset>
//!       { <sep> <charset> } IAC SE
//!     <sep> is any byte that no name in the list contains.
//!   IAC SB CHARSET ACCEPTED <charset> IAC SE
//!   IAC SB CHARSET REJECTED IAC SE
//!   IAC SB CHARSET TTABLE-IS <version> <table> IAC SE
//!   IAC SB CHARSET TTABLE-REJECTED IAC SE, TTABLE-ACK, TTABLE-NAK likewise
//!   Only a side that sent WILL CHARSET and received DO CHARSET may
//!   send a REQUEST (section 3); the other side answers it.
//! ```
//!
//! [`may_request`] applies the last rule to a [`Session`]'s option state.
//! Character set names are bytes (the RFC says NVT ASCII, as registered
//! with IANA); compare them with [`eq_ignore_ascii_case`](slice::eq_ignore_ascii_case).
//! A TTABLE-IS table is kept as bytes after its version, uninterpreted.
//! The format is canonical; the one value that does not survive a round
//! trip is a `Request` built without a version whose separator is `[` and
//! whose list starts `TTABLE]`, which reads back as a TTABLE request.
//!
//! ```
//! use telnet_proto::options::charset::Charset;
//! use telnet_proto::options::OptionPayload;
//!
//! let request = Charset::decode(b"\x01;UTF-8;ISO-8859-1")?;
//! let names: Vec<&[u8]> = request.names().collect();
//! assert_eq!(names, [&b"UTF-8"[..], b"ISO-8859-1"]);
//!
//! let mut buf = [0u8; 32];
//! let n = Charset::Accepted(b"UTF-8").encode(&mut buf).unwrap();
//! assert_eq!(&buf[..n], b"\xff\xfa\x2a\x02UTF-8\xff\xf0");
//! # Ok::<(), telnet_proto::options::DecodeError>(())
//! ```

use super::{DecodeError, OptionPayload, PayloadSink};
use crate::{Session, Side, TelnetOption};

/// The REQUEST code (1).
pub const REQUEST: u8 = 1;
/// The ACCEPTED code (2).
pub const ACCEPTED: u8 = 2;
/// The REJECTED code (3).
pub const REJECTED: u8 = 3;
/// The TTABLE-IS code (4).
pub const TTABLE_IS: u8 = 4;
/// The TTABLE-REJECTED code (5).
pub const TTABLE_REJECTED: u8 = 5;
/// The TTABLE-ACK code (6).
pub const TTABLE_ACK: u8 = 6;
/// The TTABLE-NAK code (7).
pub const TTABLE_NAK: u8 = 7;
/// The marker before a REQUEST's translation-table version.
pub const TTABLE_MARKER: &[u8; 8] = b"[TTABLE]";

/// A CHARSET subnegotiation.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Charset<'a> {
    /// `REQUEST`: the character sets the sender can use, preferred first.
    Request {
        /// With `[TTABLE] <version>`: the translation-table version the
        /// sender can also accept.
        ttable_version: Option<u8>,
        /// The byte that separates the names (and precedes the first).
        separator: u8,
        /// The names, separated by `separator`, without the leading one.
        /// Iterate with [`Charset::names`].
        list: &'a [u8],
    },
    /// `ACCEPTED <charset>`: the receiver of a REQUEST chose this one.
    Accepted(&'a [u8]),
    /// `REJECTED`: none of the requested sets is acceptable.
    Rejected,
    /// `TTABLE-IS <version> <table>`: a translation table.
    TtableIs {
        /// The table format's version (1 in RFC 2066).
        version: u8,
        /// The table, uninterpreted.
        table: &'a [u8],
    },
    /// `TTABLE-REJECTED`: the table was not acceptable.
    TtableRejected,
    /// `TTABLE-ACK`: the table was received and will be used.
    TtableAck,
    /// `TTABLE-NAK`: the table was garbled; send it again.
    TtableNak,
}

impl<'a> Charset<'a> {
    /// A REQUEST for the names in `list`, separated (and not containing)
    /// `separator`, without a translation table.
    pub const fn request(separator: u8, list: &'a [u8]) -> Self {
        Charset::Request {
            ttable_version: None,
            separator,
            list,
        }
    }

    /// The names of a REQUEST, in order (empty for other messages).
    pub fn names(&self) -> Names<'a> {
        match *self {
            Charset::Request {
                separator, list, ..
            } => Names {
                rest: Some(list),
                separator,
            },
            _ => Names {
                rest: None,
                separator: 0,
            },
        }
    }
}

/// The names of a REQUEST.
#[derive(Clone, Debug)]
pub struct Names<'a> {
    rest: Option<&'a [u8]>,
    separator: u8,
}

impl<'a> Iterator for Names<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let rest = self.rest?;
        match rest.iter().position(|&b| b == self.separator) {
            Some(i) => {
                self.rest = Some(&rest[i + 1..]);
                Some(&rest[..i])
            }
            None => {
                self.rest = None;
                Some(rest)
            }
        }
    }
}

/// Whether we may send a REQUEST: CHARSET is on for our side, that is we
/// sent `WILL CHARSET` and the peer said `DO` (or the other way round,
/// which RFC 1143 does not tell apart). RFC 2066, section 3.
///
/// ```
/// use telnet_proto::options::charset::may_request;
/// use telnet_proto::{Config, Policy, Session, Side, TelnetOption};
///
/// let mut client: Session = Session::default();
/// assert!(!may_request(&client));
/// let _will = client.enable(Side::Local, TelnetOption::CHARSET);
/// assert!(!may_request(&client)); // not until the DO comes back
/// let mut feed = client.feed(b"\xff\xfd\x2a");
/// while feed.poll_event().is_some() {}
/// assert!(may_request(&client));
/// ```
pub fn may_request<const N: usize>(session: &Session<N>) -> bool {
    session.is_enabled(Side::Local, TelnetOption::CHARSET)
}

impl<'a> OptionPayload<'a> for Charset<'a> {
    const OPTION: TelnetOption = TelnetOption::CHARSET;

    fn decode(payload: &'a [u8]) -> Result<Self, DecodeError> {
        let nothing_after = |message| {
            if payload.len() > 1 {
                Err(DecodeError::TrailingBytes { offset: 1 })
            } else {
                Ok(message)
            }
        };
        match super::first(payload)? {
            REQUEST => {
                let mut at = 1;
                let mut ttable_version = None;
                if payload[1..].starts_with(TTABLE_MARKER) {
                    at += TTABLE_MARKER.len();
                    let version = *payload
                        .get(at)
                        .ok_or(DecodeError::Truncated { offset: at })?;
                    ttable_version = Some(version);
                    at += 1;
                }
                let separator = *payload
                    .get(at)
                    .ok_or(DecodeError::Truncated { offset: at })?;
                if payload.len() == at + 1 {
                    // A separator and no name.
                    return Err(DecodeError::Truncated { offset: at + 1 });
                }
                Ok(Charset::Request {
                    ttable_version,
                    separator,
                    list: &payload[at + 1..],
                })
            }
            ACCEPTED if payload.len() == 1 => Err(DecodeError::Truncated { offset: 1 }),
            ACCEPTED => Ok(Charset::Accepted(&payload[1..])),
            REJECTED => nothing_after(Charset::Rejected),
            TTABLE_IS => {
                let version = *payload.get(1).ok_or(DecodeError::Truncated { offset: 1 })?;
                Ok(Charset::TtableIs {
                    version,
                    table: &payload[2..],
                })
            }
            TTABLE_REJECTED => nothing_after(Charset::TtableRejected),
            TTABLE_ACK => nothing_after(Charset::TtableAck),
            TTABLE_NAK => nothing_after(Charset::TtableNak),
            byte => Err(DecodeError::UnexpectedByte { offset: 0, byte }),
        }
    }

    fn write_payload<S: PayloadSink + ?Sized>(&self, sink: &mut S) {
        match *self {
            Charset::Request {
                ttable_version,
                separator,
                list,
            } => {
                sink.put(&[REQUEST]);
                if let Some(version) = ttable_version {
                    sink.put(TTABLE_MARKER);
                    sink.put(&[version]);
                }
                sink.put(&[separator]);
                sink.put(list);
            }
            Charset::Accepted(name) => {
                sink.put(&[ACCEPTED]);
                sink.put(name);
            }
            Charset::Rejected => sink.put(&[REJECTED]),
            Charset::TtableIs { version, table } => {
                sink.put(&[TTABLE_IS, version]);
                sink.put(table);
            }
            Charset::TtableRejected => sink.put(&[TTABLE_REJECTED]),
            Charset::TtableAck => sink.put(&[TTABLE_ACK]),
            Charset::TtableNak => sink.put(&[TTABLE_NAK]),
        }
    }
}
