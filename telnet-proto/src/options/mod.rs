//! Typed subnegotiations: the options people actually negotiate, decoded
//! from a received payload and encoded into a caller-owned buffer.
//!
//! The core delivers a subnegotiation as bytes
//! ([`Event::Subnegotiation`](crate::Event::Subnegotiation), with `IAC IAC`
//! already unescaped). The submodules here turn those bytes into values
//! ("the window is 120×40", "the terminal is xterm-256color", "use UTF-8")
//! and values back into complete `IAC SB <option> ... IAC SE` frames. Like
//! the rest of the crate they never allocate: a decoded value borrows the
//! payload, and lists (environment variables, MSDP tokens, ZMP arguments)
//! are iterators over it.
//!
//! | Module | Option | Specification |
//! |---|---|---|
//! | [`binary`] | BINARY (0) | RFC 856 (no subnegotiation; the core's newline handling) |
//! | [`echo`] | ECHO (1) | RFC 857 (no subnegotiation) |
//! | [`sga`] | SGA (3) | RFC 858 (no subnegotiation; [`Session::encode_go_ahead`](crate::Session::encode_go_ahead)) |
//! | [`status`] | STATUS (5) | RFC 859 |
//! | [`timing_mark`] | TIMING-MARK (6) | RFC 860 (no subnegotiation; answered by the core) |
//! | [`ttype`] | TTYPE (24) | RFC 1091, and MTTS |
//! | [`eor`] | EOR (25) | RFC 885 (no subnegotiation; [`Session::encode_end_of_record`](crate::Session::encode_end_of_record)) |
//! | [`naws`] | NAWS (31) | RFC 1073 |
//! | [`tspeed`] | TSPEED (32) | RFC 1079 |
//! | [`lflow`] | LFLOW (33) | RFC 1372 |
//! | [`linemode`] | LINEMODE (34) | RFC 1184 |
//! | [`xdisploc`] | XDISPLOC (35) | RFC 1096 |
//! | [`environ`] | OLD-ENVIRON (36) | RFC 1408, with RFC 1571's heuristics |
//! | [`new_environ`] | NEW-ENVIRON (39) | RFC 1572 |
//! | [`charset`] | CHARSET (42) | RFC 2066 |
//! | [`msdp`] | MSDP (69) | the MUD Server Data Protocol |
//! | [`mssp`] | MSSP (70) | the MUD Server Status Protocol |
//! | [`zmp`] | ZMP (93) | the Zenith MUD Protocol |
//! | [`gmcp`] | GMCP (201) | the Generic MUD Communication Protocol |
//!
//! # One shape for every codec
//!
//! Each typed payload implements [`OptionPayload`]:
//!
//! * `T::decode(payload) -> Result<T, DecodeError>` reads the payload of an
//!   [`Event::Subnegotiation`](crate::Event::Subnegotiation). It never panics and never reads past the
//!   payload; a malformed payload is a [`DecodeError`] naming what was
//!   wrong and where. Decoding does not look at the option state, so a
//!   payload that arrives before the negotiation finished (real NAWS
//!   clients do this) decodes like any other.
//! * `value.encode(dst) -> Result<usize, BufferTooSmall>` writes the whole
//!   frame, `IAC SB <option> <payload> IAC SE`, with every 0xFF doubled by
//!   the same escaper as [`encode::data`]. It follows the rule of
//!   [`encode`]: the size is computed first ([`OptionPayload::encoded_len`]),
//!   and a buffer that is too small is an error naming that size, with
//!   nothing written.
//! * `value.encode_payload(dst)` writes the payload alone, unescaped (for
//!   a `put_subnegotiation` of your own, or to compare with a received
//!   payload).
//!
//! Where a format has one spelling per value, what decodes re-encodes to
//! the same payload bytes. The module of each option says where that is not
//! so (for example TSPEED's leading zeros).
//!
//! ```
//! use telnet_proto::options::{self, naws::WindowSize, OptionPayload};
//! use telnet_proto::{Event, Session, TelnetOption};
//!
//! let mut server: Session = Session::default();
//! let mut sizes = Vec::new();
//! let mut feed = server.feed(b"\xff\xfa\x1f\x00\x78\x00\x28\xff\xf0");
//! while let Some(event) = feed.poll_event() {
//!     if let Event::Subnegotiation { option, payload } = event {
//!         if let Some(Ok(size)) = options::decode_as::<WindowSize>(option, payload) {
//!             sizes.push(size);
//!         }
//!     }
//! }
//! assert_eq!(sizes, [WindowSize { width: 120, height: 40 }]);
//!
//! // And back: the client's side of the same exchange.
//! let mut buf = [0u8; 16];
//! let n = sizes[0].encode(&mut buf)?;
//! assert_eq!(&buf[..n], b"\xff\xfa\x1f\x00\x78\x00\x28\xff\xf0");
//! # Ok::<(), telnet_proto::BufferTooSmall>(())
//! ```

use core::fmt;

use crate::consts::{IAC, SB, SE};
use crate::encode::{self, BufferTooSmall};
use crate::TelnetOption;

