//! The encoder: the application's data and intentions as wire bytes, written
//! into caller-owned buffers.
//!
//! Every function here computes the exact size it needs first. If the
//! buffer is smaller it returns [`BufferTooSmall`] naming that size and
//! writes nothing, so the call can simply be repeated with a larger buffer.
//! On success it returns the number of bytes written at the start of the
//! buffer.
//!
//! With the `bytes` feature each function has a `put_*` twin that appends to
//! any [`bytes::BufMut`](https://docs.rs/bytes/1/bytes/trait.BufMut.html)
//! under the same rule (a `BytesMut` grows, so for it the error never
//! happens).
//!
//! ```
//! use telnet_proto::encode;
//!
//! let mut buf = [0u8; 16];
//! let n = encode::data(b"a\xffb", &mut buf)?;
//! assert_eq!(&buf[..n], b"a\xff\xffb");
//!
//! let n = encode::text(b"hi\n", &mut buf)?;
//! assert_eq!(&buf[..n], b"hi\r\n");
//!
//! let err = encode::data(&[0xff; 9], &mut buf).unwrap_err();
//! assert_eq!(err.required, 18);
//! # Ok::<(), telnet_proto::BufferTooSmall>(())
//! ```

use core::fmt;

use crate::consts::{CR, IAC, LF, NUL, SB, SE};
use crate::{Command, Negotiation, TelnetOption};

/// The output buffer cannot hold what was to be written; nothing was written.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct BufferTooSmall {
    /// The number of bytes the encoding needs.
    pub required: usize,
    /// The number of bytes the buffer had.
    pub available: usize,
}

impl fmt::Display for BufferTooSmall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "output buffer too small: {} bytes needed, {} available",
            self.required, self.available
        )
    }
}

impl core::error::Error for BufferTooSmall {}

/// Where encoded bytes go: a slice with a write position, or a `BufMut`.
trait Sink {
    fn put(&mut self, bytes: &[u8]);
}

struct SliceSink<'a> {
    buf: &'a mut [u8],
    len: usize,
}

impl Sink for SliceSink<'_> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        // The caller checked the total size beforehand, so this range is in
        // bounds; a failure here would be a bug in a size computation.
        crate::copy::copy(&mut self.buf[self.len..self.len + bytes.len()], bytes);
        self.len += bytes.len();
    }
}

#[cfg(feature = "bytes")]
struct BufSink<'a, B: bytes::BufMut + ?Sized>(&'a mut B);

#[cfg(feature = "bytes")]
impl<B: bytes::BufMut + ?Sized> Sink for BufSink<'_, B> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        self.0.put_slice(bytes);
    }
}

