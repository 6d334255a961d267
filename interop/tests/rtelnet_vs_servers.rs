//! The command-line client `rtelnet` (built by ci.sh into
//! `$INTEROP_BIN_DIR`) against the real servers, in piped mode: stdin is a
//! pipe, so it copies stdin to the server (`\n` as CR LF, 0xFF doubled) and
//! the decoded data to stdout, and exits 0 when the server closes.
//! A recorder sits between the two; `-d` traces the negotiation to stderr.
//!
//! Each test writes one line, waits until its echo is on stdout, then the
//! next, so that the expected stdout is exact (busybox's pty echoes a line
//! before cat prints it; with two lines in flight the copies interleave).
//! Then stdin is closed: every server here closes once it reads the end of
//! our data (telnet-chatd by dropping the connection), and rtelnet exits.
//! What each server sends is described in core_client_vs_servers.rs.

use std::net::{SocketAddr, TcpListener};
use std::process::{Command, ExitStatus};
use std::thread;
use std::time::{Duration, Instant};

use telnet_interop::{contains, escape, peers, Dir, Item, Peer, Recorder, Transcript, PATIENCE};
use telnet_proto::{Negotiation, TelnetOption as Opt, Verb};

/// rtelnet in piped mode with the trace on, connected to `recorder`.
fn rtelnet(recorder: &Recorder, extra: &[&str]) -> Peer {
    let port = recorder.port().to_string();
    Peer::spawn(
        "rtelnet",
        Command::new(peers::our_binary("rtelnet"))
            .args(["-d", "--connect-timeout", "20"])
            .args(extra)
            .args(["127.0.0.1", &port])
            .env("TERM", "xterm")
            .env("USER", "interop"),
    )
}

/// Writes `input` to rtelnet's stdin, then waits until stdout holds
/// `expected` (everything expected so far).
fn step(client: &mut Peer, input: &[u8], expected: &[u8]) {
    client.write_stdin(input);
    client
        .wait_for_stdout(expected, PATIENCE)
        .unwrap_or_else(|e| panic!("after writing {}: {e}", escape(input)));
}

/// What one run of rtelnet left behind.
struct Run {
    status: ExitStatus,
    stdout: Vec<u8>,
    stderr: String,
    transcript: Transcript,
}

/// Closes rtelnet's stdin and waits for it to exit (the server closes on
/// the end of our data) and for the connection to end.
fn finish(mut client: Peer, recorder: &Recorder) -> Run {
    client.close_stdin();
    let status = client.wait_exit(PATIENCE).unwrap_or_else(|e| {
        panic!(
            "rtelnet did not exit after the end of its stdin: {e}\ntranscript:\n{}",
            recorder.transcript()
        )
    });
    let transcript = recorder
        .wait_closed(PATIENCE)
        .unwrap_or_else(|e| panic!("{e}\n{}", client.describe_output()));
    // The pipes may still hold the last bytes: wait for the collectors.
    let stdout = settled(|| client.stdout());
    let stderr = String::from_utf8_lossy(&settled(|| client.stderr())).into_owned();
    Run {
        status,
        stdout,
        stderr,
        transcript,
    }
}

/// Reads `get` until two looks 100 ms apart agree (the process has exited,
/// so its pipes only drain), at most [`PATIENCE`].
fn settled(get: impl Fn() -> Vec<u8>) -> Vec<u8> {
    let deadline = Instant::now() + PATIENCE;
    let mut last = get();
    loop {
        thread::sleep(Duration::from_millis(100));
        let now = get();
        if now == last || Instant::now() >= deadline {
            return now;
        }
        last = now;
    }
}

impl Run {
    #[track_caller]
    fn assert_success(&self) {
        assert!(
            self.status.success(),
            "rtelnet exited with {}\nstderr:\n{}\ntranscript:\n{}",
            self.status,
            self.stderr,
            self.transcript
        );
    }