pub mod binary;
pub mod charset;
pub mod echo;
pub mod environ;
pub mod eor;
pub mod gmcp;
pub mod lflow;
pub mod linemode;
pub mod msdp;
pub mod mssp;
pub mod naws;
pub mod new_environ;
pub mod sga;
pub mod status;
pub mod timing_mark;
pub mod tspeed;
pub mod ttype;
pub mod xdisploc;
pub mod zmp;

/// What was wrong with a subnegotiation payload.
///
/// Offsets count bytes of the unescaped payload (the `payload` of
/// [`Event::Subnegotiation`](crate::Event::Subnegotiation)), from 0.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
#[non_exhaustive]
pub enum DecodeError {
    /// The payload ended at `offset` (its length) where more was required:
    /// an empty payload, a NAWS payload of three bytes, an escape byte with
    /// nothing after it.
    Truncated {
        /// Where more was expected: the payload's length.
        offset: usize,
    },
    /// A byte that has no place where it is: an unknown subcommand, a
    /// VALUE before any VAR, a type byte in the middle of a number.
    UnexpectedByte {
        /// Where the byte is.
        offset: usize,
        /// The byte.
        byte: u8,
    },
    /// The value was complete at `offset`, but the payload goes on (a NAWS
    /// payload of five bytes, data after `TTYPE SEND`).
    TrailingBytes {
        /// Where the value ended and the extra bytes begin.
        offset: usize,
    },
    /// A terminator the format requires is missing: the final NUL of a ZMP
    /// message, the close of an MSDP table or array.
    MissingTerminator {
        /// Where the terminator was expected: the payload's length.
        offset: usize,
    },
    /// Text that must be UTF-8 (a GMCP message, a terminal type) is not.
    InvalidUtf8 {
        /// Where the first invalid sequence starts.
        offset: usize,
    },
    /// A decimal number does not fit its type (a TSPEED speed over
    /// `u32::MAX`).
    NumberTooLarge {
        /// Where the number starts.
        offset: usize,
    },
    /// MSDP tables and arrays nested deeper than
    /// [`msdp::MAX_DEPTH`].
    TooDeep {
        /// Where the open that went too deep is.
        offset: usize,
    },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            DecodeError::Truncated { offset } => {
                write!(f, "subnegotiation payload truncated: ends at byte {offset}")
            }
            DecodeError::UnexpectedByte { offset, byte } => {
                write!(
                    f,
                    "unexpected byte 0x{byte:02x} at offset {offset} of the subnegotiation payload"
                )
            }
            DecodeError::TrailingBytes { offset } => {
                write!(
                    f,
                    "subnegotiation payload too long: unexpected data from offset {offset}"
                )
            }
            DecodeError::MissingTerminator { offset } => {
                write!(
                    f,
                    "subnegotiation payload lacks its terminator at offset {offset}"
                )
            }
            DecodeError::InvalidUtf8 { offset } => {
                write!(
                    f,
                    "invalid UTF-8 at offset {offset} of the subnegotiation payload"
                )
            }
            DecodeError::NumberTooLarge { offset } => {
                write!(
                    f,
                    "number at offset {offset} of the subnegotiation payload is too large"
                )
            }
            DecodeError::TooDeep { offset } => {
                write!(
                    f,
                    "nesting too deep at offset {offset} of the subnegotiation payload"
                )
            }
        }
    }
}

impl core::error::Error for DecodeError {}

/// Where [`OptionPayload::write_payload`] puts the payload's bytes,
/// unescaped, in order.
///
/// The crate uses it to count, to escape into a frame and to copy the bare
/// payload; implement it to send a payload somewhere else.
pub trait PayloadSink {
    /// Appends `bytes` to the payload.
    fn put(&mut self, bytes: &[u8]);
}

/// A typed subnegotiation payload of one option.
///
/// `'a` is the lifetime of the payload a decoded value borrows. See the
/// [module documentation](self) for the rules every implementation keeps.
pub trait OptionPayload<'a>: Sized {
    /// The option this payload belongs to.
    const OPTION: TelnetOption;

    /// Reads a received payload (unescaped, as the core delivers it).
    fn decode(payload: &'a [u8]) -> Result<Self, DecodeError>;

    /// Writes the payload, unescaped and without its frame, to `sink`.
    ///
    /// The encoders call it twice, to count and then to write, so it must
    /// write the same bytes every time (an implementation that does not is
    /// a bug, and [`encode`](Self::encode) may panic on it).
    fn write_payload<S: PayloadSink + ?Sized>(&self, sink: &mut S);

    /// The length of the payload, unescaped and without its frame.
    fn payload_len(&self) -> usize {
        let mut count = Count::default();
        self.write_payload(&mut count);
        count.len
    }

    /// The length of the whole frame [`encode`](Self::encode) writes.
    fn encoded_len(&self) -> usize {
        frame_len(Self::OPTION, &|sink| self.write_payload(sink))
    }

    /// Writes the payload alone, unescaped, at the start of `dst`, and
    /// returns its length; or, if it does not fit, writes nothing and says
    /// how much room it needs.
    fn encode_payload(&self, dst: &mut [u8]) -> Result<usize, BufferTooSmall> {
        let required = self.payload_len();
        if dst.len() < required {
            return Err(BufferTooSmall {
                required,
                available: dst.len(),
            });
        }
        let mut sink = Copy { buf: dst, len: 0 };
        self.write_payload(&mut sink);
        Ok(sink.len)
    }

    /// Writes the whole subnegotiation, `IAC SB <option> <payload> IAC SE`
    /// with every 0xFF doubled, at the start of `dst`, and returns its
    /// length; or, if it does not fit, writes nothing and says how much
    /// room it needs (the rule of [`encode`]).
    fn encode(&self, dst: &mut [u8]) -> Result<usize, BufferTooSmall> {
        frame(Self::OPTION, &|sink| self.write_payload(sink), dst)
    }
}