/// Runs `write` into `dst` if `required` bytes fit.
fn into_slice(
    dst: &mut [u8],
    required: usize,
    write: impl FnOnce(&mut SliceSink<'_>),
) -> Result<usize, BufferTooSmall> {
    if dst.len() < required {
        return Err(BufferTooSmall {
            required,
            available: dst.len(),
        });
    }
    let mut sink = SliceSink { buf: dst, len: 0 };
    write(&mut sink);
    debug_assert_eq!(sink.len, required);
    Ok(sink.len)
}

#[cfg(feature = "bytes")]
fn into_buf<B: bytes::BufMut + ?Sized>(
    dst: &mut B,
    required: usize,
    write: impl FnOnce(&mut BufSink<'_, B>),
) -> Result<usize, BufferTooSmall> {
    if dst.remaining_mut() < required {
        return Err(BufferTooSmall {
            required,
            available: dst.remaining_mut(),
        });
    }
    write(&mut BufSink(dst));
    Ok(required)
}

/// The size of `src` once every 0xFF is doubled.
#[inline]
pub fn data_len(src: &[u8]) -> usize {
    src.len() + memchr::memchr_iter(IAC, src).count()
}

fn write_data(src: &[u8], sink: &mut impl Sink) {
    let mut start = 0;
    for i in memchr::memchr_iter(IAC, src) {
        // Write through the 0xFF, then write it once more.
        sink.put(&src[start..=i]);
        sink.put(&[IAC]);
        start = i + 1;
    }
    sink.put(&src[start..]);
}

/// The size of `src` encoded as NVT text (see [`text`]).
pub fn text_len(src: &[u8]) -> usize {
    let mut len = src.len();
    for i in memchr::memchr3_iter(IAC, CR, LF, src) {
        match src[i] {
            IAC => len += 1,
            // `\r\n` stays two bytes; a bare `\r` gains a NUL.
            CR if src.get(i + 1) == Some(&LF) => {}
            CR => len += 1,
            // `\n` gains a CR unless one precedes it.
            _ if i > 0 && src[i - 1] == CR => {}
            _ => len += 1,
        }
    }
    len
}

/// The text encoding through a [`Sink`], for `put_text` (the slice encoder
/// [`text`] has its own one-pass path).
#[cfg(feature = "bytes")]
fn write_text(src: &[u8], sink: &mut impl Sink) {
    let mut start = 0;
    for i in memchr::memchr3_iter(IAC, CR, LF, src) {
        match src[i] {
            IAC => {
                sink.put(&src[start..=i]);
                sink.put(&[IAC]);
                start = i + 1;
            }
            CR if src.get(i + 1) == Some(&LF) => {}
            CR => {
                sink.put(&src[start..=i]);
                sink.put(&[NUL]);
                start = i + 1;
            }
            _ if i > 0 && src[i - 1] == CR => {}
            _ => {
                sink.put(&src[start..i]);
                sink.put(&[CR]);
                start = i;
            }
        }
    }
    sink.put(&src[start..]);
}

/// A 0xFF closer than this to the previous one makes the encoders switch
/// from searching to a byte loop for [`DENSE_RUN`] bytes.
const DENSE_GAP: usize = 8;

/// How many bytes the encoders' byte loop takes at a time.
const DENSE_RUN: usize = 64;

/// [`data`] into a `dst` known to be large enough; returns the length.
///
/// Never writes past the returned length.
fn escape_into(src: &[u8], dst: &mut [u8]) -> usize {
    let mut n = 0;
    let mut start = 0;
    while let Some(k) = memchr::memchr(IAC, &src[start..]) {
        // Through the 0xFF, then the 0xFF once more.
        crate::copy::copy(&mut dst[n..=n + k], &src[start..=start + k]);
        dst[n + k + 1] = IAC;
        n += k + 2;
        start += k + 1;
        if k < DENSE_GAP {
            // Dense 0xFF: a byte loop without branches on the data. Each
            // byte is written with a 0xFF after it, which the next byte
            // overwrites unless it was a 0xFF. The window stops before the
            // last byte of `src`, so that the final 0xFF written is always
            // overwritten or kept, never left past the end.
            let stop = (start + DENSE_RUN).min(src.len().saturating_sub(1));
            for &byte in src.get(start..stop).unwrap_or_default() {
                dst[n] = byte;
                dst[n + 1] = IAC;
                n += 1 + usize::from(byte == IAC);
            }
            start = start.max(stop);
        }
    }
    let rest = &src[start..];
    crate::copy::copy(&mut dst[n..n + rest.len()], rest);
    n + rest.len()
}

/// Writes the NVT encoding of the special byte `src[i]` (0xFF, CR or LF).
#[inline]
fn text_special(src: &[u8], i: usize, dst: &mut [u8], n: usize) -> usize {
    match src[i] {
        IAC => {
            dst[n] = IAC;
            dst[n + 1] = IAC;
            n + 2
        }
        CR if src.get(i + 1) == Some(&LF) => {
            dst[n] = CR;
            n + 1
        }
        CR => {
            dst[n] = CR;
            dst[n + 1] = NUL;
            n + 2
        }
        _ if i > 0 && src[i - 1] == CR => {
            dst[n] = LF;
            n + 1
        }
        _ => {
            dst[n] = CR;
            dst[n + 1] = LF;
            n + 2
        }
    }
}

/// [`text`] into a `dst` known to be large enough; returns the length.
///
/// Never writes past the returned length.
fn text_into(src: &[u8], dst: &mut [u8]) -> usize {
    let mut n = 0;
    let mut start = 0;
    while let Some(k) = memchr::memchr3(IAC, CR, LF, &src[start..]) {
        let i = start + k;
        crate::copy::copy(&mut dst[n..n + k], &src[start..i]);
        n = text_special(src, i, dst, n + k);
        start = i + 1;
        if k < DENSE_GAP {
            // Dense special bytes: a byte loop (see `escape_into`), with
            // newlines, which need their neighbours, taken apart.
            let stop = (start + DENSE_RUN).min(src.len().saturating_sub(1));
            let mut i = start;
            while i < stop {
                let byte = src[i];
                if byte == CR || byte == LF {
                    n = text_special(src, i, dst, n);
                } else {
                    dst[n] = byte;
                    dst[n + 1] = IAC;
                    n += 1 + usize::from(byte == IAC);
                }
                i += 1;
            }
            start = start.max(stop);
        }
    }
    let rest = &src[start..];
    crate::copy::copy(&mut dst[n..n + rest.len()], rest);
    n + rest.len()
}

/// The size of a subnegotiation carrying `payload` (see [`subnegotiation`]).
pub fn subnegotiation_len(option: TelnetOption, payload: &[u8]) -> usize {
    5 + usize::from(option.0 == IAC) + data_len(payload)
}

fn write_subnegotiation(option: TelnetOption, payload: &[u8], sink: &mut impl Sink) {
    sink.put(&[IAC, SB]);
    write_data(&[option.0], sink);
    write_data(payload, sink);
    sink.put(&[IAC, SE]);
}

/// Binary-safe data: every 0xFF doubled (RFC 854), nothing else changed.
///
/// This is what to send in a direction where BINARY is on, and what
/// telnetlib's `write` did.
pub fn data(src: &[u8], dst: &mut [u8]) -> Result<usize, BufferTooSmall> {
    // Room for the worst case (every byte 0xFF): no need to count first.
    if dst.len() / 2 >= src.len() {
        return Ok(escape_into(src, dst));
    }
    let required = data_len(src);
    if dst.len() < required {
        return Err(BufferTooSmall {
            required,
            available: dst.len(),
        });
    }
    Ok(escape_into(src, dst))
}

/// NVT text (RFC 854): `\n` becomes CR LF, a `\r` not followed by `\n`
/// becomes CR NUL, `\r\n` stays CR LF, and every 0xFF is doubled.
///
/// Each call stands alone: a `\r` at the very end of `src` is taken as bare
/// (CR NUL), so do not split a `\r\n` between two calls; for text that
/// comes in pieces, cut it with [`TextPieces`]. Use [`data`] in a
/// direction where BINARY is on; [`Session::encode_text`](crate::Session::encode_text)
/// chooses between the two for you.
pub fn text(src: &[u8], dst: &mut [u8]) -> Result<usize, BufferTooSmall> {
    // Room for the worst case (every byte doubled): no need to count first.
    if dst.len() / 2 >= src.len() {
        return Ok(text_into(src, dst));
    }
    let required = text_len(src);
    if dst.len() < required {
        return Err(BufferTooSmall {
            required,
            available: dst.len(),
        });
    }
    Ok(text_into(src, dst))
}

/// Text that arrives in pieces (keyboard input, a pipe), cut so that each
/// piece can be encoded on its own: a CR that ends one piece is held back
/// until the next shows whether it starts a CR LF.
///
/// [`next`](Self::next) returns, for each piece, a head that completes
/// the CR held from the previous piece (`"\r\n"` when the piece starts
/// with LF, whose LF it takes; `"\r"` otherwise; nothing when no CR was
/// held) and the body, without a final CR, which it holds in turn.
/// Encode the head, then the body, with [`text`] (or
/// [`Session::encode_text`](crate::Session::encode_text)); at the end of the
/// input, encode [`finish`](Self::finish).
///
/// ```
/// use telnet_proto::encode::{self, TextPieces};
///
/// let mut pieces = TextPieces::new();
/// let mut wire = Vec::new();
/// for piece in [&b"ls\r"[..], b"\nexit\r"] {
///     let (head, body) = pieces.next(piece);
///     for part in [head, body] {
///         let mut buf = [0u8; 16];
///         let n = encode::text(part, &mut buf).unwrap();
///         wire.extend_from_slice(&buf[..n]);
///     }
/// }
/// let mut buf = [0u8; 2];
/// let n = encode::text(pieces.finish(), &mut buf).unwrap();
/// wire.extend_from_slice(&buf[..n]);
/// // The CR LF cut between two pieces is one newline; the final CR is bare.
/// assert_eq!(wire, b"ls\r\nexit\r\0");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub struct TextPieces {
    held_cr: bool,
}

impl TextPieces {
    /// Nothing held.
    pub const fn new() -> Self {
        TextPieces { held_cr: false }
    }

    /// The head and the body to encode for `piece`, in that order (see the
    /// type's documentation). An empty piece changes nothing.
    pub fn next<'a>(&mut self, piece: &'a [u8]) -> (&'static [u8], &'a [u8]) {
        if piece.is_empty() {
            return (b"", b"");
        }
        let mut body = piece;
        let head: &'static [u8] = if core::mem::take(&mut self.held_cr) {
            if let [LF, rest @ ..] = piece {
                body = rest;
                b"\r\n"
            } else {
                b"\r"
            }
        } else {
            b""
        };
        if let [rest @ .., CR] = body {
            self.held_cr = true;
            body = rest;
        }
        (head, body)
    }

    /// The input ended: the CR still held, if any (`"\r"`, a bare CR), or
    /// nothing.
    pub fn finish(&mut self) -> &'static [u8] {
        if core::mem::take(&mut self.held_cr) {
            b"\r"
        } else {
            b""
        }
    }

    /// Whether a CR is held back.
    pub const fn is_holding(&self) -> bool {
        self.held_cr
    }
}

