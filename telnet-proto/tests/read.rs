//! `Feed::read`, the copying drive loop, against `Feed::poll_event`: the
//! same data, the same replies, the same events in the same places (but for
//! negotiations that only needed their answer sent), and the same session
//! state afterwards, however the input is cut and however small the caller's
//! buffers are.

use proptest::collection::vec;
use proptest::prelude::*;
use telnet_proto::{
    Config, Event, Newline, NotableNegotiation, OptionState, Policy, Read, Session, Side,
    TelnetOption,
};

/// One non-data event, owned: where it came in the data, how it prints,
/// and what the comparison needs to know about a negotiation.
#[derive(Clone, Debug, PartialEq)]
struct Noted {
    /// Bytes of data delivered before it.
    at: usize,
    /// Its `Debug` form (events borrow; this is enough to compare them).
    text: String,
    /// For a negotiation: whether `read` must report it too (it changed a
    /// side, it is about TIMING-MARK, or the session is manual).
    must_report: Option<bool>,
}

#[derive(Debug, Default, PartialEq)]
struct Run {
    data: Vec<u8>,
    replies: Vec<u8>,
    events: Vec<Noted>,
    /// Every option's state on both sides afterwards, and whether the
    /// parser was mid-sequence.
    end: End,
}

#[derive(Debug, Default, PartialEq)]
struct End {
    mid_sequence: bool,
    options: Vec<OptionState>,
}

fn note(event: &Event<'_, '_>, at: usize, manual: bool) -> Noted {
    let must_report = match event {
        Event::Negotiation {
            received, changed, ..
        } => Some(manual || changed.is_some() || received.option == TelnetOption::TIMING_MARK),
        _ => None,
    };
    Noted {
        at,
        text: format!("{event:?}"),
        must_report,
    }
}

/// Takes in what one `read` call wrote: its notable negotiations, each at
/// its place in the data, then the data and the replies; returns whether
/// it wrote or noted anything.
fn take_read(
    run: &mut Run,
    read: &Read<'_, '_>,
    data: &[u8],
    replies: &[u8],
    manual: bool,
) -> bool {
    assert!(read.negotiations.len() <= NotableNegotiation::PER_READ);
    let mut at = 0;
    for notable in read.negotiations {
        assert!(notable.at >= at && notable.at <= read.data, "{notable:?}");
        at = notable.at;
        let at = run.data.len() + notable.at;
        run.events.push(note(&notable.to_event(), at, manual));
    }
    run.data.extend_from_slice(&data[..read.data]);
    run.replies.extend_from_slice(&replies[..read.replies]);
    read.data > 0 || read.replies > 0 || !read.negotiations.is_empty()
}

fn end_state<const N: usize>(session: &Session<N>) -> End {
    let mut options = Vec::with_capacity(512);
    for code in 0..=255u8 {
        let option = TelnetOption(code);
        for side in [Side::Local, Side::Remote] {
            options.push(session.option_state(side, option));
        }
    }
    End {
        mid_sequence: session.is_mid_sequence(),
        options,
    }
}

/// Feeds `chunks` with `poll_event`.
fn by_poll(config: Config, chunks: &[&[u8]]) -> Run {
    let mut session: Session<16> = Session::new(config);
    let mut run = Run::default();
    'chunks: for chunk in chunks {
        let mut feed = session.feed(chunk);
        while let Some(event) = feed.poll_event() {
            match event {
                Event::Data(bytes) => run.data.extend_from_slice(bytes),
                other => {
                    if let Event::Negotiation {
                        reply: Some(reply), ..
                    } = other
                    {
                        run.replies.extend_from_slice(&reply.to_bytes());
                    }
                    run.events
                        .push(note(&other, run.data.len(), config.manual_negotiation));
                    if let Event::CompressionStart { .. } = other {
                        break 'chunks;
                    }
                }
            }
        }
    }
    run.end = end_state(&session);
    run
}

