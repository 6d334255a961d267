//! [`Feed::read`]: the drive loop that copies data and replies into the
//! caller's buffers, for applications that copy received data anyway.

use super::{Event, Feed, Newline, State, Step};
use crate::consts::{CR, IAC, NUL};
use crate::{Negotiation, TelnetOption, Verb};

/// What one call of [`Feed::read`] produced, in stream order: `data`
/// bytes of received data, with the `negotiations` at their places in it,
/// then `event`.
///
/// `event` is `None` when the call stopped because the input is used up
/// ([`Feed::is_done`]) or because there was no room for what came next
/// (in one of the two buffers, or in `negotiations`); empty them and call
/// again. (Test `is_done` in an `else` branch of
/// `if let Some(event) = read.event`, not in a match guard: the event may
/// borrow the feed.)
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Read<'i, 's> {
    /// How many bytes of received data were written at the start of the
    /// `data` buffer: unescaped, with NVT end-of-line handling done.
    pub data: usize,
    /// How many bytes of negotiation replies were written at the start of
    /// the `replies` buffer. Send them to the peer, in order, before
    /// anything you send in response to `negotiations` or `event`.
    pub replies: usize,
    /// The notable negotiations this call went through, in order (at most
    /// [`NotableNegotiation::PER_READ`]); the others were answered into
    /// `replies` and are not reported. Each one's [`at`](NotableNegotiation::at)
    /// says where it came in the data.
    pub negotiations: &'s [NotableNegotiation],
    /// The event that ended the call, if one did. Never [`Event::Data`]
    /// and never [`Event::Negotiation`]: negotiations are in
    /// `negotiations`.
    pub event: Option<Event<'i, 's>>,
}

/// A negotiation that a [`Feed::read`] call went through and that the
/// application should know about: it turned a side of an option on or off,
/// it answered a request of ours (the side's state moved), it is about
/// TIMING-MARK, or the session is in manual mode (where every negotiation
/// is the application's to answer). The fields other than `at` are those
/// of [`Event::Negotiation`], which [`Feed::poll_event`] reports for the
/// same bytes.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct NotableNegotiation {
    /// Where it came in the data of the call: after the first `at` bytes
    /// of the `data` buffer.
    pub at: usize,
    /// The negotiation the peer sent.
    pub received: Negotiation,
    /// The answer the session wrote to the `replies` buffer, if it wrote
    /// one (in manual mode never: the application answers).
    pub reply: Option<Negotiation>,
    /// `Some(true)` when it turned the option on, on the side
    /// [`Verb::received_side`] names, `Some(false)` when it turned it
    /// off, `None` when the state did not change.
    pub changed: Option<bool>,
}

impl NotableNegotiation {
    /// How many notable negotiations one [`Feed::read`] call reports at
    /// most; a call that meets one more ends before it.
    pub const PER_READ: usize = 32;

    /// The [`Event::Negotiation`] that [`Feed::poll_event`] reports for
    /// the same bytes, for code that handles both drive loops' events.
    pub fn to_event(&self) -> Event<'static, 'static> {
        Event::Negotiation {
            received: self.received,
            reply: self.reply,
            changed: self.changed,
        }
    }
}

/// The two caller buffers of a [`Feed::read`] and how much of each is used.
struct Out<'a> {
    data: &'a mut [u8],
    len: usize,
    replies: &'a mut [u8],
    replies_len: usize,
}

impl Out<'_> {
    /// Whether the data buffer is full.
    #[inline]
    fn data_full(&self) -> bool {
        self.len >= self.data.len()
    }
}

/// The three bytes of `replies` from `at`, where the next reply goes, if
/// it has them.
#[inline(always)]
fn reply_slot(replies: &mut [u8], at: usize) -> Option<&mut [u8; 3]> {
    replies.get_mut(at..)?.first_chunk_mut::<3>()
}

/// The position of the first byte of `haystack` that a run of data stops
/// at: `IAC`, and with `NVT` also `NUL`.
#[inline(always)]
fn find_stop<const NVT: bool>(haystack: &[u8]) -> Option<usize> {
    if NVT {
        super::find::find(haystack, [IAC, NUL])
    } else {
        super::find::find(haystack, [IAC])
    }
}

/// The bytes of a block of `LANES` × 16 bytes that data stops at, as a bit
/// mask (bit `k` for `block[k]`, which is `window[first + k]`): every
/// `IAC`, and with `NVT` every `NUL` that follows a CR. The byte before
/// the block (any byte but CR when there is none) is `window[first - 1]`,
/// or with `COPIED` `before` (the window may start with the block).
///
/// With SSE2 (every x86-64, and x86 built for it) this is 16-byte compares
/// and one `pmovmskb` per 16 bytes; elsewhere a byte loop
/// ([`stop_mask_portable`]). Which bytes follow a CR is found by comparing
/// the window loaded one byte further back, or, with `COPIED` (the window
/// was just copied into place, and a load across two of those stores
/// would wait for them; or the byte before is not in it), by shifting the
/// CR compare in registers.
#[inline(always)]
fn stop_mask<const NVT: bool, const COPIED: bool, const LANES: usize>(
    window: &[u8],
    first: usize,
    before: u8,
) -> u128 {
    stop_mask_iac::<NVT, COPIED, LANES>(window, first, before).0
}

/// [`stop_mask`], and whether any of the stops is an `IAC` (otherwise
/// every stop is the NUL of a `CR NUL`).
#[inline(always)]
fn stop_mask_iac<const NVT: bool, const COPIED: bool, const LANES: usize>(
    window: &[u8],
    first: usize,
    before: u8,
) -> (u128, bool) {
    #[cfg(all(
        any(target_arch = "x86", target_arch = "x86_64"),
        target_feature = "sse2",
        not(telnet_portable)
    ))]
    {
        use safe_arch::{
            bitand_m128i, bitor_m128i, byte_shl_imm_u128_m128i, byte_shr_imm_u128_m128i,
            cmp_eq_mask_i8_m128i, load_unaligned_m128i, move_mask_i8_m128i, set_i32_m128i_s,
            set_splat_i8_m128i, zeroed_m128i,
        };
        let (iac, nul, cr) = (
            set_splat_i8_m128i(-1),
            zeroed_m128i(),
            set_splat_i8_m128i(13),
        );
        let load = |at: usize| {
            let lane = window
                .get(at..at + 16)
                .and_then(|lane| lane.try_into().ok());
            load_unaligned_m128i(lane.unwrap_or(&[0; 16]))
        };
        // With `COPIED`, the CR compare of the previous 16 bytes (only its
        // last byte is used): for the first lane, the byte before the block.
        let mut crs_before = byte_shl_imm_u128_m128i::<15>(cmp_eq_mask_i8_m128i(
            set_i32_m128i_s(i32::from(before)),
            cr,
        ));
        let mut stops = 0;
        let mut iacs = zeroed_m128i();
        for k in 0..LANES {
            let bytes = load(first + 16 * k);
            let mut hits = cmp_eq_mask_i8_m128i(bytes, iac);
            iacs = bitor_m128i(iacs, hits);
            if NVT {
                let after_cr = if COPIED {
                    let crs = cmp_eq_mask_i8_m128i(bytes, cr);
                    let after_cr = bitor_m128i(
                        byte_shl_imm_u128_m128i::<1>(crs),
                        byte_shr_imm_u128_m128i::<15>(crs_before),
                    );
                    crs_before = crs;
                    after_cr
                } else {
                    cmp_eq_mask_i8_m128i(load((first + 16 * k).wrapping_sub(1)), cr)
                };
                hits = bitor_m128i(
                    hits,
                    bitand_m128i(cmp_eq_mask_i8_m128i(bytes, nul), after_cr),
                );
            }
            stops |= u128::from(move_mask_i8_m128i(hits) as u16) << (16 * k);
        }
        (stops, move_mask_i8_m128i(iacs) != 0)
    }
    #[cfg(not(all(
        any(target_arch = "x86", target_arch = "x86_64"),
        target_feature = "sse2",
        not(telnet_portable)
    )))]
    {
        let stops = stop_mask_portable::<NVT, COPIED, LANES>(window, first, before);
        let iacs = window[first..first + LANES * 16].contains(&IAC);
        (stops, iacs)
    }
}

