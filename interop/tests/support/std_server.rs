//! Our server, as an application would write it with `telnet-std`:
//! [`Builder::server`] (WILL ECHO, WILL SGA, DO NAWS, DO TTYPE and the first
//! TTYPE SEND), plus WILL CHARSET, a handler that cycles TTYPE until the
//! name repeats and asks for UTF-8 once CHARSET is agreed, a greeting, and
//! an echo of every line as text. One connection, on a thread of its own.

use std::net::{Ipv4Addr, TcpListener};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use telnet_interop::PATIENCE;
use telnet_proto::{Side, TelnetOption as Opt};
use telnet_std::{Builder, Control, Error, Handler};

use super::report::{Report, Server};
use super::tokio_server::GREETING;

#[derive(Default)]
struct Seen {
    ttypes: Vec<Vec<u8>>,
    naws: Vec<Vec<u8>>,
    charset: Vec<Vec<u8>>,
}

struct Recorder(Arc<Mutex<Seen>>);

impl Handler for Recorder {
    fn option_changed(&mut self, option: Opt, side: Side, enabled: bool, ctl: &mut Control<'_>) {
        if (option, side, enabled) == (Opt::CHARSET, Side::Local, true) {
            ctl.send_subnegotiation(Opt::CHARSET, b"\x01;UTF-8");
        }
    }

    fn subnegotiation(&mut self, option: Opt, payload: &[u8], ctl: &mut Control<'_>) {
        let mut seen = self.0.lock().unwrap();
        match option {
            Opt::TTYPE => {
                let name = payload.get(1..).unwrap_or_default().to_vec();
                let repeated = seen.ttypes.last() == Some(&name);
                seen.ttypes.push(name);
                if !repeated && seen.ttypes.len() < 8 {
                    ctl.send_subnegotiation(Opt::TTYPE, &[1]);
                }
            }
            Opt::NAWS => seen.naws.push(payload.to_vec()),
            Opt::CHARSET => seen.charset.push(payload.to_vec()),
            _ => {}
        }
    }
}

pub(crate) fn start() -> Server {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap();
    let handle = thread::spawn(move || {
        let deadline = Instant::now() + PATIENCE * 3;
        let stream = loop {
            match listener.accept() {
                Ok((stream, _)) => break stream,
                Err(_) if Instant::now() < deadline => thread::sleep(Duration::from_millis(10)),
                Err(e) => {
                    return Report {
                        end: format!("no client connected: {e}"),
                        ..Report::default()
                    }
                }
            }
        };
        stream.set_nonblocking(false).unwrap();
        let seen = Arc::new(Mutex::new(Seen::default()));
        let mut report = Report::default();
        let result = (|| {
            let mut tn = Builder::server()
                .request(Side::Local, Opt::CHARSET)
                .handler(Recorder(Arc::clone(&seen)))
                .build(stream)?;
            tn.write_text(GREETING)?;
            let deadline = Instant::now() + PATIENCE * 2;
            let end = loop {
                if Instant::now() >= deadline {
                    break "our server's time ran out".to_owned();
                }
                match tn.read_some_timeout(Some(Duration::from_millis(50))) {
                    Ok(data) if data.is_empty() => break "the client closed".to_owned(),
                    Ok(data) => {
                        report.data.extend_from_slice(&data);
                        tn.write_text(&data)?;
                    }
                    Err(Error::Timeout) => {}
                    Err(e) => return Err(e),
                }
            };
            for option in [
                Opt::NAWS,
                Opt::TTYPE,
                Opt::ECHO,
                Opt::SGA,
                Opt::CHARSET,
                Opt::BINARY,
            ] {
                for side in [Side::Local, Side::Remote] {
                    if tn.is_enabled(side, option) {
                        report.enabled.push((side, option));
                    }
                }
            }
            report.records_peer_info = true;
            report.window = tn.peer_window_size();
            report.terminal = tn.peer_terminal_type().map(str::to_owned);
            Ok(end)
        })();
        report.end = match result {
            Ok(end) => end,
            Err(e) => format!("error: {e}"),
        };
        let seen = std::mem::take(&mut *seen.lock().unwrap());
        report.ttypes = seen.ttypes;
        report.naws = seen.naws;
        report.charset = seen.charset;
        report
    });
    Server::new(addr, handle)
}