/// Feeds `chunks` with `read`, into buffers of `data_cap` and
/// `replies_cap` bytes.
fn by_read(config: Config, chunks: &[&[u8]], data_cap: usize, replies_cap: usize) -> Run {
    let mut session: Session<16> = Session::new(config);
    let mut run = Run::default();
    let mut data = vec![0xaa; data_cap];
    let mut replies = vec![0xaa; replies_cap];
    'chunks: for chunk in chunks {
        let mut feed = session.feed(chunk);
        let mut stuck = 0;
        loop {
            let before = feed.consumed();
            let read = feed.read(&mut data, &mut replies);
            assert!(read.data <= data_cap && read.replies <= replies_cap);
            let wrote = take_read(&mut run, &read, &data, &replies, config.manual_negotiation);
            if let Some(event) = read.event {
                assert!(!matches!(event, Event::Data(_)), "read returned data");
                run.events
                    .push(note(&event, run.data.len(), config.manual_negotiation));
                if let Event::CompressionStart { .. } = event {
                    break 'chunks;
                }
            } else if feed.is_done() {
                break;
            } else {
                // Stopped for room: each call must move on.
                let moved = feed.consumed() > before || wrote;
                stuck = if moved { 0 } else { stuck + 1 };
                assert!(stuck < 2, "read makes no progress on {chunk:02x?}");
            }
        }
        assert!(feed.remaining().is_empty(), "read stopped early");
    }
    run.end = end_state(&session);
    run
}

/// Feeds `chunks` with `read` and `poll_event` on the same feeds, in turn
/// as `calls` says (`true` for `read`, over and over), into roomy buffers.
fn by_mixed(config: Config, chunks: &[&[u8]], calls: &[bool]) -> Run {
    let mut session: Session<16> = Session::new(config);
    let mut run = Run::default();
    let room = chunks.iter().map(|c| c.len()).max().unwrap_or(0) + 256;
    let (mut data, mut replies) = (vec![0xaa; room], vec![0xaa; room]);
    let mut turn = calls.iter().copied().cycle();
    'chunks: for chunk in chunks {
        let mut feed = session.feed(chunk);
        loop {
            let manual = config.manual_negotiation;
            let compression = if turn.next().unwrap_or(true) {
                let read = feed.read(&mut data, &mut replies);
                take_read(&mut run, &read, &data, &replies, manual);
                let Some(event) = read.event else {
                    if feed.is_done() {
                        break;
                    }
                    continue;
                };
                run.events.push(note(&event, run.data.len(), manual));
                matches!(event, Event::CompressionStart { .. })
            } else {
                match feed.poll_event() {
                    Some(Event::Data(bytes)) => {
                        run.data.extend_from_slice(bytes);
                        false
                    }
                    Some(event) => {
                        if let Event::Negotiation {
                            reply: Some(reply), ..
                        } = event
                        {
                            run.replies.extend_from_slice(&reply.to_bytes());
                        }
                        run.events.push(note(&event, run.data.len(), manual));
                        matches!(event, Event::CompressionStart { .. })
                    }
                    None => break,
                }
            };
            if compression {
                break 'chunks;
            }
        }
    }
    run.end = end_state(&session);
    run
}

/// Asserts that `read` did what `poll` did.
fn same(poll: &Run, read: &Run, context: &str) {
    assert_eq!(read.data, poll.data, "data, {context}");
    assert_eq!(read.replies, poll.replies, "replies, {context}");
    assert_eq!(read.end, poll.end, "end state, {context}");
    let mut mine = read.events.iter().peekable();
    for event in &poll.events {
        match event.must_report {
            Some(false) if mine.peek() != Some(&event) => {}
            _ => assert_eq!(mine.next(), Some(event), "events, {context}"),
        }
    }
    assert_eq!(mine.next(), None, "extra events, {context}");
}

fn config(newline: u8, manual: bool) -> Config {
    let policy = Policy::new()
        .with_remote(TelnetOption::ECHO)
        .with_remote(TelnetOption::BINARY)
        .with_remote(TelnetOption::MCCP2)
        .with_local(TelnetOption::NAWS)
        .with_local(TelnetOption::TIMING_MARK)
        .with_local(TelnetOption::BINARY);
    let newline = [Newline::Nvt, Newline::Translate, Newline::Raw][usize::from(newline % 3)];
    Config::new()
        .policy(policy)
        .newline(newline)
        .manual_negotiation(manual)
}

