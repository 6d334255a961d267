//! Long copies, in pieces the C library copies at full speed.

/// The largest piece [`copy`] hands to `memcpy` at once.
///
/// glibc's `memcpy` (2.36, Debian 12) moves 4 KiB and more with
/// `rep movsb` (8 KiB and more with AVX-512), and on AMD Zen 3 that runs at
/// 1.5 to 2.7 GB/s when the destination is not 64-byte aligned, against
/// 54 to 86 GB/s aligned or in pieces under the threshold (measured on an
/// EPYC under KVM). A `Vec`'s buffer is 16-byte aligned, and data lands at
/// any offset in it: a 16 KiB read copied in one call cost a telnet-std
/// echo server a third of its throughput there. In pieces of 2 KiB every
/// copy takes the vector loop, and elsewhere the extra calls cost a few
/// nanoseconds per 16 KiB.
pub(crate) const PIECE: usize = 2048;

/// Copies `src` over `dst`, which is as long, [`PIECE`] bytes at a time.
#[inline(always)]
pub(crate) fn copy(dst: &mut [u8], src: &[u8]) {
    if src.len() <= PIECE {
        dst.copy_from_slice(src);
    } else {
        copy_long(dst, src);
    }
}

/// [`copy`] of more than a piece: out of line, so that the short copies
/// the parser's loops make keep their shape.
#[inline(never)]
fn copy_long(dst: &mut [u8], src: &[u8]) {
    debug_assert_eq!(dst.len(), src.len());
    for (to, from) in dst.chunks_mut(PIECE).zip(src.chunks(PIECE)) {
        to.copy_from_slice(from);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_every_length_whole_across_the_pieces() {
        let src: [u8; 3 * PIECE + 7] = core::array::from_fn(|i| (i * 7 + i / 251) as u8);
        for len in [0, 1, PIECE - 1, PIECE, PIECE + 1, 2 * PIECE, 3 * PIECE + 7] {
            for at in [0, 1, 16, 63] {
                let mut dst = [0xaau8; 3 * PIECE + 7 + 64];
                let n = len.min(src.len() - at);
                copy(&mut dst[at..at + n], &src[..n]);
                assert_eq!(&dst[at..at + n], &src[..n], "len {n} at {at}");
                assert!(dst[..at].iter().all(|&b| b == 0xaa));
                assert!(dst[at + n..].iter().all(|&b| b == 0xaa));
            }
        }
    }
}
