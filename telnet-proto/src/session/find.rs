//! Short runs: finding the next byte to act on ([`find`]) and copying
//! them ([`copy_short`]).

/// The position of the first byte of `hay` that is one of `needles`.
///
/// Runs between two things to act on are short in most Telnet streams (a
/// line of text between prompts, a subnegotiation's payload), and on those
/// the call into `memchr` (which picks its implementation through a
/// function pointer, then sizes up the haystack) costs more than the
/// search. So the first 64 bytes are looked at here: with SSE2 as four
/// 16-byte lanes (the last ones overlapping the lanes before them when the
/// run is shorter), runs of 4 to 15 bytes as two overlapping words, all
/// without a branch on where the needle is (a processor cannot guess it,
/// and a wrong guess costs more than the whole search). Only the rest of a
/// longer run is left to `memchr` (without SSE2, runs of 16 bytes and
/// more), and runs under 4 bytes are looked at a byte at a time.
#[inline(always)]
pub(super) fn find<const N: usize>(hay: &[u8], needles: [u8; N]) -> Option<usize> {
    let n = hay.len();
    if n < 4 {
        return hay.iter().position(|byte| needles.contains(byte));
    }
    if n < 8 {
        // As below, with two 4-byte words in one.
        let word = |at: usize| {
            let bytes = hay.get(at..at + 4).and_then(|b| b.try_into().ok());
            u32::from_le_bytes(bytes.unwrap_or([0; 4]))
        };
        let words = u64::from(word(0)) | u64::from(word(n - 4)) << 32;
        // Byte 4 of `words` is byte `n - 4` of the run.
        let hits = word_hits(words, needles);
        let low = hits & 0xffff_ffff;
        return if low != 0 {
            Some(low.trailing_zeros() as usize / 8)
        } else {
            (hits != 0).then(|| hits.trailing_zeros() as usize / 8 + n - 8)
        };
    }
    if n < 16 {
        // Bit `8 * k + 7` of a word's hits for its byte `k`: two words,
        // the second ending with the run.
        let word = |at: usize| {
            let bytes = hay.get(at..at + 8).and_then(|b| b.try_into().ok());
            word_hits(u64::from_le_bytes(bytes.unwrap_or([0; 8])), needles)
        };
        let hits = u128::from(word(0)) | u128::from(word(n - 8)) << (8 * (n - 8));
        return (hits != 0).then(|| hits.trailing_zeros() as usize / 8);
    }
    #[cfg(all(
        any(target_arch = "x86", target_arch = "x86_64"),
        target_feature = "sse2",
        not(telnet_portable)
    ))]
    {
        // The needles in the 16 bytes from `at`, as a bit mask.
        let lane = |at: usize| match hay.get(at..at + 16).map(<&[u8; 16]>::try_from) {
            Some(Ok(lane)) => lane_hits(lane, needles),
            _ => 0,
        };
        // Four lanes, each at its place in the first 64 bytes or, past the
        // run's end, over its last 16 bytes (which give the same bits).
        let mut hits = 0;
        for k in 0..4 {
            let at = (16 * k).min(n - 16);
            hits |= lane(at) << at;
        }
        if hits != 0 {
            return Some(hits.trailing_zeros() as usize);
        }
        if n <= 64 {
            return None;
        }
        far(&hay[64..], needles).map(|at| at + 64)
    }
    #[cfg(not(all(
        any(target_arch = "x86", target_arch = "x86_64"),
        target_feature = "sse2",
        not(telnet_portable)
    )))]
    {
        far(hay, needles)
    }
}

/// [`find`] in `hay`, the end of `input`.
///
/// A `hay` of at most 64 bytes in an input of 64 bytes or more (every
/// search in a 64-byte input) is searched as the input's last 64 bytes,
/// whole, with the hits before it shifted away: the same four compares
/// whatever its length, where [`find`] would branch on the length (a guess
/// that small reads make at random).
#[inline(always)]
pub(super) fn find_in<const N: usize>(hay: &[u8], input: &[u8], needles: [u8; N]) -> Option<usize> {
    debug_assert_eq!(input.as_ptr_range().end, hay.as_ptr_range().end);
    #[cfg(all(
        any(target_arch = "x86", target_arch = "x86_64"),
        target_feature = "sse2",
        not(telnet_portable)
    ))]
    {
        if let (true, Some(first)) = (hay.len() > 64, hay.first_chunk::<64>()) {
            // A long run: its first 64 bytes, then `memchr`.
            let hits = block_hits(first, needles);
            if hits != 0 {
                return Some(hits.trailing_zeros() as usize);
            }
            return far(&hay[64..], needles).map(|at| at + 64);
        }
        if let Some(last) = input.last_chunk::<64>() {
            let skip = 64 - hay.len();
            // (An empty `hay` shifts every hit away.)
            let hits = block_hits(last, needles)
                .checked_shr(skip as u32)
                .unwrap_or(0);
            return (hits != 0).then(|| hits.trailing_zeros() as usize);
        }
    }
    find(hay, needles)
}

/// The bytes of `block` that are one of `needles`: bit `k` for byte `k`.
#[cfg(all(
    any(target_arch = "x86", target_arch = "x86_64"),
    target_feature = "sse2",
    not(telnet_portable)
))]
#[inline(always)]
fn block_hits<const N: usize>(block: &[u8; 64], needles: [u8; N]) -> u64 {
    let mut hits = 0;
    for (k, lane) in block.chunks_exact(16).enumerate() {
        if let Ok(lane) = <&[u8; 16]>::try_from(lane) {
            hits |= lane_hits(lane, needles) << (16 * k);
        }
    }
    hits
}

