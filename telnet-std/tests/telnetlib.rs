//! telnetlib's API, method by method, against a scripted peer on 127.0.0.1.

mod support;

use std::io::{BufRead, Read};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use regex::bytes::Regex;
use support::{connect_chunked, recv, send, Peer, Step, LIMIT};
use telnet_proto::{Command, Negotiation, Side, TelnetOption, Verb};
use telnet_std::{Builder, Control, Error, Expect, Handler, Ready, Telnet};

const SHORT: Duration = Duration::from_millis(100);

fn client(peer: &Peer) -> Telnet {
    let tn = Builder::new()
        .timeout(Some(LIMIT))
        .connect(peer.addr)
        .unwrap();
    assert_eq!(tn.timeout(), Some(LIMIT));
    tn
}

// ---- read_until -----------------------------------------------------------

#[test]
fn read_until_returns_through_the_match_and_keeps_the_rest() {
    let peer = Peer::start(vec![send("banner\r\nlogin: rest"), Step::Go]);
    let mut tn = client(&peer);
    assert_eq!(tn.read_until(b"login: ").unwrap(), b"banner\r\nlogin: ");
    assert_eq!(tn.read_until(b"rest").unwrap(), b"rest");
    assert_eq!(tn.read_very_lazy().unwrap(), b"");
    drop(tn);
    peer.finish();
}

#[test]
fn read_until_match_spans_reads() {
    // The peer sends the first half with a DO, waits for our WONT (proof
    // that we read it), then sends the second half.
    let peer = Peer::start(vec![
        send(b"log\xff\xfd\x18"),
        recv(b"\xff\xfc\x18"),
        send(b"in: x"),
    ]);
    let mut tn = client(&peer);
    assert_eq!(tn.read_until(b"login: ").unwrap(), b"login: ");
    assert_eq!(tn.read_all().unwrap(), b"x");
    drop(tn);
    peer.finish();
}

#[test]
fn read_until_byte_by_byte_with_split_iac_sequences() {
    // Every sequence cut at every byte: one byte per read.
    let script = b"a\xff\xffb\xff\xfb\x01c\xff\xfa\x18\x01\xff\xf0d\r\0e\xff\xf1prompt> ";
    for max in 1..=4 {
        let peer = Peer::start(vec![send(script), Step::Go]);
        let stream = connect_chunked(peer.addr, max);
        let mut tn = Telnet::new(stream);
        tn.set_timeout(Some(LIMIT));
        let got = tn.read_until(b"prompt> ").unwrap();
        assert_eq!(got, b"a\xffbcd\reprompt> ", "max {max}");
        assert_eq!(tn.read_sb_data(), [1], "max {max}");
        peer.go();
        drop(tn);
        let sent = peer.finish();
        assert_eq!(sent, b"\xff\xfe\x01", "DONT ECHO once, max {max}");
    }
}

#[test]
fn read_until_timeout_returns_what_is_there() {
    let peer = Peer::start(vec![send("partial"), Step::Go, send("ly done")]);
    let mut tn = client(&peer);
    assert_eq!(
        tn.read_until_timeout(b"done", Some(SHORT)).unwrap(),
        b"partial"
    );
    // Nothing buffered, still open: an empty result, not an error.
    assert_eq!(tn.read_until_timeout(b"done", Some(SHORT)).unwrap(), b"");
    peer.go();
    assert_eq!(tn.read_until(b"done").unwrap(), b"ly done");
    drop(tn);
    peer.finish();
}

#[test]
fn read_until_at_eof() {
    let peer = Peer::start(vec![send("no match here"), Step::Close]);
    let mut tn = client(&peer);
    assert_eq!(tn.read_until(b"login:").unwrap(), b"no match here");
    assert!(matches!(tn.read_until(b"login:"), Err(Error::Eof)));
    assert!(tn.is_eof());
    drop(tn);
    peer.finish();
}

#[test]
fn default_timeout_applies_to_read_until() {
    let peer = Peer::start(vec![send("abc"), Step::Go]);
    let mut tn = client(&peer);
    tn.set_timeout(Some(SHORT));
    assert_eq!(tn.read_until(b"xyz").unwrap(), b"abc");
    drop(tn);
    peer.finish();
}