/// Every cut of `input` in one or two pieces and byte by byte, each with
/// roomy buffers and with tight ones.
fn check(config: Config, input: &[u8]) {
    let mut ways = vec![vec![input], input.chunks(1).collect::<Vec<_>>()];
    for at in 1..input.len() {
        ways.push(vec![&input[..at], &input[at..]]);
    }
    for chunks in &ways {
        let poll = by_poll(config, chunks);
        for (data_cap, replies_cap) in [
            (input.len() + 1, input.len() + 2),
            (input.len() + 200, 3),
            (1, 3),
            (2, 4),
            (9, 5),
        ] {
            let read = by_read(config, chunks, data_cap, replies_cap);
            let context = format!(
                "input {input:02x?} in pieces {:?}, buffers {data_cap}/{replies_cap}",
                chunks.iter().map(|c| c.len()).collect::<Vec<_>>()
            );
            same(&poll, &read, &context);
        }
    }
}

#[test]
fn escapes_and_cr_nul_do_not_cut_the_data() {
    let config = config(0, false);
    let input = b"one\xff\xfftwo\r\0three\r\nfour\0five\r";
    let run = by_read(config, &[input], 64, 64);
    assert_eq!(run.data, b"one\xfftwo\rthree\r\nfour\0five");
    assert!(run.events.is_empty());
    check(config, input);
}

#[test]
fn refusals_are_answered_without_an_event() {
    let config = config(0, false);
    // DO TTYPE (refused), WILL SGA (refused), WILL ECHO (accepted),
    // WILL ECHO again (already on), WONT ECHO (turns it off).
    let input = b"a\xff\xfd\x18b\xff\xfb\x03\xff\xfb\x01\xff\xfb\x01c\xff\xfc\x01";
    let run = by_read(config, &[input], 64, 64);
    assert_eq!(run.data, b"abc");
    assert_eq!(
        run.replies,
        b"\xff\xfc\x18\xff\xfe\x03\xff\xfd\x01\xff\xfe\x01"
    );
    let texts: Vec<_> = run.events.iter().map(|e| (e.at, &e.text[..])).collect();
    assert_eq!(texts.len(), 2, "{texts:?}");
    assert_eq!(texts[0].0, 2);
    assert!(texts[0].1.contains("changed: Some(true)"), "{texts:?}");
    assert_eq!(texts[1].0, 3);
    assert!(texts[1].1.contains("changed: Some(false)"), "{texts:?}");
    check(config, input);
}

#[test]
fn an_answer_to_our_request_is_reported() {
    let mut session: Session = Session::new(config(0, false));
    assert!(session.enable(Side::Remote, TelnetOption::SGA).is_some());
    let mut feed = session.feed(b"\xff\xfc\x03"); // WONT SGA: refused
    let (mut data, mut replies) = ([0; 8], [0; 8]);
    let read = feed.read(&mut data, &mut replies);
    assert_eq!((read.data, read.replies), (0, 0));
    assert!(read.event.is_none());
    assert!(matches!(
        read.negotiations,
        [NotableNegotiation {
            at: 0,
            reply: None,
            changed: None,
            ..
        }]
    ));
}

