//! Stage 5, progress bars on standard error (indicatif) for long tasks: permutation tests and
//! robustness sweeps, power tables. The command line installs [`Bar`] when standard error is a
//! terminal.
//!
//! Guarantees: a bar never writes to standard output, shows the time elapsed and an estimate
//! of the time left, and is cleared when its task ends; Ctrl-C during a task ends the run with
//! nothing written (`files::abandon_all`).

use crate::eval::results::{Progress, Task};
use std::sync::Mutex;

/// A progress bar for the task under way.
#[derive(Default)]
pub struct Bar {
    bar: Mutex<Option<indicatif::ProgressBar>>,
}

impl Progress for Bar {
    fn start(&self, task: &Task) {
        let (len, template, message) = match task {
            Task::Permutations(name, permutations, conditions) => (
                permutations.saturating_mul(*conditions),
                "{msg} [{bar:30}] {percent}%, {elapsed} (about {eta} left)",
                format!("nca {name}: {permutations} permutations of {conditions} conditions"),
            ),
            Task::Variants(name, variants) => (
                *variants,
                "{msg} [{bar:30}] {pos}/{len} variants, {elapsed} (about {eta} left)",
                format!("robustness of {name}"),
            ),
            Task::Power(name, replicates) => (
                *replicates,
                "{msg} [{bar:30}] {pos}/{len} replicates, {elapsed} (about {eta} left)",
                format!("power {name}"),
            ),
        };
        let b = indicatif::ProgressBar::new(len as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template(template)
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        b.set_message(message);
        b.inc(0);
        if let Ok(mut g) = self.bar.lock() {
            *g = Some(b);
        }
    }
    fn step(&self) {
        if let Ok(g) = self.bar.lock() {
            if let Some(b) = g.as_ref() {
                b.inc(1);
            }
        }
    }
    fn finish(&self) {
        if let Ok(mut g) = self.bar.lock() {
            if let Some(b) = g.take() {
                b.finish_and_clear();
            }
        }
    }
}