    #[track_caller]
    fn assert_stdout(&self, expected: &[u8]) {
        assert_eq!(
            escape(&self.stdout),
            escape(expected),
            "stdout differs\nstderr:\n{}\ntranscript:\n{}",
            self.stderr,
            self.transcript
        );
    }

    /// The trace is text, one event per line, and its `RCVD`/`SENT`
    /// negotiations are exactly those on the wire, in order: nothing
    /// traced as sent that was not sent, nothing received left out.
    #[track_caller]
    fn assert_trace_matches_wire(&self) {
        assert!(
            self.stderr
                .bytes()
                .all(|b| b == b'\n' || (0x20..0x7f).contains(&b)),
            "the trace is not plain text:\n{}",
            escape(self.stderr.as_bytes())
        );
        for (prefix, dir) in [("RCVD ", Dir::ToClient), ("SENT ", Dir::ToServer)] {
            let traced: Vec<&str> = self
                .stderr
                .lines()
                .filter_map(|l| l.strip_prefix(prefix))
                .filter(|l| {
                    ["WILL ", "WONT ", "DO ", "DONT "]
                        .iter()
                        .any(|v| l.starts_with(v))
                })
                .collect();
            let wire: Vec<String> = self
                .transcript
                .negotiations(dir)
                .iter()
                .map(|n| n.to_string())
                .collect();
            assert_eq!(
                traced, wire,
                "the {prefix}lines of the trace differ from the wire\nstderr:\n{}\ntranscript:\n{}",
                self.stderr, self.transcript
            );
        }
    }

    #[track_caller]
    fn assert_traced(&self, line: &str) {
        assert!(
            self.stderr.lines().any(|l| l == line),
            "no trace line {line:?}\nstderr:\n{}",
            self.stderr
        );
    }
}

#[test]
fn busybox_telnetd() {
    let (_server, addr) = peers::busybox_telnetd();
    let recorder = Recorder::start(addr);
    let mut client = rtelnet(&recorder, &[]);
    // Its issue file (/dev/null) and a newline come first.
    let mut expected = b"\r\r\n".to_vec();
    client.wait_for_stdout(&expected, PATIENCE).unwrap();
    // The pty echoes each line, then cat prints it.
    expected.extend_from_slice(b"caf\xc3\xa9 \xff done\r\ncaf\xc3\xa9 \xff done\r\n");
    step(&mut client, b"caf\xc3\xa9 \xff done\n", &expected);
    // A bare CR goes as CR NUL; the pty turns it into a newline, so this
    // is two lines, and cat may print the first before the pty echoes
    // the second: either order is right.
    client.write_stdin(b"cr\ralone\n");
    let orders: [&[u8]; 2] = [
        b"cr\r\nalone\r\ncr\r\nalone\r\n",
        b"cr\r\ncr\r\nalone\r\nalone\r\n",
    ];
    let deadline = Instant::now() + PATIENCE;
    let order = loop {
        let seen = client.stdout();
        if let Some(order) = orders.iter().find(|o| seen == [&expected[..], o].concat()) {
            break order;
        }
        assert!(
            Instant::now() < deadline && seen.len() < expected.len() + orders[0].len(),
            "not one of the expected outputs: {}\n{}",
            escape(&seen),
            client.describe_output()
        );
        thread::sleep(Duration::from_millis(20));
    };
    expected.extend_from_slice(order);
    let run = finish(client, &recorder);

    run.assert_success();
    run.assert_stdout(&expected);
    let t = &run.transcript;
    assert!(
        contains(&t.raw(Dir::ToServer), b"caf\xc3\xa9 \xff\xff done\r\n"),
        "{t}"
    );
    assert!(contains(&t.raw(Dir::ToServer), b"cr\r\0alone\r\n"), "{t}");
    // Piped, there is no window: DO NAWS is refused.
    assert!(t.sent(Dir::ToServer, Verb::Wont, Opt::NAWS), "{t}");
    assert!(t.sent(Dir::ToServer, Verb::Do, Opt::ECHO), "{t}");
    t.assert_negotiation_clean(Dir::ToServer);
    t.assert_negotiations_at_most(12);
    run.assert_trace_matches_wire();
    for line in [
        "RCVD DO NAWS",
        "SENT WONT NAWS",
        "RCVD WILL ECHO",
        "SENT DO ECHO",
    ] {
        run.assert_traced(line);
    }
}