#[test]
fn negotiations_do_not_end_a_read_until_its_record_is_full() {
    let config = config(0, false);
    // WILL ECHO, WONT ECHO, over and over: every one turns ECHO on or off.
    let mut input = Vec::new();
    for i in 0..40u8 {
        input.push(b'a' + i % 26);
        input.extend_from_slice(if i % 2 == 0 {
            b"\xff\xfb\x01"
        } else {
            b"\xff\xfc\x01"
        });
    }
    input.extend_from_slice(b"end");
    let mut session: Session = Session::new(config);
    let mut feed = session.feed(&input);
    let (mut data, mut replies) = ([0; 512], [0; 512]);
    let read = feed.read(&mut data, &mut replies);
    // A full record ends the call before the next notable negotiation,
    // with no event and the input not done.
    assert_eq!(read.negotiations.len(), NotableNegotiation::PER_READ);
    assert!(read.event.is_none());
    // The data up to the negotiation it ended before.
    assert_eq!(read.data, NotableNegotiation::PER_READ + 1);
    let ats: Vec<usize> = read.negotiations.iter().map(|n| n.at).collect();
    assert_eq!(ats, (1..=NotableNegotiation::PER_READ).collect::<Vec<_>>());
    assert!(!feed.is_done());
    let read = feed.read(&mut data, &mut replies);
    assert_eq!(read.negotiations.len(), 40 - NotableNegotiation::PER_READ);
    assert_eq!(&data[..read.data], b"hijklmnend");
    assert!(feed.is_done());
    check(config, &input[..60]);
    for chunk in [1, 7, 64] {
        let chunks: Vec<&[u8]> = input.chunks(chunk).collect();
        let context = format!("chunks of {chunk}");
        same(
            &by_poll(config, &chunks),
            &by_read(config, &chunks, 600, 600),
            &context,
        );
    }
}

#[test]
fn manual_mode_reports_every_negotiation_and_answers_none() {
    let config = config(0, true);
    let input = b"\xff\xfd\x18\xff\xfb\x03x";
    let run = by_read(config, &[input], 64, 64);
    assert_eq!(run.events.len(), 2);
    assert!(run.replies.is_empty());
    check(config, input);
}

#[test]
fn timing_mark_is_reported() {
    let config = config(0, false);
    let input = b"\xff\xfd\x06x";
    let run = by_read(config, &[input], 64, 64);
    assert_eq!(run.replies, b"\xff\xfb\x06");
    assert_eq!(run.events.len(), 1);
    check(config, input);
}

#[test]
fn a_cr_at_the_end_of_the_buffer_still_meets_its_nul() {
    let config = config(0, false);
    // With 3 bytes of room the CR is the last byte that fits.
    let input = b"ab\r\0cd\r\0\r\0\r\n";
    let run = by_read(config, &[input], 3, 3);
    assert_eq!(run.data, b"ab\rcd\r\r\r\n");
    check(config, input);
}

#[test]
fn translate_mode() {
    let config = config(1, false);
    let input = b"a\r\nb\r\0c\r\xff\xff\r\xff\xf1d\r";
    let run = by_read(config, &[input], 64, 64);
    assert_eq!(run.data, b"a\nb\rc\r\xff\rd");
    check(config, input);
}

#[test]
fn binary_turns_end_of_line_handling_off() {
    let config = config(0, false);
    let input = b"a\r\0\xff\xfb\x00b\r\0c\xff\xfc\x00d\r\0";
    let run = by_read(config, &[input], 64, 64);
    assert_eq!(run.data, b"a\rb\r\0cd\r");
    check(config, input);
}

#[test]
fn binary_changes_which_bytes_end_data_in_the_rest_of_a_read() {
    // The read after a BINARY negotiation goes on in the same short input:
    // a NUL after a CR is data, and then again not, from there on.
    let config = config(0, false);
    let on = b"some text\xff\xfb\x00x\r\0\xff\xffy\r\0z and more text";
    let run = by_read(config, &[on], 64, 64);
    assert_eq!(run.data, b"some textx\r\0\xffy\r\0z and more text");
    check(config, on);
    let off = b"\xff\xfb\x00some text\xff\xfc\x00x\r\0\xff\xffy\r\0z and more";
    let run = by_read(config, &[off], 64, 64);
    assert_eq!(run.data, b"some textx\r\xffy\rz and more");
    check(config, off);
}

#[test]
fn subnegotiations_and_commands_end_a_read() {
    let config = config(0, false);
    let input = b"x\xff\xfa\x18\x01\xff\xff\xff\xf0y\xff\xf1z\xff\xfa\x18\xff\xf1w\xff\xfa\xff\xf0";
    check(config, input);
    let long = [&b"\xff\xfa\x18"[..], &[7; 40], b"\xff\xf0after"].concat();
    check(config, &long);
}

