//! Each corpus is what its name says, and every parser under test reads it
//! without a complaint and does the same job on it.

use telnet_benches::corpus::{Corpus, SIZE, SUBNEGOTIATED};
use telnet_benches::{libtelnet, mud, ours, Tally};

/// Prefix used where a test parses (debug builds are slow).
const SAMPLE: usize = 1 << 20;

/// The number of `FF FF` pairs, and of 0xFF bytes not in such a pair.
fn escaped_iacs(bytes: &[u8]) -> (usize, usize) {
    let (mut pairs, mut lone, mut i) = (0, 0, 0);
    while i < bytes.len() {
        if bytes[i] == 0xff {
            if bytes.get(i + 1) == Some(&0xff) {
                pairs += 1;
                i += 2;
                continue;
            }
            lone += 1;
        }
        i += 1;
    }
    (pairs, lone)
}

/// The application data of a corpus: the bytes outside telnet sequences,
/// with `IAC IAC` as one 0xFF.
fn data_of(bytes: &[u8]) -> Vec<u8> {
    let mut data = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != 0xff {
            data.push(bytes[i]);
            i += 1;
            continue;
        }
        match bytes[i + 1] {
            0xff => data.push(0xff),
            0xfb..=0xfe => i += 1,
            0xfa => {
                while (bytes[i], bytes[i + 1]) != (0xff, 0xf0) {
                    i += if bytes[i] == 0xff { 2 } else { 1 };
                }
            }
            _ => {}
        }
        i += 2;
    }
    data
}

fn count(bytes: &[u8], pattern: &[u8]) -> usize {
    bytes
        .windows(pattern.len())
        .filter(|w| *w == pattern)
        .count()
}

#[test]
fn every_corpus_is_nearly_16_mib_and_deterministic() {
    for corpus in Corpus::ALL {
        let bytes = corpus.generate();
        assert!(bytes.len() <= SIZE, "{}", corpus.name());
        assert!(
            bytes.len() > SIZE - 4096,
            "{}: {}",
            corpus.name(),
            bytes.len()
        );
        assert_eq!(
            corpus.generate_sized(SAMPLE)[..],
            bytes[..corpus.generate_sized(SAMPLE).len()],
            "{}: a sample is a prefix of the full corpus",
            corpus.name()
        );
        assert_eq!(
            bytes,
            corpus.generate(),
            "{}: same seed, same bytes",
            corpus.name()
        );
    }
}

#[test]
fn plain_is_printable_lines() {
    let bytes = Corpus::Plain.generate();
    assert!(!bytes.contains(&0xff));
    assert!(!bytes.contains(&0));
    assert!(bytes.ends_with(b"\r\n"));
    let lines = count(&bytes, b"\r\n");
    assert_eq!(lines, bytes.iter().filter(|&&b| b == b'\r').count());
    assert_eq!(lines, bytes.iter().filter(|&&b| b == b'\n').count());
    assert!(bytes
        .iter()
        .all(|&b| b == b'\r' || b == b'\n' || (0x20..0x7f).contains(&b)));
    // Lines of 1-16 words: between 3 and 150 bytes on average.
    let average = bytes.len() / lines;
    assert!((20..80).contains(&average), "average line {average}");
}

#[test]
fn binary_is_uniform_with_every_iac_doubled() {
    let bytes = Corpus::Binary.generate();
    let (pairs, lone) = escaped_iacs(&bytes);
    assert_eq!(lone, 0);
    let mut histogram = [0usize; 256];
    for &b in &bytes {
        histogram[usize::from(b)] += 1;
    }
    let raw = bytes.len() - pairs; // bytes before escaping
    let expected = raw / 256;
    for (value, &n) in histogram.iter().enumerate().take(255) {
        assert!(
            n.abs_diff(expected) < expected / 20,
            "byte {value}: {n} vs {expected}"
        );
    }
    assert!(
        pairs.abs_diff(expected) < expected / 20,
        "0xFF: {pairs} vs {expected}"
    );
}

#[test]
fn iac_dense_has_one_escaped_iac_in_16_bytes_of_text() {
    let bytes = Corpus::IacDense.generate();
    let (pairs, lone) = escaped_iacs(&bytes);
    assert_eq!(lone, 0);
    let lines = count(&bytes, b"\r\n");
    let text = bytes.len() - 2 * pairs - 2 * lines; // characters, an escaped IAC counted once
    let ratio = (text + pairs) as f64 / pairs as f64;
    assert!((15.0..17.0).contains(&ratio), "one IAC in {ratio:.2}");
}