#[test]
fn inetutils_telnetd() {
    let (_server, addr) = peers::inetutils_telnetd();
    let recorder = Recorder::start(addr);
    let mut client = rtelnet(&recorder, &[]);
    // 7-bit text only: rtelnet does not ask for BINARY, and without it
    // the pty strips the 8th bit (0xFF would arrive as DEL).
    let mut expected = Vec::new();
    for line in ["seven bits", "and more"] {
        let echoed = format!("{line}\r\n");
        expected.extend_from_slice(echoed.repeat(2).as_bytes());
        step(&mut client, format!("{line}\n").as_bytes(), &expected);
    }
    let run = finish(client, &recorder);

    run.assert_success();
    run.assert_stdout(&expected);
    let t = &run.transcript;
    // TTYPE from $TERM, once per SEND.
    let sends = t.subnegotiations(Dir::ToClient, Opt::TTYPE).len();
    assert!(sends >= 1, "{t}");
    assert_eq!(
        t.subnegotiations(Dir::ToServer, Opt::TTYPE),
        vec![b"\x00XTERM".to_vec(); sends],
        "{t}"
    );
    for opt in [Opt::TSPEED, Opt::XDISPLOC, Opt::LINEMODE, Opt::NAWS] {
        assert!(
            t.sent(Dir::ToServer, Verb::Wont, opt),
            "{opt} not refused\n{t}"
        );
    }
    t.assert_negotiation_clean(Dir::ToServer);
    t.assert_negotiations_at_most(60);
    run.assert_trace_matches_wire();
    run.assert_traced("RCVD DO TTYPE");
    run.assert_traced("SENT WILL TTYPE");
    run.assert_traced("SENT SB TTYPE IS \"XTERM\"");
}

/// telnet-chatd: asks for a name, welcomes, relays each line as
/// `<name>: <text>`. It drops the connection when it reads our end.
fn chatd(mccp: bool) -> Run {
    let (_server, addr) = peers::telnet_chatd();
    let recorder = Recorder::start(addr);
    let args: &[&str] = if mccp { &["--mccp"] } else { &[] };
    let mut client = rtelnet(&recorder, args);
    let mut expected = b"Enter name: ".to_vec();
    client.wait_for_stdout(&expected, PATIENCE).unwrap();
    expected.extend_from_slice(b"Welcome, rtelnet!\r\n");
    step(&mut client, b"rtelnet\n", &expected);
    expected.extend_from_slice(b"rtelnet: hi \xff there\r\n");
    step(&mut client, b"hi \xff there\n", &expected);
    // After each line it sends `WILL ECHO` again: wait for it and its
    // answer, so that the trace is complete when stdin ends. Unless the
    // line reached it before our answer to its last `WILL ECHO`: with
    // that request still pending, its Q method sends no new one.
    let do_echo = Item::Negotiation(Negotiation::new(Verb::Do, Opt::ECHO));
    recorder
        .wait_until(PATIENCE, |t| {
            let last = t.items(Dir::ToClient).last().map(|(_, i)| i.clone());
            let to_server = t.items(Dir::ToServer);
            let line = to_server
                .iter()
                .rposition(|(_, i)| matches!(i, Item::Data(_)));
            let answer = to_server.iter().rposition(|(_, i)| *i == do_echo);
            (last == Some(Item::Negotiation(Negotiation::new(Verb::Will, Opt::ECHO)))
                || line < answer)
                && t.negotiations(Dir::ToServer).len() == t.negotiations(Dir::ToClient).len()
        })
        .unwrap();
    let run = finish(client, &recorder);
    run.assert_success();
    run.assert_stdout(&expected);
    // telnet-chatd turns ECHO off and on around every line, so DO ECHO
    // and DONT ECHO recur, each answering the opposite statement (the
    // repetition rule still holds); exactly one answer per statement.
    let t = &run.transcript;
    let problems: Vec<String> = t
        .negotiation_problems(Dir::ToServer)
        .into_iter()
        .filter(|p| !(p.contains(" ECHO three times") && p.contains("sent DO")))
        .collect();
    assert!(
        problems.is_empty(),
        "{problems:#?}
{t}"
    );
    for (ours, theirs) in [(Verb::Do, Verb::Will), (Verb::Dont, Verb::Wont)] {
        let count = |dir: Dir, verb: Verb| {
            t.negotiations(dir)
                .iter()
                .filter(|n| **n == Negotiation::new(verb, Opt::ECHO))
                .count()
        };
        assert_eq!(
            count(Dir::ToServer, ours),
            count(Dir::ToClient, theirs),
            "{t}"
        );
    }
    t.assert_negotiations_at_most(16);
    run.assert_trace_matches_wire();
    run.assert_traced("RCVD WILL MCCP2");
    run
}

