//! A progress bar on a terminal's stderr for scans that take more than a second: bytes read
//! (compressed bytes for compressed inputs), rate, events, and an ETA when the total is known.

use std::io::{self, Read};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Counters the scanning threads advance and the bar reads.
#[derive(Debug, Default)]
pub struct Progress {
    bytes: AtomicU64,
    lines: AtomicU64,
    done: AtomicBool,
}

/// How long a scan runs before the bar appears, so that short runs print nothing extra.
const DELAY: Duration = Duration::from_secs(1);
const TICK: Duration = Duration::from_millis(100);
/// How often the wait before the bar checks whether the scan is over already.
const WAIT_STEP: Duration = Duration::from_millis(5);

impl Progress {
    pub fn add_lines(&self, lines: u64) {
        self.lines.fetch_add(lines, Ordering::Relaxed);
    }

    /// Ends [`Progress::show`].
    pub fn finish(&self) {
        self.done.store(true, Ordering::Relaxed);
    }

    /// Draws the bar until [`Progress::finish`], on stderr if it is a terminal. `total` is the
    /// size of every input, when known.
    pub fn show(&self, total: Option<u64>) {
        let mut waited = Duration::ZERO;
        while waited < DELAY {
            if self.done.load(Ordering::Relaxed) {
                return;
            }
            std::thread::sleep(WAIT_STEP);
            waited += WAIT_STEP;
        }
        let bar = match total {
            Some(total) => ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr()),
            None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
        };
        let template = if total.is_some() {
            "{bytes}/{total_bytes} {bytes_per_sec} {msg} [{wide_bar}] ETA {eta}"
        } else {
            "{bytes} {bytes_per_sec} {msg} {spinner}"
        };
        bar.set_style(ProgressStyle::with_template(template).expect("the template is valid"));
        while !self.done.load(Ordering::Relaxed) {
            bar.set_position(self.bytes.load(Ordering::Relaxed));
            bar.set_message(format!("{} lines", self.lines.load(Ordering::Relaxed)));
            std::thread::sleep(TICK);
        }
        bar.finish_and_clear();
    }

    /// Wraps a raw input so that what it reads counts as progress.
    pub fn counting<R: Read>(&self, inner: R) -> Counting<'_, R> {
        Counting { inner, progress: self }
    }
}

/// A reader that adds the bytes it reads to a [`Progress`].
#[derive(Debug)]
pub struct Counting<'p, R> {
    inner: R,
    progress: &'p Progress,
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.bytes.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}
