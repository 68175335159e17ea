//! Fuzzes the control-channel line reader (`proftpd::session::reader`).
//!
//! The first byte picks a `CommandBufferSize` (small sizes make the
//! over-long paths reachable) and the second how the rest is chunked, as a
//! socket would deliver it. The same stream fed whole and fed in chunks
//! must give the same events; every line must respect the buffer limit.
//! Telnet answers are kept to a backlog of `MAX_TELNET_ANSWERS` between two
//! takes (the reader's bound), so they are compared only when neither run reached it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use proftpd::session::reader::{DEFAULT_BUFFER_SIZE, LineReader, MAX_TELNET_ANSWERS, ReadEvent};

/// The reader keeps at most this many bytes of Telnet answers (3 bytes
/// each) between two `take_telnet_replies` calls.
const TELNET_BACKLOG: usize = 3 * MAX_TELNET_ANSWERS;

/// Events, Telnet answers, and whether the answer backlog filled up.
fn run(size: usize, data: &[u8], chunk: usize) -> (Vec<ReadEvent>, Vec<u8>, bool) {
    let mut r = LineReader::new(size);
    let mut events = Vec::new();
    let mut telnet = Vec::new();
    let mut capped = false;
    for piece in data.chunks(chunk.max(1)) {
        let mut input = piece;
        // Bounded: each call consumes at least one byte or returns None.
        while let Some(ev) = r.next_event(&mut input) {
            if let ReadEvent::Line(line) = &ev {
                assert!(line.len() < size.max(8), "line of {} bytes", line.len());
            }
            events.push(ev);
        }
        assert!(input.is_empty());
        let answers = r.take_telnet_replies();
        assert!(answers.len() <= TELNET_BACKLOG, "{} answer bytes", answers.len());
        if answers.len() == TELNET_BACKLOG {
            capped = true;
        }
        telnet.extend(answers);
    }
    (events, telnet, capped)
}

fuzz_target!(|data: &[u8]| {
    let [sel, chunk, rest @ ..] = data else {
        return;
    };
    let size = match sel % 4 {
        0 => DEFAULT_BUFFER_SIZE,
        1 => 8 + usize::from(*sel / 4),
        2 => usize::from(*sel),
        _ => 0,
    };
    let whole = run(size, rest, rest.len());
    let split = run(size, rest, usize::from(*chunk % 17) + 1);
    assert_eq!(whole.0, split.0, "chunking changed the events");
    if !whole.2 && !split.2 {
        assert_eq!(whole.1, split.1, "chunking changed the Telnet answers");
    }
});