#[test]
fn telnet_chatd_with_mccp() {
    let run = chatd(true);
    let t = &run.transcript;
    assert!(t.sent(Dir::ToServer, Verb::Do, Opt::MCCP2), "{t}");
    run.assert_traced("SENT DO MCCP2");
    // The welcome was inside the compressed stream, and rtelnet printed
    // it inflated.
    let items = t.items(Dir::ToClient);
    let start = items
        .iter()
        .position(|(_, i)| *i == Item::CompressionStart)
        .unwrap_or_else(|| panic!("MCCP2 never started\n{t}"));
    assert!(
        items[start..]
            .iter()
            .any(|(_, i)| matches!(i, Item::Data(d) if contains(d, b"Welcome, rtelnet!"))),
        "the welcome was not compressed\n{t}"
    );
    assert!(
        !contains(&t.raw(Dir::ToClient), b"Welcome, rtelnet!"),
        "{t}"
    );
}

#[test]
fn telnet_chatd_without_mccp() {
    let run = chatd(false);
    let t = &run.transcript;
    assert!(t.sent(Dir::ToServer, Verb::Dont, Opt::MCCP2), "{t}");
    assert!(!t.sent(Dir::ToServer, Verb::Do, Opt::MCCP2), "{t}");
    run.assert_traced("SENT DONT MCCP2");
    assert!(!t.has(Dir::ToClient, &Item::CompressionStart), "{t}");
    assert!(
        contains(&t.raw(Dir::ToClient), b"Welcome, rtelnet!"),
        "the welcome is not plain on the wire\n{t}"
    );
}

#[test]
fn telnetlib_style_server() {
    let (mut server, addr) = peers::telnetlib_server();
    let recorder = Recorder::start(addr);
    let mut client = rtelnet(&recorder, &[]);
    let mut expected = b"telnetlib-style server \xff ready\r\n".to_vec();
    client.wait_for_stdout(&expected, PATIENCE).unwrap();
    // It echoes the wire bytes: 0xFF doubled, CR NUL, CR LF, which
    // rtelnet prints as 0xFF, CR and CR LF.
    expected.extend_from_slice(b"a\xffb\rc\r\n");
    step(&mut client, b"a\xffb\rc\n", &expected);
    let run = finish(client, &recorder);
    server.wait_for_line("CLOSED", PATIENCE).unwrap();

    run.assert_success();
    run.assert_stdout(&expected);
    let t = &run.transcript;
    assert!(
        contains(&t.raw(Dir::ToServer), b"a\xff\xffb\r\0c\r\n"),
        "{t}"
    );
    // It answers refusals with refusals: a client that answered those
    // too would loop with it.
    t.assert_negotiation_clean(Dir::ToServer);
    t.assert_negotiations_at_most(12);
    assert_eq!(
        t.subnegotiations(Dir::ToServer, Opt::TTYPE),
        [b"\x00XTERM"],
        "{t}"
    );
    run.assert_trace_matches_wire();
    run.assert_traced("RCVD DO TTYPE");
    run.assert_traced("SENT WILL TTYPE");
}