#[test]
fn compression_start_ends_parsing() {
    let config = config(0, false);
    let input = b"\xff\xfb\x56ab\xff\xfa\x56\xff\xf0\x78\x9c\xff\xff";
    let run = by_read(config, &[input], 64, 64);
    assert_eq!(run.data, b"ab");
    assert!(run.events.last().unwrap().text.contains("CompressionStart"));
    check(config, input);
}

#[test]
fn long_runs_cross_the_word_and_memchr_paths() {
    for newline in 0..3 {
        let config = config(newline, false);
        let mut input = Vec::new();
        for n in [0usize, 1, 7, 8, 9, 31, 32, 33, 40, 62, 63, 64, 65, 100, 130] {
            input.extend((0..n).map(|i| b'a' + (i % 26) as u8));
            input.extend_from_slice(b"\r\0\xff\xff\r\n");
        }
        let expected = by_poll(config, &[&input]);
        for cap in [
            1, 7, 8, 9, 16, 33, 64, 127, 128, 129, 191, 192, 200, 257, 1000,
        ] {
            for chunk in [1, 5, 8, 64, 300, 4096] {
                let chunks: Vec<&[u8]> = input.chunks(chunk).collect();
                let context = format!("newline {newline}, buffer {cap}, chunks of {chunk}");
                same(&by_poll(config, &chunks), &expected, &context);
                same(&expected, &by_read(config, &chunks, cap, 3), &context);
            }
        }
    }
}

#[test]
fn escapes_around_64_bytes_apart_in_long_runs() {
    // An escape 64 bytes after the previous one is past the 64 bytes
    // copied after it, in the 128-byte blocks of a long run.
    for newline in 0..3 {
        let config = config(newline, false);
        for gap in 60..=68 {
            for prefix in 0..130 {
                let mut input = vec![b'x'; prefix];
                for round in 0..8 {
                    input.extend_from_slice(if round % 3 == 2 { b"\r\0" } else { b"\xff\xff" });
                    input.extend((0..gap).map(|i| b'a' + (i % 26) as u8));
                }
                let expected = by_poll(config, &[&input]);
                let context = format!("newline {newline}, gap {gap}, prefix {prefix}");
                same(
                    &expected,
                    &by_read(config, &[&input], input.len() + 300, 3),
                    &context,
                );
            }
        }
    }
}

#[test]
fn nuls_are_dropped_only_after_a_cr_of_data_wherever_blocks_start() {
    // A CR NUL cut by a block's edge (the CR ends one block, the NUL
    // starts the next), NULs that are data, and a NUL after a CR that is
    // the option byte of a negotiation (data: that CR is no data), at every
    // offset from the blocks' starts.
    for newline in 0..3 {
        let config = config(newline, false);
        for prefix in 0..140 {
            let mut input = vec![b'x'; prefix];
            input.extend_from_slice(b"\r\0a\0\0b\xff\xfb\r\0c\r\r\0\0");
            input.extend((0..300).map(|i| b'a' + (i % 26) as u8));
            let expected = by_poll(config, &[&input]);
            if newline == 0 && prefix == 0 {
                // Nvt: the NUL after the option byte CR, a CR before a CR,
                // and the NUL after a CR NUL are data.
                let Run { data, .. } = &expected;
                assert!(data.starts_with(b"\ra\0\0b\0c\r\r\0abc"), "{data:02x?}");
            }
            for chunk in [64, 65, 4096] {
                let chunks: Vec<&[u8]> = input.chunks(chunk).collect();
                let context = format!("newline {newline}, prefix {prefix}, chunks of {chunk}");
                same(
                    &expected,
                    &by_read(config, &chunks, input.len() + 300, input.len() + 2),
                    &context,
                );
            }
        }
    }
}