/// Walks a corpus made of text and telnet sequences, checking that every
/// IAC starts one of the `allowed` kinds; returns how many of each.
fn sequences(bytes: &[u8]) -> (usize, usize, usize, usize) {
    let (mut negotiations, mut subnegotiations, mut commands, mut escapes) = (0, 0, 0, 0);
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != 0xff {
            i += 1;
            continue;
        }
        match bytes[i + 1] {
            0xff => escapes += 1,
            0xfb..=0xfe => {
                negotiations += 1;
                i += 1;
            }
            0xfa => {
                subnegotiations += 1;
                // To the IAC SE, stepping over escaped IACs.
                let mut j = i + 3;
                loop {
                    match (bytes[j], bytes[j + 1]) {
                        (0xff, 0xf0) => break,
                        (0xff, 0xff) => j += 2,
                        (0xff, other) => panic!("IAC {other} inside a subnegotiation at {j}"),
                        _ => j += 1,
                    }
                }
                assert!(j - (i + 3) <= 2 * 64, "payload too long at {i}");
                i = j;
            }
            0xf9 | 0xef => commands += 1,
            other => panic!("unexpected IAC {other} at {i}"),
        }
        i += 2;
    }
    (negotiations, subnegotiations, commands, escapes)
}

#[test]
fn negotiation_is_runs_of_negotiations_between_short_texts() {
    let bytes = Corpus::Negotiation.generate();
    let (negotiations, subnegotiations, commands, escapes) = sequences(&bytes);
    assert_eq!((subnegotiations, commands, escapes), (0, 0, 0));
    // Runs of 4.5 negotiations (13.5 bytes) after 8 bytes of text on average:
    // 4.5 negotiations in 21.5 bytes.
    let per_mib = negotiations as f64 / 16.0;
    assert!(
        (200_000.0..240_000.0).contains(&per_mib),
        "{per_mib} per MiB"
    );
}

#[test]
fn subneg_is_subnegotiations_with_text_between() {
    let bytes = Corpus::Subneg.generate();
    let (negotiations, subnegotiations, commands, _) = sequences(&bytes);
    assert_eq!((negotiations, commands), (0, 0));
    // 16 bytes of text and 32 of payload on average, plus 5 of framing.
    let average = bytes.len() / subnegotiations;
    assert!((45..60).contains(&average), "one SB in {average} bytes");
    let tally = ours::parse(&bytes[..SAMPLE], 4096);
    assert!(tally.subnegotiations > 0);
}

#[test]
fn mud_has_colours_prompts_and_gmcp() {
    let bytes = Corpus::Mud.generate();
    let (negotiations, subnegotiations, commands, escapes) = sequences(&bytes);
    assert_eq!(escapes, 0);
    assert!(count(&bytes, b"\x1b[") > 100_000);
    assert!(count(&bytes, b"\xff\xfa\xc9Char.Vitals {") > 1000);
    assert_eq!(subnegotiations, count(&bytes, b"\xff\xfa\xc9"));
    assert!(count(&bytes, b"\xff\xf9") > 1000, "GA prompts");
    assert!(count(&bytes, b"\xff\xef") > 1000, "EOR prompts");
    assert_eq!(
        commands,
        count(&bytes, b"\xff\xf9") + count(&bytes, b"\xff\xef")
    );
    assert_eq!(negotiations, 2 * count(&bytes, b"Password: "));
}

#[test]
fn nvt_crlf_is_short_texts_ended_by_cr_lf_or_cr_nul() {
    let bytes = Corpus::NvtCrlf.generate();
    assert!(!bytes.contains(&0xff));
    let crlf = count(&bytes, b"\r\n");
    let crnul = count(&bytes, b"\r\0");
    assert_eq!(crlf + crnul, bytes.iter().filter(|&&b| b == b'\r').count());
    assert_eq!(crnul, bytes.iter().filter(|&&b| b == 0).count());
    assert!(crlf.abs_diff(crnul) < (crlf + crnul) / 50);
    let average = bytes.len() / (crlf + crnul);
    assert!((8..12).contains(&average), "{average}");
}

fn digest(tally: &Tally) -> (u64, u64) {
    tally.sent.digest()
}

#[test]
fn our_session_reads_every_corpus_cleanly_whatever_the_chunks() {
    for corpus in Corpus::ALL {
        let bytes = corpus.generate_sized(SAMPLE);
        let whole = ours::parse(&bytes, 4096);
        assert_eq!(whole.anomalies, 0, "{}", corpus.name());
        for chunk in [64, 1, 4093] {
            let split = ours::parse(&bytes, chunk);
            assert_eq!(split.anomalies, 0, "{} / {chunk}", corpus.name());
            assert_eq!(split.data, whole.data, "{} / {chunk}", corpus.name());
            assert_eq!(
                split.sb_bytes,
                whole.sb_bytes,
                "{} / {chunk}",
                corpus.name()
            );
            assert_eq!(
                digest(&split),
                digest(&whole),
                "{} / {chunk}",
                corpus.name()
            );
            let read = ours::parse_read(&bytes, chunk);
            assert_eq!(read.anomalies, 0, "{} / {chunk}: read", corpus.name());
            assert_eq!(read.data, whole.data, "{} / {chunk}: read", corpus.name());
            assert_eq!(
                read.sb_bytes,
                whole.sb_bytes,
                "{} / {chunk}: read",
                corpus.name()
            );
            assert_eq!(
                digest(&read),
                digest(&whole),
                "{} / {chunk}: read",
                corpus.name()
            );
        }
    }
}