/// A two-byte command: `IAC <code>`.
///
/// # Panics
///
/// If the command is not valid ([`Command::is_valid`]): an
/// [`Unknown`](Command::Unknown) holding a code from 250 to 255 would be
/// `IAC SB`, a negotiation's start or an escaped 0xFF, not a command.
#[track_caller]
pub fn command(command: Command, dst: &mut [u8]) -> Result<usize, BufferTooSmall> {
    check_command(command);
    into_slice(dst, 2, |sink| sink.put(&command.to_bytes()))
}

/// Panics, naming the code, if `command` is not one ([`Command::check`]).
#[track_caller]
fn check_command(command: Command) {
    if let Err(invalid) = command.check() {
        panic!("{invalid}");
    }
}

/// A negotiation: `IAC <verb> <option>`.
///
/// Sending negotiations by hand bypasses the RFC 1143 table; in the
/// automatic mode use [`Session::enable`](crate::Session::enable) and
/// [`Session::disable`](crate::Session::disable) instead,
/// which knows when not to send.
pub fn negotiation(negotiation: Negotiation, dst: &mut [u8]) -> Result<usize, BufferTooSmall> {
    into_slice(dst, 3, |sink| sink.put(&negotiation.to_bytes()))
}

/// A subnegotiation: `IAC SB <option> <payload> IAC SE`, with every 0xFF in
/// the payload (and an option code of 255) doubled.
pub fn subnegotiation(
    option: TelnetOption,
    payload: &[u8],
    dst: &mut [u8],
) -> Result<usize, BufferTooSmall> {
    into_slice(dst, subnegotiation_len(option, payload), |sink| {
        write_subnegotiation(option, payload, sink)
    })
}

