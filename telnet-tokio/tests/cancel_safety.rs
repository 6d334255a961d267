//! A read dropped before it completes (by `select!` or a timeout) loses no
//! byte: the data stays in the session for the next call.

use std::time::Duration;

use regex::bytes::Regex;
use telnet_tokio::Telnet;
use tokio::io::{duplex, AsyncWriteExt};

/// Lines dripped in pieces, each piece after a pause.
async fn drip(mut peer: tokio::io::DuplexStream, pieces: Vec<&'static [u8]>) {
    for piece in pieces {
        peer.write_all(piece).await.unwrap();
        tokio::time::sleep(Duration::from_millis(7)).await;
    }
}

const PIECES: [&[u8]; 9] = [
    b"first li",
    b"ne\nsec",
    b"ond",
    b" line\n\xff",
    b"\xffthird\xff",
    b"\xf1 line",
    b"\n",
    b"fourth line\nfifth",
    b" line\n",
];

fn expected() -> Vec<u8> {
    b"first line\nsecond line\n\xffthird line\nfourth line\nfifth line\n".to_vec()
}

#[tokio::test(start_paused = true)]
async fn read_until_dropped_by_select_loses_nothing() {
    let (a, b) = duplex(1024);
    let mut t = Telnet::new(a);
    tokio::spawn(drip(b, PIECES.to_vec()));
    let mut got = Vec::new();
    let mut cancelled = 0;
    loop {
        tokio::select! {
            line = t.read_until(b"\n") => match line {
                Ok(line) => got.extend_from_slice(&line),
                Err(e) if e.is_eof() => break,
                Err(e) => panic!("{e}"),
            },
            // Fires between the pieces, cancelling a read that has
            // already buffered part of a line.
            _ = tokio::time::sleep(Duration::from_millis(3)) => cancelled += 1,
        }
    }
    assert!(cancelled > 5, "the reads were cancelled {cancelled} times");
    assert_eq!(got, expected());
}

#[tokio::test(start_paused = true)]
async fn expect_and_read_some_dropped_by_timeout_lose_nothing() {
    let (a, b) = duplex(1024);
    let mut t = Telnet::new(a);
    tokio::spawn(drip(b, PIECES.to_vec()));
    let patterns = [Regex::new("line\n").unwrap()];
    let mut got = Vec::new();
    let mut cancelled = 0;
    for round in 0.. {
        let step = Duration::from_millis(2);
        let result = if round % 2 == 0 {
            tokio::time::timeout(step, t.expect(&patterns))
                .await
                .map(|r| r.map(|e| e.text))
        } else {
            tokio::time::timeout(step, t.read_some()).await
        };
        match result {
            Err(_elapsed) => cancelled += 1,
            Ok(Ok(text)) if text.is_empty() => break,
            Ok(Ok(text)) => got.extend_from_slice(&text),
            Ok(Err(e)) if e.is_eof() => break,
            Ok(Err(e)) => panic!("{e}"),
        }
    }
    assert!(cancelled > 5, "the reads were cancelled {cancelled} times");
    assert_eq!(got, expected());
}