/// libtelnet delivers the same data (but for the NUL of CR NUL, which it
/// keeps), the same subnegotiations and the same commands, and sends the
/// same replies: the two parsers do the same work.
#[test]
fn libtelnet_does_the_same_job_as_our_session() {
    for corpus in Corpus::ALL {
        let bytes = corpus.generate_sized(SAMPLE);
        for chunk in [4096, 64] {
            let c = libtelnet::parse(&bytes, chunk);
            let r = ours::parse(&bytes, chunk);
            let name = corpus.name();
            assert_eq!(c.anomalies, 0, "{name} / {chunk}");
            let cr_nul = count(&data_of(&bytes), b"\r\0") as u64;
            assert_eq!(c.data, r.data + cr_nul, "{name} / {chunk}");
            assert_eq!(c.commands, r.commands, "{name} / {chunk}");
            assert_eq!(c.subnegotiations, r.subnegotiations, "{name} / {chunk}");
            assert_eq!(c.sb_bytes, r.sb_bytes, "{name} / {chunk}");
            assert_eq!(digest(&c), digest(&r), "{name} / {chunk}: replies");
            // Without NVT end-of-line handling, the data is byte for byte
            // libtelnet's too.
            let raw = ours::parse_raw(&bytes, chunk);
            assert_eq!(c.data, raw.data, "{name} / {chunk}: raw");
            assert_eq!(digest(&c), digest(&raw), "{name} / {chunk}: raw replies");
            // The copying API does the same job, reporting fewer
            // negotiations (those that change a state, as libtelnet does).
            let e = ours::parse_read(&bytes, chunk);
            assert_eq!(e.data, r.data, "{name} / {chunk}: read");
            assert_eq!(e.commands, r.commands, "{name} / {chunk}: read");
            assert_eq!(e.sb_bytes, r.sb_bytes, "{name} / {chunk}: read");
            assert_eq!(digest(&e), digest(&r), "{name} / {chunk}: read's replies");
            assert!(e.negotiations <= r.negotiations);
        }
    }
}

#[test]
fn replies_follow_the_policy() {
    let bytes = Corpus::Negotiation.generate_sized(SAMPLE);
    let tally = ours::parse(&bytes, 4096);
    // Every negotiation gets at most one three-byte reply, and many get one.
    let (sent, _) = digest(&tally);
    assert_eq!(sent % 3, 0);
    assert!(sent / 3 <= tally.negotiations);
    assert!(
        sent / 3 > tally.negotiations / 4,
        "{sent} for {}",
        tally.negotiations
    );
}

#[test]
fn libmudtelnet_reads_every_corpus_without_decompressing() {
    for corpus in Corpus::ALL {
        let bytes = corpus.generate_sized(SAMPLE);
        for chunk in [4096, 64] {
            let m = mud::parse(&bytes, chunk);
            assert_eq!(m.anomalies, 0, "{} / {chunk}", corpus.name());
            assert!(m.events > 0);
        }
    }
    // It delivers subnegotiations of the corpora's options.
    assert!(SUBNEGOTIATED.contains(&201));
    let bytes = Corpus::Mud.generate_sized(SAMPLE);
    assert_eq!(
        mud::parse(&bytes, 4096).subnegotiations,
        ours::parse(&bytes, 4096).subnegotiations
    );
}

#[test]
fn every_negotiation_of_the_storm_is_answered_by_us_and_libtelnet() {
    use telnet_benches::storm;
    let bytes = storm::bytes();
    assert_eq!(bytes.len(), 3 * storm::NEGOTIATIONS);
    let r = storm::ours(&bytes, 4096);
    assert_eq!(r.negotiations, storm::NEGOTIATIONS as u64);
    assert_eq!(r.sent.digest().0, bytes.len() as u64, "one reply each");
    assert_eq!(r.anomalies, 0);
    let c = storm::libtelnet(&bytes, 4096);
    assert_eq!(c.sent.digest(), r.sent.digest(), "the same replies");
    assert_eq!(
        c.negotiations,
        storm::NEGOTIATIONS as u64,
        "each changes a state"
    );
}
