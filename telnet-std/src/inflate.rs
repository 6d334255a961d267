//! MCCP2/MCCP3 decompression: after `IAC SB MCCP2 IAC SE` the peer's bytes
//! are one zlib stream (RFC 1950); when it ends, plain Telnet resumes.

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