/// [`stop_mask`] one byte at a time: the version for targets without
/// SSE2, and what the SSE2 one is tested against.
#[cfg_attr(
    all(
        any(target_arch = "x86", target_arch = "x86_64"),
        target_feature = "sse2",
        not(telnet_portable)
    ),
    allow(dead_code)
)]
#[inline]
fn stop_mask_portable<const NVT: bool, const COPIED: bool, const LANES: usize>(
    window: &[u8],
    first: usize,
    before: u8,
) -> u128 {
    let mut previous = if COPIED { before } else { window[first - 1] };
    let mut mask = 0;
    for (k, &byte) in window[first..first + LANES * 16].iter().enumerate() {
        let stop = byte == IAC || (NVT && byte == NUL && previous == CR);
        mask |= u128::from(stop) << k;
        previous = byte;
    }
    mask
}

/// The data of `src`, a whole input of 17 to 64 bytes in data, into
/// `dst`: every `IAC IAC` unescaped, and with `NVT` the NUL of every
/// `CR NUL` dropped (the byte before `src` is taken for no CR: a CR of
/// data there would have been held back). Returns the length of the data.
/// An `IAC` that ends `src` and is not the second of `IAC IAC` is no data:
/// `*cut_iac` is set (and left alone otherwise), and the caller waits for
/// the byte after it.
///
/// If `src` holds anything else (a command), or `dst` is shorter than
/// `src` (with nothing to unescape) or than 144 bytes (with something),
/// returns the stop mask of `src` instead (bit `k` for `src[k]`, as
/// [`stop_mask`] marks bytes), or 0 if it was not computed: the general
/// loop goes on from there. `dst` may have been written either way.
///
/// This is what a short read of data costs, so it is done without the
/// general loop's setup: four 16-byte lanes (the last ones overlapping the
/// ones before when `src` is shorter than 64 bytes: they give the same
/// bits and store the same bytes), "after a CR" from the lane loaded one
/// byte earlier (from the input, which is not being written) but for the
/// first lane, whose compare is shifted in a register. Data without stops
/// is stored from the lanes; otherwise a copy of the input with room after
/// it lets each stop close its gap by copying 64 bytes, as
/// [`Feed::drain`] does.
#[inline(always)]
fn unescape_short<const NVT: bool>(
    src: &[u8],
    dst: &mut [u8],
    cut_iac: &mut bool,
) -> Result<usize, u64> {
    #[cfg(all(
        any(target_arch = "x86", target_arch = "x86_64"),
        target_feature = "sse2",
        not(telnet_portable)
    ))]
    {
        use safe_arch::{
            bitand_m128i, bitor_m128i, byte_shl_imm_u128_m128i, cmp_eq_mask_i8_m128i,
            load_unaligned_m128i, m128i, move_mask_i8_m128i, set_splat_i8_m128i,
            store_unaligned_m128i, zeroed_m128i,
        };
        let n = src.len();
        let (Some(head), Some(tail), Some(Ok(before_tail))) = (
            src.first_chunk::<16>(),
            src.last_chunk::<16>(),
            src.get(n.wrapping_sub(17)..n.wrapping_sub(1))
                .map(<&[u8; 16]>::try_from),
        ) else {
            return Err(0);
        };
        // The lanes from 16 and 32 with the bytes before each, or the last
        // lane again where the input is too short for them.
        let lane = |at: usize| match (
            src.get(at..at + 16).map(<&[u8; 16]>::try_from),
            src.get(at - 1..at + 15).map(<&[u8; 16]>::try_from),
        ) {
            (Some(Ok(lane)), Some(Ok(before))) => (at, lane, before),
            _ => (n - 16, tail, before_tail),
        };
        let (iac, nul, cr) = (
            set_splat_i8_m128i(-1),
            zeroed_m128i(),
            set_splat_i8_m128i(13),
        );
        let ((at1, second, before_second), (at2, third, before_third)) = (lane(16), lane(32));
        let lanes = [head, second, third, tail].map(load_unaligned_m128i);
        // Each lane's `IAC`s, for its stops and for the look below.
        let iacs = lanes.map(|lane| cmp_eq_mask_i8_m128i(lane, iac));
        // The stops of lane `k`, whose bytes after a CR are `after_cr`.
        let stops = |k: usize, after_cr: m128i| {
            let hits = if NVT {
                bitor_m128i(
                    iacs[k],
                    bitand_m128i(cmp_eq_mask_i8_m128i(lanes[k], nul), after_cr),
                )
            } else {
                iacs[k]
            };
            u64::from(move_mask_i8_m128i(hits) as u16)
        };
        let mut mask = stops(
            0,
            byte_shl_imm_u128_m128i::<1>(cmp_eq_mask_i8_m128i(lanes[0], cr)),
        ) | stops(
            1,
            cmp_eq_mask_i8_m128i(load_unaligned_m128i(before_second), cr),
        ) << at1
            | stops(
                2,
                cmp_eq_mask_i8_m128i(load_unaligned_m128i(before_third), cr),
            ) << at2
            | stops(
                3,
                cmp_eq_mask_i8_m128i(load_unaligned_m128i(before_tail), cr),
            ) << (n - 16);
        let places = [
            (0, lanes[0]),
            (at1, lanes[1]),
            (at2, lanes[2]),
            (n - 16, lanes[3]),
        ];
        if mask == 0 {
            let Some(dst) = dst.get_mut(..n) else {
                return Err(0);
            };
            for (at, lane) in places {
                if let Some(Ok(to)) = dst.get_mut(at..at + 16).map(<&mut [u8; 16]>::try_from) {
                    store_unaligned_m128i(to, lane);
                }
            }
            return Ok(n);
        }
        let Some(Ok(dst)) = dst.get_mut(..144).map(<&mut [u8; 144]>::try_from) else {
            return Err(mask);
        };
        // The input with room after it, for the copies below (which start
        // at most 2 bytes past it).
        let mut window = [0u8; 64 + 2 + 64];
        for (at, lane) in places {
            if let Some(Ok(to)) = window.get_mut(at..at + 16).map(<&mut [u8; 16]>::try_from) {
                store_unaligned_m128i(to, lane);
            }
        }
        // (The first stop tells a run of text from escaped binary data,
        // which needs no look for `IAC`.)
        if NVT && window[mask.trailing_zeros() as usize & 63] == NUL {
            let any = bitor_m128i(bitor_m128i(iacs[0], iacs[1]), bitor_m128i(iacs[2], iacs[3]));
            if move_mask_i8_m128i(any) == 0 {
                // Only `CR NUL`s: the window's four lanes (zeros past the
                // input, which has no drops there) lane by lane.
                return Ok(drop_nuls::<4, 130, 144>(&window, 0, u128::from(mask), dst) - (64 - n));
            }
        }
        for (at, lane) in places {
            if let Some(Ok(to)) = dst.get_mut(at..at + 16).map(<&mut [u8; 16]>::try_from) {
                store_unaligned_m128i(to, lane);
            }
        }
        // Output and input positions: the data before `o` is done, and
        // `dst[o..]` holds `src[seg..]`.
        let (mut o, mut seg) = (0, 0);
        let all = mask;
        while mask != 0 {
            let k = mask.trailing_zeros() as usize & 63;
            // Never more than `k`: no byte becomes more than one of data.
            // (The masks let the compiler see the copies are in bounds.)
            o = (o + k - seg) & 63;
            if window[k] == IAC {
                if k + 1 >= n {
                    // The first byte of a sequence the input cuts: what
                    // it is, the next input tells. Every stop before it
                    // is done, and so is the data.
                    *cut_iac = true;
                    return Ok(o);
                }
                if window[k + 1] != IAC {
                    // A command.
                    return Err(all);
                }
                // IAC IAC: the first one is data.
                o += 1;
                seg = k + 2;
                mask &= mask.wrapping_sub(1);
            } else {
                // CR NUL: the NUL is dropped.
                seg = k + 1;
            }
            mask &= mask.wrapping_sub(1);
            copy64(&mut dst[o..], &window[seg.min(66)..]);
        }
        Ok(o + (n - seg))
    }
    #[cfg(not(all(
        any(target_arch = "x86", target_arch = "x86_64"),
        target_feature = "sse2",
        not(telnet_portable)
    )))]
    {
        let _ = (src, dst, cut_iac);
        Err(0)
    }
}