/// [`data`], appended to a [`bytes::BufMut`].
#[cfg(feature = "bytes")]
pub fn put_data<B: bytes::BufMut + ?Sized>(
    src: &[u8],
    dst: &mut B,
) -> Result<usize, BufferTooSmall> {
    into_buf(dst, data_len(src), |sink| write_data(src, sink))
}

/// [`text`], appended to a [`bytes::BufMut`].
#[cfg(feature = "bytes")]
pub fn put_text<B: bytes::BufMut + ?Sized>(
    src: &[u8],
    dst: &mut B,
) -> Result<usize, BufferTooSmall> {
    into_buf(dst, text_len(src), |sink| write_text(src, sink))
}

/// [`command`], appended to a [`bytes::BufMut`].
///
/// # Panics
///
/// As [`command`], if the command is not valid ([`Command::is_valid`]).
#[cfg(feature = "bytes")]
#[track_caller]
pub fn put_command<B: bytes::BufMut + ?Sized>(
    command: Command,
    dst: &mut B,
) -> Result<usize, BufferTooSmall> {
    check_command(command);
    into_buf(dst, 2, |sink| sink.put(&command.to_bytes()))
}

/// [`negotiation`], appended to a [`bytes::BufMut`].
#[cfg(feature = "bytes")]
pub fn put_negotiation<B: bytes::BufMut + ?Sized>(
    negotiation: Negotiation,
    dst: &mut B,
) -> Result<usize, BufferTooSmall> {
    into_buf(dst, 3, |sink| sink.put(&negotiation.to_bytes()))
}

/// [`subnegotiation`], appended to a [`bytes::BufMut`].
#[cfg(feature = "bytes")]
pub fn put_subnegotiation<B: bytes::BufMut + ?Sized>(
    option: TelnetOption,
    payload: &[u8],
    dst: &mut B,
) -> Result<usize, BufferTooSmall> {
    into_buf(dst, subnegotiation_len(option, payload), |sink| {
        write_subnegotiation(option, payload, sink)
    })
}
