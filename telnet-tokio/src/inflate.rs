//! MCCP decompression (RFC-less, but specified by the MUD community: the
//! bytes after `IAC SB MCCP2 IAC SE` are one zlib stream).

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
