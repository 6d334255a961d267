//! MCCP compression and decompression (no RFC; specified by the MUD
//! community): after `IAC SB MCCP2 IAC SE` (server to client) or
//! `IAC SB MCCP3 IAC SE` (client to server), everything that side sends is
//! one zlib stream, until the stream ends. [`Inflater`] undoes it for what
//! we receive, [`Deflater`] does it for what we send.

use std::io;

use bytes::BytesMut;
#[cfg(feature = "mccp")]
use telnet_proto::Side;
use telnet_proto::{Session, TelnetOption};

use crate::Error;

/// What one call to [`Inflater::inflate`] did.
pub(crate) struct Inflated {
    /// Input bytes used.
    pub(crate) consumed: usize,
    /// Output bytes written.
    pub(crate) produced: usize,
    /// The zlib stream ended: the input after `consumed` is plain telnet.
    pub(crate) ended: bool,
}

#[cfg(feature = "mccp")]
pub(crate) struct Inflater {
    z: flate2::Decompress,
}

#[cfg(feature = "mccp")]
impl Inflater {
    pub(crate) fn new() -> Result<Self, Error> {
        Ok(Inflater {
            z: flate2::Decompress::new(true),
        })
    }

    /// Decompresses from `input` into `out`, as far as either goes.
    pub(crate) fn inflate(&mut self, input: &[u8], out: &mut [u8]) -> Result<Inflated, Error> {
        let (in0, out0) = (self.z.total_in(), self.z.total_out());
        let status = self
            .z
            .decompress(input, out, flate2::FlushDecompress::None)
            .map_err(|e| Error::Decompress(e.to_string()))?;
        // Both deltas are bounded by the slice lengths given to flate2.
        let consumed = usize::try_from(self.z.total_in() - in0).unwrap_or(input.len());
        let produced = usize::try_from(self.z.total_out() - out0).unwrap_or(out.len());
        Ok(Inflated {
            consumed,
            produced,
            ended: status == flate2::Status::StreamEnd,
        })
    }
}

#[cfg(not(feature = "mccp"))]
pub(crate) enum Inflater {}

#[cfg(not(feature = "mccp"))]
impl Inflater {
    pub(crate) fn new() -> Result<Self, Error> {
        Err(Error::Protocol(
            "the peer started MCCP compression, but telnet-tokio was built without the `mccp` feature"
                .into(),
        ))
    }

    pub(crate) fn inflate(&mut self, _: &[u8], _: &mut [u8]) -> Result<Inflated, Error> {
        match *self {}
    }
}

/// The side on which `option` must be on for our output to be compressed
/// under it: MCCP2 is the server's (we sent `WILL MCCP2`, the peer
/// answered `DO`), MCCP3 the client's (the peer sent `WILL MCCP3`, we
/// answered `DO`).
#[cfg(feature = "mccp")]
fn output_side(option: TelnetOption) -> Option<Side> {
    match option {
        TelnetOption::MCCP2 => Some(Side::Local),
        TelnetOption::MCCP3 => Some(Side::Remote),
        _ => None,
    }
}

/// Checks that our output may be compressed under `option` now: a caller's
/// mistake is an [`io::ErrorKind::InvalidInput`] error saying which
/// condition failed.
#[cfg(feature = "mccp")]
pub(crate) fn check_start(session: &Session, option: TelnetOption) -> Result<(), Error> {
    let invalid = |msg: String| Error::Io(io::Error::new(io::ErrorKind::InvalidInput, msg));
    let Some(side) = output_side(option) else {
        return Err(invalid(format!(
            "output compression runs under MCCP2 or MCCP3, not {option}"
        )));
    };
    if session.is_enabled(side, option) {
        return Ok(());
    }
    Err(invalid(match side {
        Side::Local => format!(
            "{option} is not enabled on our side: we must have sent WILL {option} and the peer answered DO"
        ),
        Side::Remote => format!(
            "{option} is not enabled on the peer's side: the peer must have sent WILL {option} and we answered DO"
        ),
    }))
}