/// The length of `IAC SB <option> <payload> IAC SE` escaped, where `write`
/// produces the payload.
fn frame_len(option: TelnetOption, write: &dyn Fn(&mut dyn PayloadSink)) -> usize {
    let mut count = Count::default();
    write(&mut count);
    5 + usize::from(option.0 == IAC) + count.escaped
}

/// Writes `IAC SB <option> <payload> IAC SE` escaped, where `write`
/// produces the payload (it is called twice: to count, then to write), under
/// the rule of [`encode`].
fn frame(
    option: TelnetOption,
    write: &dyn Fn(&mut dyn PayloadSink),
    dst: &mut [u8],
) -> Result<usize, BufferTooSmall> {
    let required = frame_len(option, write);
    if dst.len() < required {
        return Err(BufferTooSmall {
            required,
            available: dst.len(),
        });
    }
    let mut sink = Escape { buf: dst, len: 0 };
    sink.raw(&[IAC, SB]);
    sink.put(&[option.0]);
    write(&mut sink);
    sink.raw(&[IAC, SE]);
    debug_assert_eq!(sink.len, required);
    Ok(sink.len)
}

/// Decodes `payload` as a `T` if `option` is `T`'s option: `None` for a
/// subnegotiation of another option.
///
/// Made for the `Event::Subnegotiation { option, payload }` arm of a drive
/// loop; see the [module documentation](self) for an example.
pub fn decode_as<'a, T: OptionPayload<'a>>(
    option: TelnetOption,
    payload: &'a [u8],
) -> Option<Result<T, DecodeError>> {
    (option == T::OPTION).then(|| T::decode(payload))
}

/// Counts a payload's bytes, unescaped and escaped.
#[derive(Default)]
struct Count {
    len: usize,
    escaped: usize,
}

impl PayloadSink for Count {
    fn put(&mut self, bytes: &[u8]) {
        self.len += bytes.len();
        self.escaped += encode::data_len(bytes);
    }
}

/// Copies a payload, unescaped, into a slice that was checked to be large
/// enough.
struct Copy<'b> {
    buf: &'b mut [u8],
    len: usize,
}

impl PayloadSink for Copy<'_> {
    fn put(&mut self, bytes: &[u8]) {
        // The caller checked the buffer against `payload_len`, which counts
        // exactly these bytes; an index failure would be a bug in a
        // `write_payload` that writes differently on two calls.
        self.buf[self.len..self.len + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len();
    }
}

/// Escapes a payload into a slice that was checked to be large enough,
/// with the core's escaper ([`encode::data`]).
struct Escape<'b> {
    buf: &'b mut [u8],
    len: usize,
}

impl Escape<'_> {
    fn raw(&mut self, bytes: &[u8]) {
        // In bounds: see `Copy::put`.
        self.buf[self.len..self.len + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len();
    }
}

impl PayloadSink for Escape<'_> {
    fn put(&mut self, bytes: &[u8]) {
        // The buffer was checked against `encoded_len`, which counts these
        // bytes escaped, so the rest of it is large enough.
        match encode::data(bytes, &mut self.buf[self.len..]) {
            Ok(n) => self.len += n,
            Err(_) => unreachable!("encoded_len undercounted the payload"),
        }
    }
}

/// `bytes` as UTF-8, or the offset (from `base`) of the first bad byte.
fn utf8(bytes: &[u8], base: usize) -> Result<&str, DecodeError> {
    core::str::from_utf8(bytes).map_err(|e| DecodeError::InvalidUtf8 {
        offset: base + e.valid_up_to(),
    })
}

/// The first byte of `payload`, or `Truncated` at 0.
fn first(payload: &[u8]) -> Result<u8, DecodeError> {
    payload
        .first()
        .copied()
        .ok_or(DecodeError::Truncated { offset: 0 })
}

/// A payload that must be exactly `[code]`.
fn only(payload: &[u8]) -> Result<u8, DecodeError> {
    let code = first(payload)?;
    if payload.len() > 1 {
        return Err(DecodeError::TrailingBytes { offset: 1 });
    }
    Ok(code)
}