/// As a script uses it: all of stdin at once, ended at once, before the
/// server's opening has arrived. The opening must still be answered (the
/// end of stdin must not cut off the answers), and the echo printed.
#[test]
fn telnetlib_style_server_with_stdin_ended_at_once() {
    let (mut server, addr) = peers::telnetlib_server();
    let recorder = Recorder::start(addr);
    let mut client = rtelnet(&recorder, &[]);
    client.write_stdin(b"quick \xff line\n");
    let run = finish(client, &recorder);
    server.wait_for_line("CLOSED", PATIENCE).unwrap();

    run.assert_success();
    run.assert_stdout(b"telnetlib-style server \xff ready\r\nquick \xff line\r\n");
    let t = &run.transcript;
    for (verb, opt) in [
        (Verb::Will, Opt::TTYPE),
        (Verb::Wont, Opt::NAWS),
        (Verb::Do, Opt::ECHO),
        (Verb::Do, Opt::SGA),
    ] {
        assert!(
            t.sent(Dir::ToServer, verb, opt),
            "the opening was not answered ({verb:?} {opt} missing)\nstderr:\n{}\n{t}",
            run.stderr
        );
    }
    t.assert_negotiation_clean(Dir::ToServer);
    run.assert_trace_matches_wire();
}

#[test]
fn telnetlib3_server() {
    let (mut server, addr) = peers::telnetlib3_server();
    let recorder = Recorder::start(addr);
    let mut client = rtelnet(&recorder, &[]);
    let mut expected = b"telnetlib3 server \xff ready\r\n".to_vec();
    client.wait_for_stdout(&expected, PATIENCE).unwrap();
    expected.extend_from_slice(b"a\xffb\r\n");
    step(&mut client, b"a\xffb\n", &expected);
    expected.extend_from_slice(b"x\ry\r\n");
    step(&mut client, b"x\ry\n", &expected);
    let run = finish(client, &recorder);
    let options = server.wait_for_line("OPTIONS", PATIENCE).unwrap();

    run.assert_success();
    run.assert_stdout(&expected);
    let t = &run.transcript;
    assert!(
        options.to_ascii_lowercase().contains("term=xterm"),
        "telnetlib3 did not get our TTYPE: {options}\n{t}"
    );
    // BINARY is not accepted: the client's text is NVT.
    assert!(t.sent(Dir::ToServer, Verb::Dont, Opt::BINARY), "{t}");
    t.assert_negotiation_clean(Dir::ToServer);
    t.assert_negotiations_at_most(30);
    run.assert_trace_matches_wire();
    run.assert_traced("RCVD DO NAWS");
    run.assert_traced("SENT WONT NAWS");
    run.assert_traced("SENT SB TTYPE IS \"XTERM\"");
}

#[test]
fn connect_failure_to_a_closed_port() {
    // A port that was just free: bound, read, released.
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let mut client = Peer::spawn(
        "rtelnet",
        Command::new(peers::our_binary("rtelnet")).args([
            "--connect-timeout",
            "10",
            &addr.ip().to_string(),
            &port.to_string(),
        ]),
    );
    client.close_stdin();
    let status = client.wait_exit(PATIENCE).unwrap();
    let stderr = String::from_utf8_lossy(&settled(|| client.stderr())).into_owned();
    assert!(!status.success(), "exit {status}, stderr {stderr:?}");
    assert_eq!(stderr.lines().count(), 1, "not one line: {stderr:?}");
    assert!(
        stderr.starts_with("rtelnet: ") && stderr.contains(&port.to_string()),
        "{stderr:?}"
    );
    assert!(
        stderr.to_ascii_lowercase().contains("refused"),
        "the reason is missing: {stderr:?}"
    );
    assert!(client.stdout().is_empty(), "{}", escape(&client.stdout()));
}