/// A growable byte buffer that compressed output is appended to.
#[cfg_attr(
    not(feature = "mccp"),
    allow(dead_code, reason = "only the `mccp` feature compresses")
)]
pub(crate) trait ByteBuf {
    /// The bytes in the buffer.
    fn bytes(&self) -> &[u8];
    /// Appends `n` zero bytes and returns them.
    fn grow(&mut self, n: usize) -> &mut [u8];
    /// Shortens the buffer to `len` bytes.
    fn cut(&mut self, len: usize);
}

impl ByteBuf for Vec<u8> {
    fn bytes(&self) -> &[u8] {
        self
    }
    fn grow(&mut self, n: usize) -> &mut [u8] {
        let start = self.len();
        self.resize(start + n, 0);
        &mut self[start..]
    }
    fn cut(&mut self, len: usize) {
        self.truncate(len);
    }
}

impl ByteBuf for BytesMut {
    fn bytes(&self) -> &[u8] {
        self
    }
    fn grow(&mut self, n: usize) -> &mut [u8] {
        let start = self.len();
        self.resize(start + n, 0);
        &mut self[start..]
    }
    fn cut(&mut self, len: usize) {
        self.truncate(len);
    }
}

/// The compression of our output (MCCP2 or MCCP3): one zlib stream from
/// `IAC SB option IAC SE` to its end.
#[cfg(feature = "mccp")]
pub(crate) struct Deflater {
    option: TelnetOption,
    z: flate2::Compress,
    /// The bytes being compressed, moved out of the output buffer; kept
    /// between calls (up to [`KEEP_SCRATCH`]).
    scratch: Vec<u8>,
    /// A compression failure. Nothing more goes into the stream after one:
    /// every later call fails the same way.
    failed: Option<String>,
}

/// The largest scratch buffer a [`Deflater`] keeps between calls.
#[cfg(feature = "mccp")]
const KEEP_SCRATCH: usize = 64 * 1024;

#[cfg(feature = "mccp")]
impl Deflater {
    /// A new zlib stream (RFC 1950 header, default level) under `option`.
    pub(crate) fn new(option: TelnetOption) -> Self {
        Deflater {
            option,
            z: flate2::Compress::new(flate2::Compression::default(), true),
            scratch: Vec::new(),
            failed: None,
        }
    }

    /// The option the stream runs under.
    pub(crate) fn option(&self) -> TelnetOption {
        self.option
    }

    /// Whether that option is still on, on its side.
    pub(crate) fn is_on(&self, session: &Session) -> bool {
        output_side(self.option).is_some_and(|side| session.is_enabled(side, self.option))
    }

    /// Replaces `buf[from..]` by its compressed form, sync-flushed so that
    /// the peer can decompress all of it at once. On failure `buf` is cut
    /// to `from`.
    pub(crate) fn compress_tail<B: ByteBuf + ?Sized>(
        &mut self,
        buf: &mut B,
        from: usize,
    ) -> io::Result<()> {
        if let Some(msg) = &self.failed {
            buf.cut(from);
            return Err(compress_error(msg));
        }
        let Some(raw) = buf.bytes().get(from..) else {
            return Ok(());
        };
        if raw.is_empty() {
            // A sync flush of nothing would still send an empty block.
            return Ok(());
        }
        let mut scratch = core::mem::take(&mut self.scratch);
        scratch.clear();
        scratch.extend_from_slice(raw);
        buf.cut(from);
        let result = self.run(&scratch, buf, flate2::FlushCompress::Sync);
        if scratch.capacity() <= KEEP_SCRATCH {
            self.scratch = scratch;
        }
        if result.is_err() {
            buf.cut(from);
        }
        result
    }

    /// Ends the zlib stream (`Z_FINISH`): appends its last bytes and the
    /// checksum to `buf`. Everything given to
    /// [`compress_tail`](Self::compress_tail) before is inside it.
    pub(crate) fn finish<B: ByteBuf + ?Sized>(&mut self, buf: &mut B) -> io::Result<()> {
        if let Some(msg) = &self.failed {
            return Err(compress_error(msg));
        }
        let from = buf.bytes().len();
        let result = self.run(&[], buf, flate2::FlushCompress::Finish);
        if result.is_err() {
            buf.cut(from);
        }
        result
    }