#[test]
fn long_runs_of_lines_ended_by_cr_nul() {
    // 128-byte blocks of data whose only stops are the NULs of `CR NUL`,
    // from one a block to eight in 16 bytes, at every offset from the
    // blocks' starts, with NULs that are data and CRs before CRs.
    let patterns: [&[u8]; 6] = [
        b"\r\0",
        b"a\r\0",
        b"\r\0\r\0\r\na",
        b"\r\r\0\0",
        b"abc\r\0defghijklmnopq\r\n",
        b"abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ.,;:!?\r\0",
    ];
    for newline in 0..3 {
        let config = config(newline, false);
        for pattern in patterns {
            for prefix in 0..140 {
                let mut input = vec![b'x'; prefix];
                while input.len() < prefix + 700 {
                    input.extend_from_slice(pattern);
                }
                let expected = by_poll(config, &[&input]);
                for chunk in [64, 333, 4096] {
                    let chunks: Vec<&[u8]> = input.chunks(chunk).collect();
                    let context = format!(
                        "newline {newline}, {pattern:02x?} after {prefix}, chunks of {chunk}"
                    );
                    same(
                        &expected,
                        &by_read(config, &chunks, input.len() + 300, input.len() + 2),
                        &context,
                    );
                }
            }
        }
    }
}

fn stream() -> impl Strategy<Value = Vec<u8>> {
    vec(
        prop_oneof![
            6 => any::<u8>(),
            3 => Just(0xffu8),
            2 => Just(b'\r'),
            1 => Just(b'\n'),
            2 => Just(0u8),
            1 => Just(0xf0u8),
            1 => Just(0xfau8),
            2 => 0xfbu8..=0xfe,
            1 => prop_oneof![Just(0u8), Just(1), Just(6), Just(31), Just(86)],
        ],
        0..300,
    )
}

/// `input` cut at `cuts` (each taken modulo one more than its length):
/// the cut points, its ends among them, and the pieces between.
fn cut<'a>(input: &'a [u8], cuts: &[usize]) -> (Vec<usize>, Vec<&'a [u8]>) {
    let mut points: Vec<usize> = cuts.iter().map(|c| c % (input.len() + 1)).collect();
    points.extend([0, input.len()]);
    points.sort_unstable();
    let chunks = points.windows(2).map(|w| &input[w[0]..w[1]]).collect();
    (points, chunks)
}