// ---- read_all, read_some ------------------------------------------------

#[test]
fn read_all_reads_to_eof() {
    let peer = Peer::start(vec![
        send("one "),
        send(b"\xff\xfd\x01"),
        recv(b"\xff\xfc\x01"),
        send("two"),
        Step::Close,
    ]);
    let mut tn = client(&peer);
    assert_eq!(tn.read_all().unwrap(), b"one two");
    // telnetlib: read_all at EOF with nothing left is empty, not an error.
    assert_eq!(tn.read_all().unwrap(), b"");
    drop(tn);
    peer.finish();
}

#[test]
fn read_all_timeout_keeps_the_data() {
    let peer = Peer::start(vec![send("kept"), Step::Go]);
    let mut tn = client(&peer);
    assert!(matches!(
        tn.read_all_timeout(Some(SHORT)),
        Err(Error::Timeout)
    ));
    assert_eq!(tn.read_very_lazy().unwrap(), b"kept");
    drop(tn);
    peer.finish();
}

#[test]
fn read_some_returns_something_or_empty_at_eof() {
    let peer = Peer::start(vec![
        send(b"\xff\xfb\x03"),
        recv(b"\xff\xfe\x03"),
        send("x"),
        Step::Close,
    ]);
    let mut tn = client(&peer);
    // A negotiation alone is no data: read_some waits for the byte.
    assert_eq!(tn.read_some().unwrap(), b"x");
    assert_eq!(tn.read_some().unwrap(), b"");
    assert_eq!(tn.read_some().unwrap(), b"");
    drop(tn);
    peer.finish();
}

#[test]
fn read_some_times_out() {
    let peer = Peer::start(vec![Step::Go]);
    let mut tn = client(&peer);
    assert!(matches!(
        tn.read_some_timeout(Some(SHORT)),
        Err(Error::Timeout)
    ));
    tn.set_timeout(Some(SHORT));
    let err = tn.read_some().unwrap_err();
    assert!(matches!(err, Error::Timeout), "{err}");
    let io: std::io::Error = err.into();
    assert_eq!(io.kind(), std::io::ErrorKind::TimedOut);
    drop(tn);
    peer.finish();
}

// ---- eager and lazy reads ---------------------------------------------

#[test]
fn eager_reads_never_block() {
    let peer = Peer::start(vec![Step::Go, send("late"), Step::Close]);
    let mut tn = client(&peer);
    // Nothing sent yet: both return empty at once (a blocked call would
    // see the data the peer sends after `go`, or its close).
    assert_eq!(tn.read_eager().unwrap(), b"");
    assert_eq!(tn.read_very_eager().unwrap(), b"");
    assert_eq!(tn.read_lazy().unwrap(), b"");
    assert_eq!(tn.read_very_lazy().unwrap(), b"");
    peer.go();
    assert_eq!(tn.read_until(b"late").unwrap(), b"late");
    drop(tn);
    peer.finish();
}

#[test]
fn eager_and_lazy_reads_raise_eof_only_when_nothing_is_left() {
    let peer = Peer::start(vec![send("bye"), Step::Close]);
    let mut tn = client(&peer);
    assert_eq!(tn.read_until(b"never").unwrap(), b"bye");
    assert!(tn.is_eof());
    assert!(matches!(tn.read_very_eager(), Err(Error::Eof)));
    assert!(matches!(tn.read_eager(), Err(Error::Eof)));
    assert!(matches!(tn.read_lazy(), Err(Error::Eof)));
    assert!(matches!(tn.read_very_lazy(), Err(Error::Eof)));
    drop(tn);
    peer.finish();
}