    /// Compresses all of `input` with `flush` and appends the output to
    /// `buf`, until the flush is complete: for a sync flush, once all input
    /// is taken and a call left room in its output; for the finish, once
    /// the stream ended.
    fn run<B: ByteBuf + ?Sized>(
        &mut self,
        mut input: &[u8],
        buf: &mut B,
        flush: flate2::FlushCompress,
    ) -> io::Result<()> {
        loop {
            // Room for incompressible input and the block headers, so that
            // one call is almost always enough.
            let room = input.len() + input.len() / 8 + 64;
            let start = buf.bytes().len();
            let (in0, out0) = (self.z.total_in(), self.z.total_out());
            let status = match self.z.compress(input, buf.grow(room), flush) {
                Ok(status) => status,
                Err(e) => {
                    let msg = e.to_string();
                    let err = compress_error(&msg);
                    self.failed = Some(msg);
                    return Err(err);
                }
            };
            // Both deltas are bounded by the slice lengths given to flate2.
            let consumed = usize::try_from(self.z.total_in() - in0).unwrap_or(input.len());
            let produced = usize::try_from(self.z.total_out() - out0).unwrap_or(room);
            buf.cut(start + produced.min(room));
            input = input.get(consumed..).unwrap_or_default();
            let done = match flush {
                flate2::FlushCompress::Finish => status == flate2::Status::StreamEnd,
                // `BufError` with no input left: the flush was already
                // complete, there is nothing more to write.
                _ => input.is_empty() && (produced < room || status == flate2::Status::BufError),
            };
            if done {
                return Ok(());
            }
            if consumed == 0 && produced == 0 {
                let msg = "the compressor made no progress".to_string();
                let err = compress_error(&msg);
                self.failed = Some(msg);
                return Err(err);
            }
        }
    }
}

#[cfg(feature = "mccp")]
fn compress_error(msg: &str) -> io::Error {
    io::Error::other(format!("MCCP compression failed: {msg}"))
}

/// Without the `mccp` feature output compression never starts: a
/// `Option<Box<Deflater>>` is always `None`.
#[cfg(not(feature = "mccp"))]
pub(crate) enum Deflater {}

#[cfg(not(feature = "mccp"))]
impl Deflater {
    pub(crate) fn option(&self) -> TelnetOption {
        match *self {}
    }

    pub(crate) fn is_on(&self, _: &Session) -> bool {
        match *self {}
    }

    pub(crate) fn compress_tail<B: ByteBuf + ?Sized>(
        &mut self,
        _: &mut B,
        _: usize,
    ) -> io::Result<()> {
        match *self {}
    }

    pub(crate) fn finish<B: ByteBuf + ?Sized>(&mut self, _: &mut B) -> io::Result<()> {
        match *self {}
    }
}

/// Turns the output queued in `buf[from..]` into wire bytes while our
/// output is compressed: compresses it and, if the option the stream runs
/// under went off since, ends the stream after it (so that those bytes,
/// a reply to the peer's `DONT MCCP2` included, are its last). No-op when
/// not compressing.
pub(crate) fn seal<B: ByteBuf + ?Sized>(
    deflater: &mut Option<Box<Deflater>>,
    session: &Session,
    buf: &mut B,
    from: usize,
) -> io::Result<()> {
    let Some(d) = deflater.as_deref_mut() else {
        return Ok(());
    };
    d.compress_tail(buf, from)?;
    if !d.is_on(session) {
        tracing::debug!(target: "telnet_tokio", "{} is off: output compression ends", d.option());
        d.finish(buf)?;
        *deflater = None;
    }
    Ok(())
}

/// Ends output compression, if on: compresses `buf[from..]`, then ends the
/// stream.
pub(crate) fn end<B: ByteBuf + ?Sized>(
    deflater: &mut Option<Box<Deflater>>,
    buf: &mut B,
    from: usize,
) -> io::Result<()> {
    let Some(d) = deflater.as_deref_mut() else {
        return Ok(());
    };
    d.compress_tail(buf, from)?;
    d.finish(buf)?;
    tracing::debug!(target: "telnet_tokio", "output compression under {} ends", d.option());
    *deflater = None;
    Ok(())
}