/// The bytes [`Feed::fast`] reads around a 64-byte block: the byte before
/// it, the block, and 66 more, since a sequence may end two bytes past the
/// block and the rest of the block is then copied as 64 bytes from there.
const WINDOW: usize = 1 + 64 + 66;

/// The last 64 bytes of an input, the byte before them, and room after
/// them for the [`WINDOW`] of any block in them.
const STAGE: usize = 64 + WINDOW;

/// [`WINDOW`] for a 128-byte block, whose rest is copied as 128 bytes.
const WIDE_WINDOW: usize = 1 + 128 + 2 + 128;

/// The data of a block of `LANES` × 16 bytes, `window[first..]`, whose
/// stops (`drops`, not 0) are all the NUL of a `CR NUL` of data, into
/// `out` (16 bytes more than a power of two past the block's size) with
/// those NULs dropped; returns its length. `out` is written past that
/// length.
///
/// Lane by lane (16 bytes), without a branch on where the drops are: each
/// lane is stored whole where its data starts, then again from the byte
/// after each of its first two drops, moved back over the dropped bytes
/// before it. A missing drop is taken at the lane's end, where its store
/// is overwritten by the next lane's. A third drop in a lane (an empty
/// line between two others) takes a loop.
#[inline(always)]
fn drop_nuls<const LANES: usize, const W: usize, const O: usize>(
    window: &[u8; W],
    first: usize,
    drops: u128,
    out: &mut [u8; O],
) -> usize {
    debug_assert!(drops != 0 && (LANES == 4 || LANES == 8));
    debug_assert!(first + 16 * LANES + 17 <= W && 16 * LANES + 16 < O - 16);
    debug_assert!((O - 16).is_power_of_two());
    // Written out lane by lane: the shifts are then constants.
    let (low, high) = (drops as u64, (drops >> 64) as u64);
    let mut o = drop_lane(window, out, 0, first, low as u32 & 0xffff);
    o = drop_lane(window, out, o, first + 16, (low >> 16) as u32 & 0xffff);
    o = drop_lane(window, out, o, first + 32, (low >> 32) as u32 & 0xffff);
    o = drop_lane(window, out, o, first + 48, (low >> 48) as u32);
    if LANES == 8 {
        o = drop_lane(window, out, o, first + 64, high as u32 & 0xffff);
        o = drop_lane(window, out, o, first + 80, (high >> 16) as u32 & 0xffff);
        o = drop_lane(window, out, o, first + 96, (high >> 32) as u32 & 0xffff);
        o = drop_lane(window, out, o, first + 112, (high >> 48) as u32);
    }
    o
}

/// One lane of [`drop_nuls`], from `window[at]`, whose data starts at
/// `out[o]` (never past the lane's start in the block) and whose drops are
/// `mask`: returns where the next lane's data starts.
#[inline(always)]
fn drop_lane<const W: usize, const O: usize>(
    window: &[u8; W],
    out: &mut [u8; O],
    o: usize,
    at: usize,
    mut mask: u32,
) -> usize {
    copy16(out, o, window, at);
    let first = (mask | 1 << 16).trailing_zeros() as usize & 31;
    copy16(out, o + first, window, at + first + 1);
    let mut gone = usize::from(first < 16);
    mask &= mask.wrapping_sub(1);
    let second = (mask | 1 << 16).trailing_zeros() as usize & 31;
    copy16(out, o + second - gone, window, at + second + 1);
    gone += usize::from(second < 16);
    mask &= mask.wrapping_sub(1);
    while mask != 0 {
        let next = mask.trailing_zeros() as usize & 15;
        copy16(out, o + next - gone, window, at + next + 1);
        gone += 1;
        mask &= mask - 1;
    }
    (o + 16 - gone) & 127
}

/// `window[from..from + 16]` over `out[to..to + 16]`. `to` is under
/// `O - 16`, a power of two: the mask lets the compiler see it.
#[inline(always)]
fn copy16<const W: usize, const O: usize>(
    out: &mut [u8; O],
    to: usize,
    window: &[u8; W],
    from: usize,
) {
    out[to & (O - 17)..][..16].copy_from_slice(&window[from..][..16]);
}

/// A block's stop mask ([`stop_mask`]): `u64` for 64-byte blocks, `u128`
/// for 128-byte ones.
trait Stops: Copy + Eq {
    /// No stop.
    const NONE: Self;
    /// How many bytes a block has.
    const BITS: usize;
    /// The first stop (the mask is not empty).
    fn first(self) -> usize;
    /// The mask without its first stop.
    fn without_first(self) -> Self;
    /// The mask without the stops before `at` (`at` may pass the block).
    fn since(self, at: usize) -> Self;
}

/// [`Stops`] for the unsigned integers: the masks' arithmetic is the same.
macro_rules! stops {
    ($($mask:ty),*) => {$(
        impl Stops for $mask {
            const NONE: $mask = 0;
            const BITS: usize = <$mask>::BITS as usize;
            #[inline(always)]
            fn first(self) -> usize {
                // The mask keeps the index in the block for the compiler.
                self.trailing_zeros() as usize & (<Self as Stops>::BITS - 1)
            }
            #[inline(always)]
            fn without_first(self) -> Self {
                self & self.wrapping_sub(1)
            }
            #[inline(always)]
            fn since(self, at: usize) -> Self {
                self & <$mask>::MAX.checked_shl(at as u32).unwrap_or(0)
            }
        }
    )*};
}

stops!(u64, u128);

