//! The synthetic data of the tests and the benchmarks (one generator; `benches/` include this
//! file): a 64-bit linear congruential generator and fuzzy fsQCA problems built from it.
#![allow(dead_code)]

use toe::engine::fsqca::FsqcaInput;

/// Knuth's MMIX linear congruential generator.
pub struct Lcg(pub u64);

impl Lcg {
    fn step(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0
    }
    /// A uniform number in [0, 1) from the top 53 bits.
    pub fn unit(&mut self) -> f64 {
        (self.step() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// A whole number below `n` from the top 31 bits.
    pub fn below(&mut self, n: u64) -> u64 {
        (self.step() >> 33) % n.max(1)
    }
}

/// The outcome of the designs: C1*C2 + C3*~C4 with a little noise.
fn outcome(cols: &[Vec<f64>], i: usize, rng: &mut Lcg) -> f64 {
    let a = cols[0][i].min(cols[1][i]);
    let b = cols[2][i].min(1.0 - cols[3][i]);
    (a.max(b) + 0.05 * (rng.unit() - 0.5)).clamp(0.0, 1.0)
}

fn input(cols: Vec<Vec<f64>>, y: Vec<f64>) -> FsqcaInput {
    let (k, n) = (cols.len(), y.len());
    FsqcaInput {
        conditions: (1..=k).map(|j| format!("C{j}")).collect(),
        memberships: cols.into_iter().map(Into::into).collect(),
        outcome_name: "Y".into(),
        outcome: y.into(),
        cases: (1..=n).map(|i| format!("case{i}")).collect(),
    }
}

/// Cases scattered around `prototypes` random configurations of `k` conditions (as real
/// data, where many cases populate far fewer than 2^k rows).
pub fn clustered(k: usize, n: usize, prototypes: usize, seed: u64) -> FsqcaInput {
    let mut rng = Lcg(seed);
    let protos: Vec<Vec<bool>> = (0..prototypes)
        .map(|_| (0..k).map(|_| rng.unit() < 0.5).collect())
        .collect();
    let mut cols = vec![Vec::with_capacity(n); k];
    for _ in 0..n {
        let p = &protos[(rng.unit() * prototypes as f64) as usize % prototypes];
        for (j, col) in cols.iter_mut().enumerate() {
            let u = rng.unit();
            col.push(if p[j] {
                1.0 - 0.45 * u * u * u
            } else {
                0.45 * u * u * u
            });
        }
    }
    let y = (0..n).map(|i| outcome(&cols, i, &mut rng)).collect();
    input(cols, y)
}

/// Every membership uniform in [0, 1]: nearly every case has its own truth-table row.
pub fn uniform(k: usize, n: usize, seed: u64) -> FsqcaInput {
    let mut rng = Lcg(seed);
    let cols: Vec<Vec<f64>> = (0..k)
        .map(|_| (0..n).map(|_| rng.unit()).collect())
        .collect();
    let y = (0..n).map(|i| outcome(&cols, i, &mut rng)).collect();
    input(cols, y)
}

/// Every membership uniform in [0, 1] and the outcome (C1·C2) + (C3·~C4) of them: nearly
/// every case has its own truth-table row, and at consistency 0.8 every row is positive —
/// the hardest chart for the complex solution.
pub fn uniform_positive(k: usize, n: usize) -> FsqcaInput {
    let mut rng = Lcg(7);
    let cols: Vec<Vec<f64>> = (0..k)
        .map(|_| (0..n).map(|_| rng.unit()).collect())
        .collect();
    let y = (0..n)
        .map(|i| {
            cols[0][i]
                .min(cols[1][i])
                .max(cols[2][i].min(1.0 - cols[3][i]))
        })
        .collect();
    input(cols, y)
}

/// NCA data: x uniform in [0, 1), y = x times another uniform draw (a ceiling at y = x).
pub fn nca_data(n: usize, seed: u64) -> (Vec<f64>, Vec<f64>) {
    let mut rng = Lcg(seed);
    let x: Vec<f64> = (0..n).map(|_| rng.unit()).collect();
    let y: Vec<f64> = x.iter().map(|&v| v * rng.unit()).collect();
    (x, y)
}