#[test]
fn read_very_eager_returns_buffered_data_before_eof() {
    let peer = Peer::start(vec![send("abc"), Step::Close]);
    let mut tn = client(&peer);
    let mut got = Vec::new();
    loop {
        match tn.read_very_eager() {
            Ok(d) if d.is_empty() => {
                assert!(tn.get_mut().wait_readable(Some(LIMIT)).unwrap());
            }
            Ok(d) => got.extend(d),
            Err(Error::Eof) => break,
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(got, b"abc");
    drop(tn);
    peer.finish();
}

#[test]
fn read_eager_stops_at_the_first_data() {
    let peer = Peer::start(vec![send("first"), Step::Go]);
    let mut tn = client(&peer);
    assert_eq!(tn.read_some().unwrap(), b"first");
    assert_eq!(tn.read_eager().unwrap(), b"");
    drop(tn);
    peer.finish();
}

// ---- read_sb_data -----------------------------------------------------

#[test]
fn read_sb_data_once() {
    let peer = Peer::start(vec![
        send(b"\xff\xfa\x18\x01\xff\xf0\xff\xfa\xc9a\xff\xffb\xff\xf0end"),
        Step::Go,
    ]);
    let mut tn = client(&peer);
    assert_eq!(tn.read_until(b"end").unwrap(), b"end");
    // The last subnegotiation only, unescaped; then empty.
    assert_eq!(tn.read_sb_data(), b"a\xffb");
    assert_eq!(tn.read_sb_data(), b"");
    assert_eq!(tn.take_subnegotiation(), None);
    drop(tn);
    peer.finish();
}

#[test]
fn subnegotiation_flood_is_discarded_and_data_flows() {
    let mut flood = b"\xff\xfa\xc9".to_vec();
    flood.extend(std::iter::repeat_n(b'x', 100_000));
    flood.extend(b"\xff\xf0after");
    let peer = Peer::start(vec![send(flood), Step::Go]);
    let mut tn = client(&peer);
    assert_eq!(tn.read_until(b"after").unwrap(), b"after");
    assert_eq!(tn.read_sb_data(), b"");
    drop(tn);
    peer.finish();
}

// ---- expect -----------------------------------------------------------

#[test]
fn expect_several_patterns() {
    let peer = Peer::start(vec![
        send(b"user 42 logged in\r\n$ more"),
        Step::Go,
        send(b"Password: "),
        Step::Close,
    ]);
    let mut tn = client(&peer);
    let patterns = [
        Regex::new(r"Password: ").unwrap(),
        Regex::new(r"user (\d+)").unwrap(),
        Regex::new(r"\$ ").unwrap(),
    ];
    let Expect::Matched(m) = tn.expect(&patterns).unwrap() else {
        panic!("no match")
    };
    // "user (\d+)" is listed before "\$ ", so it wins.
    assert_eq!(m.index, 1);
    assert_eq!(m.text, b"user 42");
    assert_eq!(m.as_bytes(), b"user 42");
    assert_eq!(m.group(1), Some(&b"42"[..]));
    assert_eq!(m.group(2), None);
    let m = tn.expect(&patterns).unwrap();
    assert_eq!(m.index(), Some(2));
    assert_eq!(m.text(), b" logged in\r\n$ ");
    peer.go();
    let m = tn.expect(&patterns).unwrap();
    assert_eq!(m.index(), Some(0));
    assert_eq!(m.text(), b"morePassword: ");
    assert_eq!(m.matched().unwrap().range(), 4..14);
    // Closed, nothing left: EOF.
    assert!(matches!(tn.expect(&patterns), Err(Error::Eof)));
    drop(tn);
    peer.finish();
}

#[test]
fn expect_timeout_and_eof_without_match() {
    let peer = Peer::start(vec![
        send("some text"),
        Step::Go,
        send(" and the end"),
        Step::Close,
    ]);
    let mut tn = client(&peer);
    let patterns = [Regex::new("never").unwrap()];
    let got = tn.expect_timeout(&patterns, Some(SHORT)).unwrap();
    assert_eq!(got, Expect::NoMatch(b"some text".to_vec()));
    assert_eq!(got.index(), None);
    assert_eq!(
        tn.expect_timeout(&patterns, Some(SHORT)).unwrap(),
        Expect::NoMatch(Vec::new())
    );
    peer.go();
    assert_eq!(
        tn.expect(&patterns).unwrap(),
        Expect::NoMatch(b" and the end".to_vec())
    );
    assert!(matches!(tn.expect(&patterns), Err(Error::Eof)));
    drop(tn);
    peer.finish();
}

#[test]
fn expect_matches_data_that_came_with_the_close() {
    let peer = Peer::start(vec![send("last words"), Step::Close]);
    let mut tn = client(&peer);
    let m = tn.expect(&[Regex::new("words$").unwrap()]).unwrap();
    assert_eq!(m.index(), Some(0));
    assert_eq!(m.text(), b"last words");
    drop(tn);
    peer.finish();
}

#[test]
fn expect_match_spans_reads_byte_by_byte() {
    let peer = Peer::start(vec![
        send(b"noise \xff\xf1 pass\xff\xffword: tail"),
        Step::Go,
    ]);
    let mut tn = Telnet::new(connect_chunked(peer.addr, 1));
    tn.set_timeout(Some(LIMIT));
    let m = tn.expect(&[Regex::new(r"pass(?-u:\xff)word: ").unwrap()]);
    // `(?-u:\xff)` is the byte 0xFF (`\xff` alone is U+00FF in UTF-8).
    let m = m.unwrap();
    assert_eq!(m.text(), b"noise  pass\xffword: ");
    drop(tn);
    peer.finish();
}

// ---- writing ----------------------------------------------------------

#[test]
fn write_doubles_iac_and_write_text_sends_nvt_newlines() {
    let peer = Peer::start(vec![recv(b"END"), Step::Close]);
    let mut tn = client(&peer);
    tn.write(b"a\xffb\n").unwrap();
    tn.write_text(b"line\nbare\r\r\n\xff").unwrap();
    std::io::Write::write_all(&mut tn, b"\xffEND").unwrap();
    let _ = tn.read_all();
    drop(tn);
    let sent = peer.finish();
    assert_eq!(sent, b"a\xff\xffb\nline\r\nbare\r\0\r\n\xff\xff\xff\xffEND");
}

#[test]
fn commands_and_subnegotiations_are_sent() {
    let peer = Peer::start(vec![recv(b"\xff\xf0"), Step::Close]);
    let mut tn = client(&peer);
    tn.send_command(Command::AreYouThere).unwrap();
    tn.send_subnegotiation(TelnetOption::NAWS, &[0, 255, 0, 24])
        .unwrap();
    let _ = tn.read_all();
    drop(tn);
    assert_eq!(
        peer.finish(),
        b"\xff\xf6\xff\xfa\x1f\x00\xff\xff\x00\x18\xff\xf0"
    );
}

#[test]
fn an_invalid_command_is_an_error_and_sends_nothing() {
    let peer = Peer::start(vec![recv(b"\xff\xf1"), Step::Close]);
    let mut tn = client(&peer);
    for code in 250..=255 {
        let err = tn.send_command(Command::Unknown(code)).unwrap_err();
        let Error::Io(err) = err else {
            panic!("{err:?}")
        };
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
        assert!(err.to_string().contains(&format!("IAC {code} ")), "{err}");
    }
    tn.send_command(Command::Nop).unwrap();
    let _ = tn.read_all();
    drop(tn);
    assert_eq!(peer.finish(), b"\xff\xf1");
}

// ---- negotiation ------------------------------------------------------

#[test]
fn default_policy_refuses_and_never_loops() {
    let peer = Peer::start(vec![
        send(b"\xff\xfd\x1f\xff\xfb\x01\xff\xfe\x1f\xff\xfc\x01\xff\xfd\x1fmark"),
        Step::Close,
    ]);
    let mut tn = client(&peer);
    assert_eq!(tn.read_until(b"mark").unwrap(), b"mark");
    let _ = tn.read_all();
    drop(tn);
    // DO NAWS -> WONT; WILL ECHO -> DONT; DONT/WONT for what is off: no
    // answer (telnetlib answered); a repeated DO NAWS is a new request.
    assert_eq!(peer.finish(), b"\xff\xfc\x1f\xff\xfe\x01\xff\xfc\x1f");
}

#[test]
fn accepted_options_and_requests() {
    let peer = Peer::start(vec![
        recv(b"\xff\xfd\x03"), // our DO SGA
        send(b"\xff\xfb\x03\xff\xfb\x01\xff\xfd\x1f"),
        recv(b"\xff\xfa\x1f\x00\x50\x00\x18\xff\xf0"),
        send(b"\xff\xfa\x18\x01\xff\xf0"),
        send("ok"),
        Step::Go,
    ]);
    let mut tn = Builder::new()
        .timeout(Some(LIMIT))
        .request(Side::Remote, TelnetOption::SGA)
        .allow(Side::Remote, TelnetOption::ECHO)
        .window_size(80, 24)
        .terminal_type("xterm-256color")
        .connect(peer.addr)
        .unwrap();
    assert_eq!(tn.read_until(b"ok").unwrap(), b"ok");
    assert!(tn.is_enabled(Side::Remote, TelnetOption::SGA));
    assert!(tn.is_enabled(Side::Remote, TelnetOption::ECHO));
    assert!(tn.is_enabled(Side::Local, TelnetOption::NAWS));
    assert!(!tn.is_enabled(Side::Local, TelnetOption::TTYPE));
    peer.go();
    drop(tn);
    let sent = peer.finish();
    assert_eq!(
        sent,
        [
            &b"\xff\xfd\x03"[..],                    // DO SGA (request)
            b"\xff\xfd\x01",                         // DO ECHO (answer)
            b"\xff\xfb\x1f",                         // WILL NAWS
            b"\xff\xfa\x1f\x00\x50\x00\x18\xff\xf0", // SB NAWS 80 24
        ]
        .concat()[..],
        "TTYPE SEND without DO TTYPE is not answered"
    );
}

/// Records what the handler saw.
#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<String>>>);

impl Handler for Recorder {
    fn negotiation(&mut self, received: Negotiation, ctl: &mut Control<'_>) {
        self.0.lock().unwrap().push(format!("{received}"));
        // Accept ECHO by hand, refuse the rest.
        match (received.verb, received.option) {
            (Verb::Will, TelnetOption::ECHO) => {
                ctl.send_negotiation(Negotiation::new(Verb::Do, TelnetOption::ECHO));
                ctl.set_option_state(Side::Remote, TelnetOption::ECHO, true);
            }
            (Verb::Do, option) => ctl.send_negotiation(Negotiation::new(Verb::Wont, option)),
            _ => {}
        }
    }

    fn command(&mut self, command: Command, _: &mut Control<'_>) {
        self.0.lock().unwrap().push(format!("{command}"));
    }

    fn subnegotiation(&mut self, option: TelnetOption, payload: &[u8], _: &mut Control<'_>) {
        self.0
            .lock()
            .unwrap()
            .push(format!("SB {option} {payload:?}"));
    }
}

#[test]
fn manual_mode_hands_every_negotiation_to_the_handler() {
    let peer = Peer::start(vec![
        send(
            b"\xff\xfb\x01\xff\xfd\x18\xff\xfe\x18\xff\xfc\x2a\xff\xf6\xff\xfa\x2a\x01\xff\xf0done",
        ),
        Step::Close,
    ]);
    let seen = Recorder::default();
    let mut tn = Builder::new()
        .timeout(Some(LIMIT))
        .manual_negotiation(true)
        .handler(seen.clone())
        .connect(peer.addr)
        .unwrap();
    assert_eq!(tn.read_until(b"done").unwrap(), b"done");
    assert!(tn.is_enabled(Side::Remote, TelnetOption::ECHO));
    let _ = tn.read_all();
    drop(tn);
    // Only what the handler sent: nothing for DONT/WONT.
    assert_eq!(peer.finish(), b"\xff\xfd\x01\xff\xfc\x18");
    assert_eq!(
        *seen.0.lock().unwrap(),
        [
            "WILL ECHO",
            "DO TTYPE",
            "DONT TTYPE",
            "WONT CHARSET",
            "AYT",
            "SB CHARSET [1]"
        ]
    );
}

#[test]
fn closure_handler_in_manual_mode() {
    let peer = Peer::start(vec![
        send(b"\xff\xfd\x05x"),
        recv(b"\xff\xfb\x05"),
        Step::Close,
    ]);
    let mut tn = client(&peer);
    tn.set_manual_negotiation(true);
    tn.set_handler(|n: Negotiation, ctl: &mut Control<'_>| {
        if n.verb == Verb::Do {
            ctl.send_negotiation(Negotiation::new(Verb::Will, n.option));
        }
    });
    assert_eq!(tn.read_until(b"x").unwrap(), b"x");
    let _ = tn.read_all();
    drop(tn);
    assert_eq!(peer.finish(), b"\xff\xfb\x05");
}

// ---- data semantics and std::io ---------------------------------------

#[test]
fn nul_and_dc1_are_data_and_cr_nul_is_cr() {
    let peer = Peer::start(vec![send(b"\x00\x11\x00\x50\r\x00x\r\nend"), Step::Close]);
    let mut tn = client(&peer);
    assert_eq!(tn.read_all().unwrap(), b"\x00\x11\x00\x50\rx\r\nend");
    drop(tn);
    peer.finish();
}

#[test]
fn bufread_lines() {
    let peer = Peer::start(vec![
        send(b"first line\r\n"),
        send(b"second \xff\xfd\x01"),
        recv(b"\xff\xfc\x01"),
        send(b"line\r\nlast"),
        Step::Close,
    ]);
    let tn = client(&peer);
    let lines: Vec<String> = tn.lines().map(|l| l.unwrap()).collect();
    assert_eq!(lines, ["first line", "second line", "last"]);
    peer.finish();
}

#[test]
fn read_trait_reads_decoded_data_to_end() {
    let peer = Peer::start(vec![send(b"a\xff\xffb\xff\xf1c"), Step::Close]);
    let mut tn = client(&peer);
    let mut all = Vec::new();
    tn.read_to_end(&mut all).unwrap();
    assert_eq!(all, b"a\xffbc");
    drop(tn);
    peer.finish();
}

#[test]
fn trace_names_every_negotiation_both_ways() {
    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Sink {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let sink = Sink::default();
    let writer = sink.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let peer = Peer::start(vec![send(b"\xff\xfd\x1f\xff\xf6x"), Step::Close]);
    tracing::subscriber::with_default(subscriber, || {
        let mut tn = Builder::new()
            .timeout(Some(LIMIT))
            .window_size(132, 43)
            .connect(peer.addr)
            .unwrap();
        let _ = tn.read_all();
    });
    peer.finish();
    let log = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
    for line in [
        "RCVD DO NAWS",
        "SENT WILL NAWS",
        "SENT SB NAWS 132 43",
        "RCVD AYT",
        "recv ff fd 1f ff f6 78",
    ] {
        assert!(log.contains(line), "{line:?} missing from:\n{log}");
    }
}

#[test]
fn as_raw_fd_is_the_socket() {
    use std::os::fd::AsRawFd;
    let peer = Peer::start(vec![Step::Close]);
    let tn = client(&peer);
    assert_eq!(tn.as_raw_fd(), tn.get_ref().as_raw_fd());
    drop(tn);
    peer.finish();
}

#[test]
fn buffer_limit_is_an_error_that_keeps_the_data() {
    let peer = Peer::start(vec![send(vec![b'z'; 64 * 1024]), Step::Go]);
    let mut tn = Builder::new()
        .timeout(Some(LIMIT))
        .max_buffered(1000)
        .connect(peer.addr)
        .unwrap();
    let err = tn.read_until(b"never").unwrap_err();
    assert!(matches!(err, Error::BufferFull { limit: 1000 }), "{err}");
    let kept = tn.read_very_lazy().unwrap();
    assert!(kept.len() >= 1000 && kept.iter().all(|&b| b == b'z'));
    drop(tn);
    peer.finish();
}

#[test]
fn connect_failure_is_an_io_error() {
    // A port that was just free: nothing listens there.
    let addr = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    match Telnet::connect_timeout(addr, LIMIT) {
        Err(Error::Io(e)) => assert_eq!(e.kind(), std::io::ErrorKind::ConnectionRefused),
        other => panic!("{other:?}"),
    }
}