/// The bytes of `lane` that are one of `needles`: bit `k` for byte `k`.
#[cfg(all(
    any(target_arch = "x86", target_arch = "x86_64"),
    target_feature = "sse2",
    not(telnet_portable)
))]
#[inline(always)]
fn lane_hits<const N: usize>(lane: &[u8; 16], needles: [u8; N]) -> u64 {
    use safe_arch::{
        bitor_m128i, cmp_eq_mask_i8_m128i, load_unaligned_m128i, move_mask_i8_m128i,
        set_splat_i8_m128i, zeroed_m128i,
    };
    let lane = load_unaligned_m128i(lane);
    let mut hits = zeroed_m128i();
    for needle in needles {
        hits = bitor_m128i(
            hits,
            cmp_eq_mask_i8_m128i(lane, set_splat_i8_m128i(needle as i8)),
        );
    }
    u64::from(move_mask_i8_m128i(hits) as u16)
}

/// Copies `src` over `dst`, which is as long.
///
/// Runs cut by the end of an input (a subnegotiation's payload in small
/// reads) have lengths no processor guesses, and `memcpy` branches on the
/// length's size class: a run of 16 to 64 bytes is copied here as four
/// 16-byte moves, the last ones overlapping the ones before when it is
/// shorter, without a branch on its length.
#[inline(always)]
pub(super) fn copy_short(dst: &mut [u8], src: &[u8]) {
    let n = src.len();
    if dst.len() != n || !(16..=64).contains(&n) {
        crate::copy::copy(dst, src);
        return;
    }
    for k in 0..4 {
        let at = (16 * k).min(n - 16);
        dst[at..at + 16].copy_from_slice(&src[at..at + 16]);
    }
}

/// The bytes of `word` (little-endian) that are one of `needles`: bit
/// `8 * k + 7` set for byte `k`. Bits above the first hit may be set for
/// bytes that are no needle (a borrow runs on), never below it: the lowest
/// set bit is exact.
#[inline(always)]
fn word_hits<const N: usize>(word: u64, needles: [u8; N]) -> u64 {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGHS: u64 = ONES << 7;
    let mut hits = 0;
    for needle in needles {
        let x = word ^ (ONES * u64::from(needle));
        hits |= x.wrapping_sub(ONES) & !x & HIGHS;
    }
    hits
}

/// [`find`] by `memchr`.
#[inline(always)]
fn far<const N: usize>(hay: &[u8], needles: [u8; N]) -> Option<usize> {
    match needles[..] {
        [a] => memchr::memchr(a, hay),
        [a, b] => memchr::memchr2(a, b, hay),
        [a, b, c] => memchr::memchr3(a, b, c, hay),
        _ => hay.iter().position(|byte| needles.contains(byte)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_short_copies_every_length_and_writes_nothing_else() {
        let mut src = [0u8; 100];
        for (i, byte) in src.iter_mut().enumerate() {
            *byte = (i as u8).wrapping_mul(7) ^ 0x5a;
        }
        for n in 0..src.len() {
            let mut buf = [0xee; 132];
            copy_short(&mut buf[16..16 + n], &src[..n]);
            assert_eq!(&buf[16..16 + n], &src[..n], "len {n}");
            assert!(buf[..16].iter().all(|&b| b == 0xee), "len {n}");
            assert!(buf[16 + n..].iter().all(|&b| b == 0xee), "len {n}");
        }
    }

    #[test]
    fn find_in_finds_the_first_needle_in_every_end_of_every_input() {
        for len in [0, 1, 15, 63, 64, 65, 100, 130] {
            // Needles before the end searched, which must not be found.
            let mut base = [0u8; 130];
            for (i, byte) in base.iter_mut().enumerate() {
                *byte = if i % 7 == 3 {
                    0xff
                } else {
                    b'a' + (i % 26) as u8
                };
            }
            for start in 0..=len {
                for at in start..=len {
                    let mut input = base;
                    let input = &mut input[..len];
                    for byte in &mut input[start..] {
                        if *byte == 0xff {
                            *byte = b'.';
                        }
                    }
                    if at < len {
                        input[at] = 0xff;
                    }
                    let want = (at < len).then(|| at - start);
                    let got = find_in(&input[start..], input, [0xff, 0]);
                    assert_eq!(got, want, "input of {len}, from {start}, needle at {at}");
                    assert_eq!(find_in(&input[start..], input, [0xff]), want);
                }
            }
        }
    }

    #[test]
    fn finds_the_first_needle_at_every_length_and_place() {
        let mut hay = [b'a'; 200];
        for len in 0..hay.len() {
            assert_eq!(find(&hay[..len], [0xff]), None, "len {len}");
            assert_eq!(find(&hay[..len], [0xff, 0]), None, "len {len}");
            for at in 0..len {
                hay[at] = 0;
                assert_eq!(find(&hay[..len], [0xff, 0]), Some(at), "len {len}");
                assert_eq!(find(&hay[..len], [0xff]), None, "len {len}");
                // A second needle after the first does not move it.
                if at + 1 < len {
                    hay[len - 1] = 0xff;
                    assert_eq!(find(&hay[..len], [0xff, 0]), Some(at));
                    assert_eq!(find(&hay[..len], [0xff]), Some(len - 1));
                    hay[len - 1] = b'a';
                }
                hay[at] = b'a';
            }
        }
    }
}
