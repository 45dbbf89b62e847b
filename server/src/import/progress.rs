//! Progress on stderr: an indicatif spinner with the current step on a terminal, plain
//! one-line-per-step messages otherwise (logs, CI), so the import never looks hung.

use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Progress {
    bar: ProgressBar,
    step: u64,
    total: u64,
    started: Instant,
    quiet: bool,
}

impl Progress {
    /// `total` steps; `quiet` suppresses all output (tests).
    pub fn new(total: u64, quiet: bool) -> Progress {
        let target = if quiet { ProgressDrawTarget::hidden() } else { ProgressDrawTarget::stderr() };
        let bar = ProgressBar::with_draw_target(Some(total), target);
        bar.set_style(
            ProgressStyle::with_template("{spinner:.green} [{pos}/{len}] {msg} ({elapsed})")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(Duration::from_millis(120));
        Progress { bar, step: 0, total, started: Instant::now(), quiet }
    }

    /// Starts the next step.
    pub fn step(&mut self, name: &str) {
        self.step += 1;
        self.started = Instant::now();
        self.bar.set_position(self.step - 1);
        self.bar.set_message(name.to_string());
        if self.bar.is_hidden() && !self.quiet {
            eprintln!("[{}/{}] {name}...", self.step, self.total);
        }
    }

    /// Updates the detail of a long step (e.g. a percentage).
    pub fn detail(&self, name: &str) {
        self.bar.set_message(name.to_string());
    }

    /// Ends the current step with a one-line summary that stays on screen.
    pub fn done(&mut self, summary: &str) {
        let line = format!("  ✓ {summary} ({:.1} s)", self.started.elapsed().as_secs_f64());
        self.bar.set_position(self.step);
        self.note(&line);
    }

    /// A line that stays on screen above the spinner (warnings, results).
    pub fn note(&self, line: &str) {
        if self.quiet {
            return;
        }
        if self.bar.is_hidden() {
            eprintln!("{line}");
        } else {
            self.bar.println(line);
        }
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