/// Where [`Feed::fast`] is: the output positions in the two buffers, and
/// where in the input the current run of data began (a NUL there does not
/// follow a CR of data).
struct Cursor {
    o: usize,
    r: usize,
    /// Moves at every negotiation, and only there.
    data_from: usize,
}

/// Copies the first 64 bytes of `src` over the first 64 of `dst` (both
/// have them where it is called).
#[inline(always)]
fn copy64(dst: &mut [u8], src: &[u8]) {
    if let (Some(dst), Some(src)) = (dst.get_mut(..64), src.get(..64)) {
        dst.copy_from_slice(src);
    }
}

/// How [`Feed::fast`] ended.
enum Fast {
    /// The reply buffer, or the call's record of notable negotiations,
    /// has no room for the next negotiation.
    Full,
    /// Whatever comes next is for the general loop: the end of the input
    /// or of the data buffer is near, or a command other than a
    /// negotiation comes.
    Slow,
}

impl<'i, const SB_CAP: usize> Feed<'_, 'i, SB_CAP> {
    /// Parses input up to the next event the application must see,
    /// copying received data into `data` and negotiation replies into
    /// `replies`, and noting the negotiations the application should know
    /// about in [`Read::negotiations`].
    ///
    /// This is the drive loop of applications that copy received data
    /// anyway (into a line buffer, a terminal, a socket): escaped `IAC IAC`
    /// and `CR NUL` no longer cut the data into pieces, and negotiations
    /// do not end a call. It delivers the same data, and sends the same
    /// replies, as [`poll_event`](Feed::poll_event) does, and the two may
    /// be mixed on one feed.
    ///
    /// A negotiation is answered into `replies` (in automatic mode) and,
    /// when it is notable, noted with where it came in the data: it
    /// turned a side of an option on or off, it answered a request of
    /// ours (the side's state moved), it is about TIMING-MARK, or the
    /// session is in manual mode (where every negotiation is the
    /// application's to answer). A negotiation that only needs its answer
    /// sent (a refusal, a repeat of the state in force) is not noted. Up
    /// to [`NotableNegotiation::PER_READ`] are noted per call; a call
    /// that meets one more ends before it, with no event. Every other
    /// event ends a call as it comes.
    ///
    /// The negotiations are applied as they come: data after one that
    /// turned BINARY on or off is parsed under the new mode in the same
    /// call. In manual mode, the application's answers come after the
    /// call, so data that follows a negotiation in one input is parsed
    /// before the application could act on it.
    ///
    /// With room for `input.len() + 1` bytes in `data` and
    /// `input.len() + 2` in `replies`, one call never stops for lack of
    /// room (a held CR adds a byte of data; a negotiation cut between two
    /// inputs, 3 bytes of reply for its last byte). With less, the call
    /// stops where the next byte of data or the next reply would not fit,
    /// and the next call goes on from there.
    ///
    /// The input is worked through 64 bytes at a time (on x86 with SSE2
    /// compares) while `data` has 128 bytes of room, and 128 bytes at a
    /// time while it has 272 and 259 bytes of input are left: give it
    /// `input.len() + 256` bytes for full speed (the data is never longer
    /// than the input it came from, plus a held CR).
    ///
    /// ```
    /// use telnet_proto::{Config, Negotiation, Policy, Session, Side, TelnetOption, Verb};
    ///
    /// let policy = Policy::new().with_remote(TelnetOption::ECHO);
    /// let mut session: Session = Session::new(Config::new().policy(policy));
    /// // Data with an escaped 0xFF and a CR NUL, DO NAWS (refused), then
    /// // WILL ECHO (accepted), and more data.
    /// let input = b"a\xff\xffb\r\0c\xff\xfd\x1fd\xff\xfb\x01e";
    /// let (mut data, mut replies) = ([0u8; 64], [0u8; 64]);
    /// let (mut text, mut to_peer, mut noted) = (Vec::new(), Vec::new(), Vec::new());
    ///
    /// let mut feed = session.feed(input);
    /// loop {
    ///     let read = feed.read(&mut data, &mut replies);
    ///     for notable in read.negotiations {
    ///         // Where it came in the whole text, and what it did.
    ///         noted.push((text.len() + notable.at, notable.received, notable.changed));
    ///     }
    ///     text.extend_from_slice(&data[..read.data]);
    ///     to_peer.extend_from_slice(&replies[..read.replies]);
    ///     if let Some(event) = read.event {
    ///         panic!("unexpected {event:?}");
    ///     } else if feed.is_done() {
    ///         break;
    ///     } // else a buffer was full; it has been emptied: go on
    /// }
    /// assert_eq!(text, b"a\xffb\rcde");
    /// assert_eq!(to_peer, b"\xff\xfc\x1f\xff\xfd\x01"); // WONT NAWS, DO ECHO
    /// // WILL ECHO came after "a\xffb\rcd" and turned ECHO on.
    /// let will_echo = Negotiation::new(Verb::Will, TelnetOption::ECHO);
    /// assert_eq!(noted, [(6, will_echo, Some(true))]);
    /// assert!(session.is_enabled(Side::Remote, TelnetOption::ECHO));
    /// ```
    pub fn read(&mut self, data: &mut [u8], replies: &mut [u8]) -> Read<'i, '_> {
        match self.read_short(data) {
            Ok(len) => Read {
                data: len,
                replies: 0,
                negotiations: &[],
                event: None,
            },
            // Manual mode, where every negotiation is the application's to
            // answer, has a copy of the loops of its own: tested once a
            // call, not at every negotiation (where the test cost a stream
            // of negotiations 5 % of its time).
            Err(stops) if self.session.manual => self.read_general::<true>(data, replies, stops),
            Err(stops) => self.read_general::<false>(data, replies, stops),
        }
    }

    /// [`read`](Self::read) where [`read_short`](Self::read_short) did not
    /// do it all: `stops` is the stop mask of the rest of the input if
    /// `read_short` computed it, or 0.
    ///
    /// Not inlined: a short read of data returns without the setup this
    /// needs.
    #[inline(never)]
    fn read_general<const MANUAL: bool>(
        &mut self,
        data: &mut [u8],
        replies: &mut [u8],
        stops: u64,
    ) -> Read<'i, '_> {
        let mut out = Out {
            data,
            len: 0,
            replies,
            replies_len: 0,
        };
        self.noted.clear();
        let step = self.read_step::<MANUAL>(&mut out, stops);
        let this = &*self;
        let event = match step {
            None => None,
            Some(Step::Event(event)) => Some(event),
            Some(Step::Buffered(option)) => Some(Event::Subnegotiation {
                option,
                payload: this.session.sb_payload(),
            }),
        };
        Read {
            data: out.len,
            replies: out.replies_len,
            negotiations: &this.noted,
            event,
        }
    }

    /// A rest of input of 17 to 64 bytes in data that holds nothing but
    /// data, `IAC IAC` and (with NVT end-of-line handling) `CR NUL`,
    /// unescaped into `data` ([`unescape_short`]): the length of the data,
    /// a CR at its end held back, and so is an `IAC` that ends it and
    /// begins a sequence (the state is then that of an `IAC` received). A
    /// rest that first finishes a sequence the previous input cut is
    /// [`read_short_owed`](Self::read_short_owed)'s. Otherwise, having
    /// changed nothing, the rest's stop mask if it was computed, or 0.
    #[inline(always)]
    fn read_short(&mut self, data: &mut [u8]) -> Result<usize, u64> {
        let s = &*self.session;
        let rest = self.input.get(self.pos..).unwrap_or_default();
        let n = rest.len();
        if !matches!(s.state, State::Data)
            || s.newline == Newline::Translate
            || !(17..=64).contains(&n)
        {
            if matches!(s.state, State::CrHeld | State::Iac) && s.newline != Newline::Translate {
                return self.read_short_owed(data);
            }
            return Err(0);
        }
        let nvt = s.nvt_receive();
        let mut cut_iac = false;
        let len = if nvt {
            unescape_short::<true>(rest, data, &mut cut_iac)?
        } else {
            unescape_short::<false>(rest, data, &mut cut_iac)?
        };
        self.pos += n;
        if nvt && rest[n - 1] == CR {
            self.session.state = State::CrHeld;
            return Ok(len - 1);
        }
        if cut_iac {
            self.session.state = State::Iac;
        }
        Ok(len)
    }

    /// [`read_short`](Self::read_short) where the rest first finishes a
    /// sequence the previous input cut, owing a byte of data: a held CR
    /// (and the NUL of its `CR NUL`), or an `IAC IAC` cut after its first
    /// byte. Otherwise, having changed nothing, 0.
    ///
    /// Not inlined, and reached only where `read_short` gives up: reads
    /// in data pay nothing for it (tested first, the state cost plain
    /// 64-byte reads a fifth of their speed). Its tail repeats
    /// `read_short`'s on purpose: a helper shared by the two, inlined into
    /// both, cost plain 64-byte reads 39 % more instructions and a quarter
    /// of their speed.
    #[inline(never)]
    fn read_short_owed(&mut self, data: &mut [u8]) -> Result<usize, u64> {
        let s = &*self.session;
        let rest = self.input.get(self.pos..).unwrap_or_default();
        let nvt = s.nvt_receive();
        let (owed, took) = match (s.state, rest.first()) {
            (State::CrHeld, Some(&first)) => (CR, usize::from(nvt && first == NUL)),
            (State::Iac, Some(&IAC)) => (IAC, 1),
            _ => return Err(0),
        };
        let body = rest.get(took..).unwrap_or_default();
        let n = body.len();
        let (Some((first, out)), true) = (data.split_first_mut(), (17..=64).contains(&n)) else {
            return Err(0);
        };
        // The mask is not handed on: it is the body's, not the rest's.
        let mut cut_iac = false;
        let len = if nvt {
            unescape_short::<true>(body, out, &mut cut_iac).map_err(|_| 0u64)?
        } else {
            unescape_short::<false>(body, out, &mut cut_iac).map_err(|_| 0u64)?
        };
        *first = owed;
        self.pos += took + n;
        if nvt && body[n - 1] == CR {
            self.session.state = State::CrHeld;
            return Ok(len);
        }
        self.session.state = if cut_iac { State::Iac } else { State::Data };
        Ok(len + 1)
    }

    /// Whether the whole input has been parsed (or parsing stopped for
    /// good at [`Event::CompressionStart`]).
    pub fn is_done(&self) -> bool {
        self.pos >= self.input.len()
    }

    /// Runs the state machine to the next event that ends a
    /// [`read`](Self::read), or to the end of the input or of a buffer.
    /// `stops` is the stop mask of the rest of the input, or 0 (see
    /// [`read_general`](Self::read_general)).
    #[inline]
    fn read_step<const MANUAL: bool>(
        &mut self,
        out: &mut Out<'_>,
        mut stops: u64,
    ) -> Option<Step<'i>> {
        let input = self.input;
        loop {
            if matches!(self.session.state, State::Data)
                && self.session.newline != Newline::Translate
            {
                let fast = if self.session.nvt_receive() {
                    self.fast::<true, MANUAL>(out, stops)
                } else {
                    self.fast::<false, MANUAL>(out, stops)
                };
                stops = 0;
                match fast {
                    Fast::Full => return None,
                    Fast::Slow => {}
                }
            }
            let rest = input.get(self.pos..)?;
            let &first = rest.first()?;
            match self.session.state {
                State::Data if first != IAC => {
                    if !self.read_data(rest, out) {
                        return None;
                    }
                }
                State::Data => match rest.get(1).copied().map(Verb::from_byte) {
                    // `IAC <verb> <option>`, whole in this input.
                    Some(Some(verb)) if rest.len() >= 3 => {
                        // No room for the reply or its record: the call
                        // ends here.
                        let slot = reply_slot(out.replies, out.replies_len)?;
                        if self.noted.is_full() {
                            return None;
                        }
                        self.pos += 3;
                        self.read_negotiation::<MANUAL>(
                            verb,
                            rest[2],
                            slot,
                            &mut out.replies_len,
                            out.len,
                        );
                    }
                    _ if rest.get(1) == Some(&IAC) => {
                        if out.data_full() {
                            return None;
                        }
                        out.data[out.len] = IAC;
                        out.len += 1;
                        self.pos += 2;
                    }
                    // Never data (`IAC IAC` is above) nor a negotiation
                    // (a whole one is above, a cut one only moves the state).
                    _ => {
                        if let Some(step) = self.command(rest) {
                            return Some(step);
                        }
                    }
                },
                State::Verb(verb) => {
                    // No room for the reply or its record: the call ends
                    // here.
                    let slot = reply_slot(out.replies, out.replies_len)?;
                    if self.noted.is_full() {
                        return None;
                    }
                    self.pos += 1;
                    self.session.state = State::Data;
                    self.read_negotiation::<MANUAL>(
                        verb,
                        first,
                        slot,
                        &mut out.replies_len,
                        out.len,
                    );
                }
                // The states that may deliver a byte of data.
                State::CrHeld | State::Iac if out.data_full() => return None,
                _ => match self.other_state(rest, first) {
                    None => {}
                    Some(Step::Event(Event::Data(bytes))) => {
                        // One byte (a held CR, or IAC IAC cut between two
                        // inputs), and the buffer has room for it.
                        crate::copy::copy(&mut out.data[out.len..out.len + bytes.len()], bytes);
                        out.len += bytes.len();
                    }
                    Some(step) => return Some(step),
                },
            }
        }
    }

    /// The bulk of a [`read`](Self::read) in data, outside
    /// [`Newline::Translate`]: runs of data, escapes, `CR NUL` (with
    /// `NVT`) and negotiations, 64 input bytes at a time.
    ///
    /// Each block (64 bytes, or 128 in a long run without negotiations)
    /// is copied whole to the output and its bytes to act on found at once
    /// ([`stop_mask`]); [`drain`](Self::drain) then acts on them. So the
    /// work depends on how many such bytes a block holds, not on where
    /// they fall: no branch mispredicts on the distance between escapes,
    /// and one on how many there are. Anything else (another command, a
    /// sequence cut by the end of the input, less than 128 bytes of room
    /// for data) is left to the general loop.
    ///
    /// `first`, if not 0, is the stop mask of the rest of the input, which
    /// is short (see [`read_general`](Self::read_general)).
    #[inline]
    fn fast<const NVT: bool, const MANUAL: bool>(
        &mut self,
        out: &mut Out<'_>,
        mut first: u64,
    ) -> Fast {
        let input = self.input;
        let rest = input.get(self.pos..).unwrap_or_default();
        let n = rest.len();
        let dst = &mut *out.data;
        // The last bytes of the input, with slack after them, so that "the
        // rest of the block" can always be copied as 64 bytes; set up only
        // for the blocks that need it.
        let mut scratch: [u8; WINDOW];
        // The byte before the last 64 bytes of the input, those bytes and
        // slack after them, for a block in them (`stage[64 - k..]` is its
        // window when `k` bytes are left).
        let mut stage: [u8; STAGE];
        let mut c = Cursor {
            o: out.len,
            r: out.replies_len,
            data_from: 0,
        };
        // Where the block starts, in `rest`.
        let mut i = 0;
        // Whether to try 128-byte blocks ([`wide`](Self::wide)): after a
        // 64-byte block without a negotiation.
        let mut wide = false;
        // Where parsing stopped, in `rest`.
        let (end, stop) = 'blocks: loop {
            if i >= n || dst.len() - c.o < 128 {
                break (i.min(n), Fast::Slow);
            }
            if wide {
                wide = false;
                let (after, wide) = self.wide::<NVT, MANUAL>(i, c, dst, out.replies);
                c = after;
                match wide {
                    Ok(next) if next == i => {}
                    Ok(next) => {
                        i = next;
                        continue;
                    }
                    Err(stop) => break stop,
                }
            }
            // Input bytes from the block's start.
            let avail = n - i;
            // `window[1 + k]` is `rest[i + k]`, `window[0]` the byte before
            // (a CR there that is no data is seen to in `drain`). Tested
            // first on what is left, which a run of reads of one size
            // makes predictable: whether a short read's block is its
            // input's first then costs no guess.
            let full = match avail >= WINDOW - 1 {
                true => (self.pos + i)
                    .checked_sub(1)
                    .and_then(|from| input.get(from..from + WINDOW))
                    .and_then(|window| <&[u8; WINDOW]>::try_from(window).ok()),
                false => None,
            };
            let (window, stops) = 'window: {
                if let Some(window) = full {
                    break 'window (window, stop_mask::<NVT, false, 4>(window, 1, 0));
                }
                // The end of the input is near (or its start).
                let known = core::mem::take(&mut first);
                // At most a block left, of an input of 64 bytes or more
                // (every block of a 64-byte input): the input's last 64
                // bytes, with the byte before them, are copied whole to
                // the stage (a copy of known length, where `memcpy` would
                // branch on the length) and their mask shifted to where
                // the block starts, the same steps wherever that is.
                if let (true, Some(last)) = (avail <= 64, input.last_chunk::<64>()) {
                    let skip = 64 - avail;
                    stage = [0; STAGE];
                    stage[0] = input
                        .len()
                        .checked_sub(65)
                        .map_or(0, |before| input[before]);
                    stage[1..65].copy_from_slice(last);
                    if let Some(window) = stage[skip..].first_chunk::<WINDOW>() {
                        let stops = match known {
                            0 => stop_mask::<NVT, true, 4>(last, 0, stage[0]) >> skip,
                            known => u128::from(known),
                        };
                        break 'window (window, stops);
                    }
                }
                let before = (self.pos + i)
                    .checked_sub(1)
                    .map_or(0, |before| input[before]);
                // A whole block (more than a block left, less than a
                // window: no mask is known for it, which only a rest of at
                // most 64 bytes has): without a stop, it needs nothing
                // after it, so no scratch window either.
                let whole = rest
                    .get(i..i + 64)
                    .map(|block| (block, stop_mask::<NVT, true, 4>(block, 0, before)));
                if let Some((block, 0)) = whole {
                    copy64(&mut dst[c.o..], block);
                    c.o += 64;
                    i += 64;
                    wide = true;
                    continue 'blocks;
                }
                // Only bytes before `avail` are ever acted on.
                scratch = [0; WINDOW];
                scratch[0] = before;
                let stops = match whole {
                    // A whole block: a copy of known length (no call to
                    // `memcpy`), then the bytes after it, if any.
                    Some((block, stops)) => {
                        scratch[1..65].copy_from_slice(block);
                        let after = &rest[i + 64..n.min(i + WINDOW - 1)];
                        if !after.is_empty() {
                            scratch[65..65 + after.len()].copy_from_slice(after);
                        }
                        stops
                    }
                    None => {
                        let last = &rest[i..n.min(i + WINDOW - 1)];
                        scratch[1..1 + last.len()].copy_from_slice(last);
                        match known {
                            0 => stop_mask::<NVT, true, 4>(&scratch, 1, before),
                            known => u128::from(known),
                        }
                    }
                };
                (&scratch, stops)
            };
            let len = avail.min(64);
            let stops = stops as u64 & (u64::MAX >> (64 - len));
            copy64(&mut dst[c.o..], &window[1..]);
            let from = c.data_from;
            match self.drain::<NVT, MANUAL, u64>(
                window,
                stops,
                len,
                avail,
                i,
                &mut c,
                dst,
                out.replies,
            ) {
                Ok(next) => {
                    i = next;
                    // No negotiation in the block.
                    wide = c.data_from == from;
                }
                Err(stop) => break stop,
            }
        };
        let Cursor {
            mut o,
            r,
            data_from,
            ..
        } = c;
        // A CR of data just before where parsing stopped may meet its NUL
        // later (or is delivered before a command all the same).
        if NVT && end > data_from && rest[end - 1] == CR && matches!(stop, Fast::Slow) {
            o -= 1;
            self.session.state = State::CrHeld;
        }
        self.pos += end;
        out.len = o;
        out.replies_len = r;
        stop
    }

    /// [`fast`](Self::fast) 128 bytes at a time from `rest[i]`, while 259
    /// bytes of input (from the byte before the block) and 272 of room are
    /// left and no block holds a negotiation: one loop exit (a mispredicted
    /// branch) per 128 bytes, not 64. Returns where it stopped (`i` if it
    /// could not start), or where parsing stopped and why, with the cursor
    /// moved. A block without stops is copied; one whose only stops are
    /// `CR NUL`s (NVT text) goes to [`drop_nuls`], which has no branch per
    /// stop; the rest to [`drain`](Self::drain).
    ///
    /// Not inlined, and the cursor passed by value: the 64-byte path,
    /// which every short input takes, keeps its registers.
    #[inline(never)]
    fn wide<const NVT: bool, const MANUAL: bool>(
        &mut self,
        mut i: usize,
        mut c: Cursor,
        dst: &mut [u8],
        replies: &mut [u8],
    ) -> (Cursor, Result<usize, (usize, Fast)>) {
        let input = self.input;
        let result = loop {
            let at = self.pos + i;
            let (Some(Ok(window)), true) = (
                at.checked_sub(1)
                    .and_then(|from| input.get(from..from + WIDE_WINDOW))
                    .map(<&[u8; WIDE_WINDOW]>::try_from),
                dst.len() - c.o >= 272,
            ) else {
                break Ok(i);
            };
            let (stops, iacs) = stop_mask_iac::<NVT, false, 8>(window, 1, 0);
            let (Some(Ok(out)), Some(block)) = (
                dst.get_mut(c.o..c.o + 272).map(<&mut [u8; 272]>::try_from),
                window.get(1..129),
            ) else {
                break Ok(i);
            };
            // The block is copied in two of the three branches below, not
            // once before them: hoisted, the copy cost plain and binary
            // 2-4 % more instructions (callgrind).
            if stops == 0 {
                out[..128].copy_from_slice(block);
                c.o += 128;
                i += 128;
                continue;
            }
            if NVT && !iacs {
                // A run of data with `CR NUL` in it (none where a
                // negotiation's option byte is the CR: there is none
                // since a block before this one).
                debug_assert!(c.data_from < i);
                c.o += drop_nuls::<8, WIDE_WINDOW, 272>(window, 1, stops, out);
                i += 128;
                continue;
            }
            out[..128].copy_from_slice(block);
            let (avail, from) = (input.len() - at, c.data_from);
            match self
                .drain::<NVT, MANUAL, u128>(window, stops, 128, avail, i, &mut c, dst, replies)
            {
                Ok(next) => i = next,
                Err(stop) => break Err(stop),
            }
            if c.data_from != from {
                // A negotiation in the block.
                break Ok(i);
            }
        };
        (c, result)
    }

    /// Acts on the stops of one block (of `S::BITS` bytes, `len` of them
    /// input, `avail` input bytes from its start at `rest[i]`) that has
    /// been copied whole to `dst[c.o..]`: accounts for the data between
    /// stops, drops the bytes escapes and negotiations remove, copying the
    /// rest of the block again over the gap each time, and answers
    /// negotiations. Returns where the next block starts, or where parsing
    /// stopped and why.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn drain<const NVT: bool, const MANUAL: bool, S: Stops>(
        &mut self,
        window: &[u8],
        mut stops: S,
        len: usize,
        avail: usize,
        i: usize,
        c: &mut Cursor,
        dst: &mut [u8],
        replies: &mut [u8],
    ) -> Result<usize, (usize, Fast)> {
        // `dst[c.o..]` holds `rest[i + seg..i + len]`; data before `seg`
        // is accounted for in `c.o`.
        let mut seg = 0;
        // The stop to act on next.
        let mut next = (stops != S::NONE).then(|| stops.first());
        while let Some(k) = next {
            c.o += k - seg;
            if NVT && window[k + 1] == NUL {
                // The NUL of CR NUL is dropped, unless that CR was no data
                // (the option byte of a negotiation).
                seg = k + usize::from(i + k > c.data_from);
                stops = stops.without_first();
            } else if window[k + 2] == IAC && k + 1 < avail {
                // IAC IAC: the first 0xFF is data (already in place).
                c.o += 1;
                seg = k + 2;
                // The second IAC is the next stop, if it is in the block.
                stops = stops.without_first().without_first();
            } else {
                let (Some(verb), true) = (Verb::from_byte(window[k + 2]), k + 2 < avail) else {
                    return Err((i + k, Fast::Slow));
                };
                let (Some(slot), false) = (reply_slot(replies, c.r), self.noted.is_full()) else {
                    return Err((i + k, Fast::Full));
                };
                seg = k + 3;
                let option = window[k + 3];
                let again = self.read_negotiation::<MANUAL>(verb, option, slot, &mut c.r, c.o);
                c.data_from = i + seg;
                if again {
                    // BINARY moved: the rest's stops are to be found again.
                    return Err((c.data_from, Fast::Slow));
                }
                // The option byte may be 0xFF.
                stops = stops.since(seg);
            }
            // Close the gap: the rest of the block up to the next stop and
            // that stop itself (the first IAC of IAC IAC stays where it is
            // copied). In a 128-byte block that may be 64 bytes away or
            // more; after the last stop, the loop's end sees to the rest.
            copy64(&mut dst[c.o..], &window[1 + seg..]);
            next = (stops != S::NONE).then(|| stops.first());
            if S::BITS > 64 && next.is_some_and(|next| next >= seg + 64) {
                copy64(&mut dst[c.o + 64..], &window[1 + seg + 64..]);
            }
        }
        if S::BITS > 64 {
            // Unconditionally, rather than a branch taken at random.
            copy64(&mut dst[c.o + 64..], &window[1 + seg + 64..]);
        }
        Ok(if seg < len {
            c.o += len - seg;
            i + len
        } else {
            i + seg
        })
    }

    /// A whole negotiation, its bytes consumed, `at` bytes into the call's
    /// data: the reply is written to `replies` at `*len` (which has room
    /// for it) and, if it is notable, recorded (there is room for that
    /// too). Returns whether it changed BINARY, after which the bytes that
    /// end a run of data may be others. Both the general loop and
    /// [`fast`](Self::fast) answer through here.
    #[inline(always)]
    fn read_negotiation<const MANUAL: bool>(
        &mut self,
        verb: Verb,
        option: u8,
        slot: &mut [u8; 3],
        len: &mut usize,
        at: usize,
    ) -> bool {
        match self.session.negotiation_quietly::<MANUAL>(verb, option) {
            Ok(reply) => {
                *slot = [IAC, reply, option];
                // Reply verbs are 251 to 254, "none" is 0: 3 bytes or 0.
                *len += usize::from(reply >> 7) * 3;
                false
            }
            Err(outcome) => {
                if let Some(reply) = outcome.reply {
                    *slot = reply.to_bytes();
                    *len += 3;
                }
                let _ = self.noted.try_push(NotableNegotiation {
                    at,
                    received: Negotiation::new(verb, TelnetOption(option)),
                    reply: outcome.reply,
                    changed: outcome.changed,
                });
                option == TelnetOption::BINARY.0
            }
        }
    }

    /// In data, `rest` not empty and not starting with `IAC`: copies data
    /// to `out` up to the next `IAC` that is not `IAC IAC`, the end of the
    /// input or the end of the buffer. Returns `false` in the last case.
    #[inline]
    fn read_data(&mut self, rest: &'i [u8], out: &mut Out<'_>) -> bool {
        let s = &*self.session;
        if !s.nvt_receive() {
            return self.copy_run::<false>(rest, out);
        }
        if s.newline == Newline::Nvt {
            return self.copy_run::<true>(rest, out);
        }
        // Translate mode: the per-event parser on as much input as the
        // buffer can take (its data is never longer than its input; a CR
        // at the cut is held back, as at the end of an input).
        let room = out.data.len() - out.len;
        if room == 0 {
            return false;
        }
        if let Some(Event::Data(bytes)) = self.data(&rest[..rest.len().min(room)]) {
            crate::copy::copy(&mut out.data[out.len..out.len + bytes.len()], bytes);
            out.len += bytes.len();
        }
        true
    }

    /// [`read_data`](Self::read_data) without end-of-line handling
    /// (`NVT == false`: only `IAC` is looked at) or in [`Newline::Nvt`]
    /// mode (`NUL` too, dropped after a CR). The general loop's way through
    /// data, where [`fast`](Self::fast) left it.
    fn copy_run<const NVT: bool>(&mut self, rest: &'i [u8], out: &mut Out<'_>) -> bool {
        let dst = &mut out.data[out.len..];
        let (n, room) = (rest.len(), dst.len());
        // Input and output positions: `o <= i` (no byte of a run becomes
        // more than one byte of data).
        let (mut i, mut o) = (0, 0);
        let more = loop {
            let search = &rest[i..n.min(i + (room - o))];
            let len = find_stop::<NVT>(search).unwrap_or(search.len());
            crate::copy::copy(&mut dst[o..o + len], &search[..len]);
            i += len;
            o += len;
            if len == search.len() {
                // The end of the input, or of the buffer.
                break i == n;
            }
            // `rest[i]` is IAC, or (NVT) NUL, and `dst[o]` is free.
            if rest[i] == IAC {
                if rest.get(i + 1) != Some(&IAC) {
                    // A command: data ends here, and the CR before it,
                    // if any, is delivered.
                    self.pos += i;
                    out.len += o;
                    return true;
                }
                dst[o] = IAC;
                o += 1;
                i += 2;
            } else if i > 0 && rest[i - 1] == CR {
                // CR NUL: the CR is delivered, the NUL dropped.
                i += 1;
            } else {
                dst[o] = NUL;
                o += 1;
                i += 1;
            }
        };
        // The end of the input or of the buffer: a CR just before it waits
        // for the next byte, in case that is a NUL.
        if NVT && i > 0 && rest[i - 1] == CR {
            o -= 1;
            self.session.state = State::CrHeld;
        }
        self.pos += i;
        out.len += o;
        more
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The stops of `block` after `before`, by their definition: the
    /// oracle for every version of [`stop_mask`].
    fn reference<const NVT: bool>(before: u8, block: &[u8]) -> u128 {
        (0..block.len())
            .filter(|&k| {
                let previous = k.checked_sub(1).map_or(before, |p| block[p]);
                block[k] == IAC || (NVT && block[k] == NUL && previous == CR)
            })
            .fold(0, |mask, k| mask | 1 << k)
    }

    /// Every version of [`stop_mask`] (SSE2 or portable, the window loaded
    /// in place or copied) gives the byte loop's mask.
    fn agree<const NVT: bool, const LANES: usize>(window: &[u8]) {
        let expected = reference::<NVT>(window[0], &window[1..1 + 16 * LANES]);
        // `before` is not used without `COPIED`.
        assert_eq!(
            stop_mask::<NVT, false, LANES>(window, 1, 0),
            expected,
            "NVT {NVT}, {LANES} lanes, {window:02x?}"
        );
        assert_eq!(
            stop_mask_portable::<NVT, false, LANES>(window, 1, 0),
            expected,
            "NVT {NVT}, {LANES} lanes, {window:02x?}"
        );
        assert_eq!(
            stop_mask_portable::<NVT, true, LANES>(&window[1..], 0, window[0]),
            expected,
            "NVT {NVT}, {LANES} lanes, {window:02x?}"
        );
        assert_eq!(
            stop_mask::<NVT, true, LANES>(window, 1, window[0]),
            expected,
            "NVT {NVT}, {LANES} lanes, {window:02x?}"
        );
        let iacs = window[1..1 + 16 * LANES].contains(&IAC);
        assert_eq!(
            stop_mask_iac::<NVT, false, LANES>(window, 1, 0),
            (expected, iacs),
            "NVT {NVT}, {LANES} lanes, {window:02x?}"
        );
        // The block on its own, the byte before it apart.
        assert_eq!(
            stop_mask::<NVT, true, LANES>(&window[1..], 0, window[0]),
            expected,
            "NVT {NVT}, {LANES} lanes, {window:02x?}"
        );
    }

    // Elsewhere short inputs are all left to the general loop.
    #[cfg(all(
        any(target_arch = "x86", target_arch = "x86_64"),
        target_feature = "sse2",
        not(telnet_portable)
    ))]
    #[test]
    fn a_short_input_gets_the_stop_mask_of_the_general_loop() {
        // With no room to work in, `unescape_short` returns the input's
        // stop mask for the general loop (0 only where it has none).
        let bytes = [0x00, 0xff, 0x0d, 0x0a, 0x41, 0x80, 0x7f, 0xfe, 0x01];
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..20000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let n = 17 + (seed % 48) as usize;
            let mut src = [0u8; 64];
            for (k, byte) in src.iter_mut().enumerate() {
                *byte = bytes[((seed >> (k % 58)) as usize + k * 7) % bytes.len()];
            }
            let src = &src[..n];
            let mut dst = [0u8; 16];
            let expected = reference::<true>(0, src) as u64;
            assert_eq!(
                unescape_short::<true>(src, &mut dst, &mut false),
                Err(expected),
                "{src:02x?}"
            );
            let expected = reference::<false>(0, src) as u64;
            assert_eq!(
                unescape_short::<false>(src, &mut dst, &mut false),
                Err(expected),
                "{src:02x?}"
            );
        }
    }

    #[test]
    fn drop_nuls_removes_the_nul_of_every_cr_nul_and_nothing_else() {
        // Blocks of CR, NUL and other bytes in every mix, from all NULs
        // dropped (`CR NUL` over and over, eight drops a lane) to none.
        let mixes: [&[u8]; 4] = [
            &[CR, NUL],
            &[CR, NUL, b'a'],
            &[CR, NUL, b'\n', b'a', b'b', b'c', b'd', b'e'],
            &[CR, CR, NUL, NUL, b'a', 0xfe],
        ];
        let mut seed = 0x6a09_e667_f3bc_c909_u64;
        let mut tried = 0;
        for round in 0..40000 {
            let bytes = mixes[round % mixes.len()];
            let mut window = [0u8; WIDE_WINDOW];
            for (k, byte) in window.iter_mut().enumerate() {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                // Every fourth round, the repeating pattern itself.
                *byte = match round % 8 {
                    0 => bytes[k % bytes.len()],
                    _ => bytes[(seed % bytes.len() as u64) as usize],
                };
            }
            let drops = reference::<true>(window[0], &window[1..129]);
            if drops == 0 {
                continue;
            }
            tried += 1;
            let (mut expected, mut kept) = ([0u8; 128], 0);
            for k in (1..129).filter(|&k| !(window[k] == NUL && window[k - 1] == CR)) {
                expected[kept] = window[k];
                kept += 1;
            }
            let mut out = [0x55; 272];
            let len = drop_nuls::<8, WIDE_WINDOW, 272>(&window, 1, drops, &mut out);
            assert_eq!(&out[..len], &expected[..kept], "{window:02x?}");
        }
        assert!(tried > 30000);
    }

    #[test]
    fn stop_mask_finds_every_iac_and_every_nul_after_a_cr() {
        // Windows of every mix of the bytes that matter, placed everywhere
        // (the byte before the block and the slack after it included).
        let bytes = [0x00, 0xff, 0x0d, 0x0a, 0x41, 0x80, 0x7f, 0xfe, 0x01];
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        for _ in 0..10000 {
            let mut window = [0u8; WIDE_WINDOW];
            for byte in &mut window {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                *byte = bytes[(seed % bytes.len() as u64) as usize];
            }
            agree::<true, 4>(&window);
            agree::<true, 8>(&window);
            agree::<false, 4>(&window);
            agree::<false, 8>(&window);
        }
        let mut window = [b'x'; WINDOW];
        let block = &mut window[1..65];
        block[0] = NUL;
        block[5] = IAC;
        block[16] = CR;
        block[17] = NUL;
        block[40] = NUL;
        block[62] = CR;
        block[63] = NUL;
        window[66] = IAC; // past the block: never a stop
        let block = &window[1..65];
        assert_eq!(reference::<true>(b'x', block), 1 << 5 | 1 << 17 | 1 << 63);
        assert_eq!(reference::<true>(CR, block), 1 | 1 << 5 | 1 << 17 | 1 << 63);
        assert_eq!(reference::<false>(CR, block), 1 << 5);
    }
}