/// Text with a stop (an escape, `CR NUL`, a negotiation) now and then.
fn sparse() -> impl Strategy<Value = Vec<u8>> {
    (0usize..200, stream()).prop_map(|(run, mut tail)| {
        tail.truncate(4);
        let mut part: Vec<u8> = (0..run).map(|i| b'a' + (i % 26) as u8).collect();
        part.extend(tail);
        part
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn read_does_what_poll_event_does(
        input in stream(),
        cuts in vec(any::<usize>(), 0..6),
        newline in 0u8..3,
        manual in any::<bool>(),
        data_cap in 1usize..24,
        replies_cap in 3usize..12,
    ) {
        let config = config(newline, manual);
        let (points, chunks) = cut(&input, &cuts);
        let poll = by_poll(config, &chunks);
        let context = format!("{input:02x?} cut at {points:?}");
        same(&poll, &by_read(config, &chunks, data_cap, replies_cap), &context);
        same(&poll, &by_read(config, &chunks, input.len() + 1, input.len() + 2), &context);
        // Room for the block-at-a-time path.
        same(&poll, &by_read(config, &chunks, input.len() + 200, input.len() + 2), &context);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    // The two drive loops on one feed: a `read` that follows a
    // `poll_event` goes on from where that left, whatever the `read`
    // before them had found.
    #[test]
    fn read_and_poll_event_mixed_on_one_feed(
        input in stream(),
        cuts in vec(any::<usize>(), 0..6),
        newline in 0u8..3,
        calls in vec(any::<bool>(), 1..8),
    ) {
        let config = config(newline, false);
        let (points, chunks) = cut(&input, &cuts);
        let poll = by_poll(config, &chunks);
        let context = format!("{input:02x?} cut at {points:?}, calls {calls:?}");
        same(&poll, &by_mixed(config, &chunks, &calls), &context);
    }
}

/// Text with end-of-line sequences and no `IAC`: up to eight `CR NUL` in
/// 16 bytes, NULs that are data, CRs before CRs.
fn lines() -> impl Strategy<Value = Vec<u8>> {
    vec(
        prop_oneof![
            4 => Just(b"\r\0".to_vec()),
            2 => Just(b"\r\n".to_vec()),
            1 => Just(b"\r".to_vec()),
            1 => Just(b"\0".to_vec()),
            4 => vec(b'a'..=b'z', 0..17),
        ],
        0..80,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    // Long enough for 128-byte blocks (which need 259 bytes of input from
    // the byte before the block, and 256 bytes of room), at and around the
    // room they need; dense parts and parts with long runs of plain text.
    #[test]
    fn read_does_what_poll_event_does_in_long_inputs(
        parts in vec(prop_oneof![stream(), sparse(), lines()], 1..10),
        cuts in vec(any::<usize>(), 0..4),
        newline in 0u8..3,
        extra in prop_oneof![Just(255usize), Just(256), Just(257), 0usize..400],
    ) {
        let input = parts.concat();
        let config = config(newline, false);
        let (points, chunks) = cut(&input, &cuts);
        let poll = by_poll(config, &chunks);
        let context = format!("{input:02x?} cut at {points:?}, {extra} bytes of room to spare");
        same(&poll, &by_read(config, &chunks, input.len() + extra, input.len() + 2), &context);
    }
}

#[test]
fn short_inputs_of_data_and_escapes_at_every_place() {
    // A read of a whole short input (17 to 64 bytes) that holds only data,
    // `IAC IAC` and `CR NUL` is done in one step; anything else in it goes
    // to the general loop, which is handed what that step found. Each
    // sequence at every place, before each ending, at the lengths where
    // the step's 16-byte lanes meet or overlap, after nothing and after a
    // negotiation whose option byte is a CR (so the input starts with the
    // byte after it: a NUL there is data). Also after an input that ended
    // in a CR (held: the step delivers it, dropping a NUL that comes
    // first) or in an IAC (the step finishes an `IAC IAC` cut there).
    // An input that ends in an IAC that is not the second of a pair leaves
    // it for the next input, which here is `IAC NOP` and some data: data
    // 0xFF and 0xF1 after a held IAC, a NOP otherwise.
    let patterns: [&[u8]; 12] = [
        b"\xff\xff",
        b"\r\0",
        b"\r\n",
        b"\r\r\0",
        b"\0",
        b"\xff\xff\xff\xff",
        b"\xff\xff\xff",
        b"\xff\xf1",
        b"\xff\xfd\x01",
        b"\xff\xfa\x1f\x00\x50\xff\xf0",
        b"\r\0\xff\xff\r\0",
        b"\0\r",
    ];
    let endings: [&[u8]; 5] = [b"", b"\r", b"\xff", b"\xff\xff", b"\r\0"];
    for len in [17, 18, 31, 32, 33, 47, 48, 49, 63, 64] {
        for pattern in patterns {
            for ending in endings {
                for at in 0..len {
                    let mut body: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
                    let tail = len - ending.len();
                    body[tail..].copy_from_slice(ending);
                    let fit = pattern.len().min(tail.saturating_sub(at));
                    body[at..at + fit].copy_from_slice(&pattern[..fit]);
                    // The input before, the bytes the short input starts
                    // with before `body`, the newline mode, manual answers.
                    for (before, lead, newline, manual) in [
                        (&b""[..], &b""[..], 0, false),
                        (b"", b"", 2, false),
                        (b"", b"\xff\xfb\x0d", 0, true),
                        (b"x\r", b"", 0, false),
                        (b"x\r", b"\0", 0, false),
                        (b"x\xff", b"", 0, false),
                        (b"x\xff", b"\xff", 0, false),
                        (b"x\xff", b"\xff", 2, false),
                    ] {
                        let config = config(newline, manual);
                        let input = [lead, &body].concat();
                        let chunks = [before, &input, b"\xff\xf1z"];
                        let poll = by_poll(config, &chunks);
                        for data_cap in [input.len() + 200, input.len() + 1] {
                            let context = format!(
                                "{before:02x?} then {input:02x?}, newline {newline}, \
                                 manual {manual}, room {data_cap}"
                            );
                            let read = by_read(config, &chunks, data_cap, input.len() + 2);
                            same(&poll, &read, &context);
                        }
                    }
                }
            }
        }
    }
}
