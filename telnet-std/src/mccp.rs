//! MCCP2/MCCP3: after `IAC SB MCCP2 IAC SE` (or `MCCP3`) the bytes one side
//! sends are one zlib stream (RFC 1950); when it ends, plain Telnet
//! resumes. [`Inflater`] decompresses the peer's stream, [`Deflater`]
//! compresses ours.

use crate::Error;

/// What one [`Inflater::inflate`] call did.
pub(crate) struct Inflated {
    /// Compressed bytes used.
    pub(crate) consumed: usize,
    /// Decompressed bytes written.
    pub(crate) produced: usize,
    /// The zlib stream ended: input after `consumed` is plain Telnet.
    pub(crate) ended: bool,
}

/// A zlib decompressor for the peer's compressed stream.
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

    /// Decompresses from `input` into `out`, as far as either allows.
    pub(crate) fn inflate(&mut self, input: &[u8], out: &mut [u8]) -> Result<Inflated, Error> {
        let (in0, out0) = (self.z.total_in(), self.z.total_out());
        let status = self
            .z
            .decompress(input, out, flate2::FlushDecompress::None)
            .map_err(|e| Error::Decompression(e.to_string()))?;
        // The deltas are at most the lengths of the slices given to flate2.
        let consumed = usize::try_from(self.z.total_in() - in0).unwrap_or(input.len());
        let produced = usize::try_from(self.z.total_out() - out0).unwrap_or(out.len());
        Ok(Inflated {
            consumed,
            produced,
            ended: status == flate2::Status::StreamEnd,
        })
    }
}

/// Without the `mccp` feature, compression cannot start.
#[cfg(not(feature = "mccp"))]
pub(crate) enum Inflater {}

#[cfg(not(feature = "mccp"))]
impl Inflater {
    pub(crate) fn new() -> Result<Self, Error> {
        Err(Error::Protocol(
            "the peer started MCCP compression, but telnet-std was built without the `mccp` feature"
                .into(),
        ))
    }

    pub(crate) fn inflate(&mut self, _: &[u8], _: &mut [u8]) -> Result<Inflated, Error> {
        match *self {}
    }
}

/// A zlib compressor for our compressed stream (the `mccp` feature).
#[cfg(feature = "mccp")]
pub(crate) struct Deflater {
    z: flate2::Compress,
    /// The option the stream was started under (MCCP2 or MCCP3).
    pub(crate) option: telnet_proto::TelnetOption,
    /// The compressed bytes, swapped with the plain ones.
    scratch: Vec<u8>,
}

#[cfg(feature = "mccp")]
impl Deflater {
    pub(crate) fn new(option: telnet_proto::TelnetOption) -> Self {
        Deflater {
            z: flate2::Compress::new(flate2::Compression::default(), true),
            option,
            scratch: Vec::new(),
        }
    }

    /// Replaces the plain bytes in `buf` by their compressed form
    /// ([`deflate`](Self::deflate)), without an allocation once the
    /// buffers have grown.
    pub(crate) fn deflate_in_place(
        &mut self,
        buf: &mut Vec<u8>,
        finish: bool,
    ) -> Result<(), Error> {
        let mut wire = std::mem::take(&mut self.scratch);
        wire.clear();
        let result = self.deflate(buf, finish, &mut wire);
        std::mem::swap(buf, &mut wire);
        self.scratch = wire;
        result
    }

    /// Compresses all of `input` onto the end of `out`, then flushes the
    /// stream so that the peer can decode everything so far (`finish`:
    /// ends it instead).
    pub(crate) fn deflate(
        &mut self,
        mut input: &[u8],
        finish: bool,
        out: &mut Vec<u8>,
    ) -> Result<(), Error> {
        let flush = match finish {
            true => flate2::FlushCompress::Finish,
            false => flate2::FlushCompress::Sync,
        };
        loop {
            // Room for the input as it is (zlib's worst case is a few bytes
            // per 16 KiB more) and the flush marker.
            out.reserve(input.len() + input.len() / 1024 + 64);
            let before = self.z.total_in();
            let status = self
                .z
                .compress_vec(input, out, flush)
                .map_err(|e| Error::Io(std::io::Error::other(format!("MCCP compression: {e}"))))?;
            // At most the length of the slice given to zlib.
            let used = usize::try_from(self.z.total_in() - before).unwrap_or(input.len());
            if used == 0 && !input.is_empty() && out.len() < out.capacity() {
                // Room and input, and zlib took nothing: it never does, but
                // this loop must not spin if it did.
                return Err(Error::Io(std::io::Error::other(
                    "MCCP compression made no progress",
                )));
            }
            input = &input[used.min(input.len())..];
            // A flush is complete once zlib stops short of the room it had.
            let done = match finish {
                true => status == flate2::Status::StreamEnd,
                false => input.is_empty() && out.len() < out.capacity(),
            };
            if done {
                return Ok(());
            }
        }
    }
}
