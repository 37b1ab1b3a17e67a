//! Engine stage: R's random number stream (NCA permutation test).
//!
//! Reproduces, bit for bit, what R (>= 3.6, default kinds) does for
//! `set.seed(s)`, `unif_rand()` (Mersenne-Twister), `R_unif_index()`
//! ("Rejection" sampling) and `sample(1:h, h)`, as specified in docs/methods.md §3.4.
//! Guarantees: deterministic, no global state, never panics (every size is
//! handled, including 0 and 1). A fresh seed costs nothing up front: the first
//! generation of the twister is computed word by word as it is drawn, from the
//! seeding recurrence in closed form (the same words, in the same order, as the
//! full twist), so a permutation of h cases costs O(h) draws, not 1,300 word
//! operations of seeding and twisting.

const N: usize = 624;
const M: usize = 397;
const MATRIX_A: u32 = 0x9908_b0df;
const UPPER_MASK: u32 = 0x8000_0000;
const LOWER_MASK: u32 = 0x7fff_ffff;
const TEMPERING_MASK_B: u32 = 0x9d2c_5680;
const TEMPERING_MASK_C: u32 = 0xefc6_0000;
const I2_32M1: f64 = 2.328_306_437_080_797e-10; // 1/(2^32 - 1)

/// `(A[k], C[k])` with LCG^k(s) = A[k]·s + C[k] (mod 2^32) for R's seeding LCG
/// s → 69069·s + 1, for k up to the last state word (52 + 623).
const JUMP: ([u32; 677], [u32; 677]) = {
    let mut a = [0u32; 677];
    let mut c = [0u32; 677];
    a[0] = 1;
    let mut k = 1;
    while k < 677 {
        a[k] = a[k - 1].wrapping_mul(69069);
        c[k] = c[k - 1].wrapping_mul(69069).wrapping_add(1);
        k += 1;
    }
    (a, c)
};

/// R's Mersenne-Twister generator state (`RNGkind("Mersenne-Twister")`).
#[derive(Clone, Debug)]
pub struct RRng {
    mt: [u32; N],
    mti: usize,
    /// During the first generation after seeding: the seed, whose initial state word i
    /// is LCG^(52 + i)(seed); words below `mti` already hold their twisted value.
    lazy: Option<u32>,
}

impl RRng {
    /// The state `set.seed(seed)` leaves behind.
    pub fn new(seed: u32) -> Self {
        // Initial scrambling (Randomize → RNG_Init): 50 LCG steps; then 625 seeds:
        // dummy[0] (the position, overwritten by FixupSeeds) and mt[0..624], so state
        // word i is LCG^(52 + i)(seed). The first draw twists: computed lazily.
        RRng {
            mt: [0u32; N],
            mti: 0,
            lazy: Some(seed),
        }
    }

    /// State word i as seeding left it (first generation only).
    #[inline]
    fn seeded(seed: u32, i: usize) -> u32 {
        JUMP.0[52 + i]
            .wrapping_mul(seed)
            .wrapping_add(JUMP.1[52 + i])
    }

    /// Re-seed in place, as `set.seed(seed)`.
    pub fn reseed(&mut self, seed: u32) {
        // the lazy first generation writes each word before it reads it: no clearing
        self.mti = 0;
        self.lazy = Some(seed);
    }

    fn genrand(&mut self) -> f64 {
        (self.word() as f64) * 2.328_306_436_538_696_3e-10
    }

    /// The next tempered 32-bit word of the twister.
    #[inline(always)]
    fn word(&mut self) -> u32 {
        let mut y = if self.lazy.is_some() {
            self.first_generation_word()
        } else {
            if self.mti >= N {
                self.twist();
            }
            let y = self.mt[self.mti];
            self.mti += 1;
            y
        };
        y ^= y >> 11;
        y ^= (y << 7) & TEMPERING_MASK_B;
        y ^= (y << 15) & TEMPERING_MASK_C;
        y ^= y >> 18;
        y
    }

    /// The full twist's step kk, taken when word kk is first drawn after seeding: the
    /// words after kk are still the seeded ones, those before are already twisted.
    #[inline]
    fn first_generation_word(&mut self) -> u32 {
        let seed = self.lazy.unwrap_or(0);
        let kk = self.mti;
        let mag01 = [0u32, MATRIX_A];
        let cur = Self::seeded(seed, kk);
        let next = if kk + 1 < N {
            Self::seeded(seed, kk + 1)
        } else {
            self.mt[0]
        };
        let far = if kk < N - M {
            Self::seeded(seed, kk + M)
        } else {
            self.mt[kk + M - N]
        };
        let y = (cur & UPPER_MASK) | (next & LOWER_MASK);
        let w = far ^ (y >> 1) ^ mag01[(y & 1) as usize];
        self.mt[kk] = w;
        self.mti += 1;
        if kk == N - 1 {
            self.lazy = None;
        }
        w
    }

    /// Right after seeding, compute the whole first generation at once (a vectorisable
    /// fill and the full twist: cheaper per word than the lazy path when most of the
    /// generation will be drawn). Same words either way.
    fn materialize(&mut self) {
        if let (Some(seed), 0) = (self.lazy, self.mti) {
            for (i, w) in self.mt.iter_mut().enumerate() {
                *w = Self::seeded(seed, i);
            }
            self.lazy = None;
            self.twist();
        }
    }

    /// The full twist of a generation (after the first).
    fn twist(&mut self) {
        let mag01 = [0u32, MATRIX_A];
        let mt = &mut self.mt;
        let mut kk = 0;
        while kk < N - M {
            let y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
            mt[kk] = mt[kk + M] ^ (y >> 1) ^ mag01[(y & 1) as usize];
            kk += 1;
        }
        while kk < N - 1 {
            let y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
            mt[kk] = mt[kk + M - N] ^ (y >> 1) ^ mag01[(y & 1) as usize];
            kk += 1;
        }
        let y = (mt[N - 1] & UPPER_MASK) | (mt[0] & LOWER_MASK);
        mt[N - 1] = mt[M - 1] ^ (y >> 1) ^ mag01[(y & 1) as usize];
        self.mti = 0;
    }

    /// `unif_rand()`: a draw in the open interval (0, 1).
    pub fn unif_rand(&mut self) -> f64 {
        let v = self.genrand();
        if v <= 0.0 {
            0.5 * I2_32M1
        } else if 1.0 - v <= 0.0 {
            1.0 - 0.5 * I2_32M1
        } else {
            v
        }
    }

    #[inline]
    fn rbits(&mut self, bits: u32) -> u64 {
        let mut v: u64 = 0;
        let mut k = 0;
        while k <= bits {
            // floor(unif_rand() · 65536) is the word's top 16 bits: the draw is the word
            // times 2^-32 (exact), and the fix-up of a zero word stays below 2^-16
            let v1 = u64::from(self.word() >> 16);
            v = v.wrapping_mul(65536).wrapping_add(v1);
            k += 16;
        }
        if bits >= 64 {
            v
        } else {
            v & ((1u64 << bits) - 1)
        }
    }

    /// `R_unif_index(dn)` with "Rejection" sampling: uniform in 0..dn.
    pub fn unif_index(&mut self, dn: f64) -> f64 {
        if dn <= 0.0 || dn.is_nan() {
            return 0.0;
        }
        let bits = dn.log2().ceil().max(0.0) as u32;
        loop {
            let dv = self.rbits(bits) as f64;
            if dn > dv {
                return dv;
            }
        }
    }

    /// `R_unif_index(n)` for an integer n >= 1 (same stream, integer maths:
    /// ceil(log2 n) is exact for integers).
    #[inline]
    pub fn unif_index_int(&mut self, n: u64) -> u64 {
        if n <= 1 {
            // R still draws: bits = 0, one 16-bit chunk, masked to 0
            if n == 1 {
                self.rbits(0);
            }
            return 0;
        }
        let bits = 64 - (n - 1).leading_zeros();
        loop {
            let dv = self.rbits(bits);
            if dv < n {
                return dv;
            }
        }
    }

    /// `sample(1:h, h)`: a random order of 1..=h (1-based, as R returns it).
    pub fn sample_perm(&mut self, h: usize) -> Vec<u32> {
        let mut pool = Vec::new();
        let mut out = Vec::new();
        self.sample_perm_into(h, &mut pool, &mut out);
        out
    }

    /// [`RRng::sample_perm`] into reusable buffers (no allocation once warm).
    pub fn sample_perm_into(&mut self, h: usize, pool: &mut Vec<u32>, out: &mut Vec<u32>) {
        if h >= 128 {
            self.materialize();
        }
        pool.clear();
        pool.extend(0..h as u32);
        out.clear();
        out.reserve(h);
        let mut n = h;
        for _ in 0..h {
            let j = if n <= 1 << 15 {
                // R_unif_index(n) with ceil(log2 n) < 16 bits: one 16-bit chunk per try,
                // the word's top half (see `rbits`)
                let bits = usize::BITS - (n.max(1) - 1).leading_zeros();
                let mask = ((1u64 << bits) - 1) as u32;
                loop {
                    let dv = ((self.word() >> 16) & mask) as usize;
                    if dv < n.max(1) {
                        break dv;
                    }
                }
            } else {
                self.unif_index_int(n as u64) as usize
            };
            let j = j.min(n - 1);
            out.push(pool[j] + 1);
            n -= 1;
            pool[j] = pool[n];
        }
    }

    /// `sample.int(2^24, 1)` as drawn by the NCA test for its seed offset.
    pub fn offset(&mut self) -> u32 {
        1 + self.unif_index(16_777_216.0) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The eager generator: seeding by the LCG, then the full twist (R's MT_sgenrand path).
    fn eager_words(seed: u32, count: usize) -> Vec<u32> {
        let mut s = seed;
        for _ in 0..51 {
            s = s.wrapping_mul(69069).wrapping_add(1);
        }
        let mut mt = [0u32; N];
        for v in mt.iter_mut() {
            s = s.wrapping_mul(69069).wrapping_add(1);
            *v = s;
        }
        let mut r = RRng {
            mt,
            mti: N,
            lazy: None,
        };
        (0..count)
            .map(|_| (r.genrand() / 2.328_306_436_538_696_3e-10) as u32)
            .collect()
    }

    #[test]
    fn lazy_first_generation_equals_the_full_twist() {
        for seed in [0u32, 1, 42, 2025, 4_294_967_295, 123_456_789] {
            let mut r = RRng::new(seed);
            let lazy: Vec<u32> = (0..1500)
                .map(|_| (r.genrand() / 2.328_306_436_538_696_3e-10) as u32)
                .collect();
            assert_eq!(lazy, eager_words(seed, 1500), "seed {seed}");
            let mut m = RRng::new(seed);
            m.materialize();
            let whole: Vec<u32> = (0..1500)
                .map(|_| (m.genrand() / 2.328_306_436_538_696_3e-10) as u32)
                .collect();
            assert_eq!(whole, lazy, "seed {seed}");
        }
    }

    #[test]
    fn fast_permutation_draws_equal_r_unif_index() {
        for h in [1usize, 2, 3, 7, 100, 128, 500, 32_768, 32_769, 70_000] {
            for seed in [1u32, 99] {
                let mut a = RRng::new(seed);
                let (mut pool, mut out) = (Vec::new(), Vec::new());
                a.sample_perm_into(h, &mut pool, &mut out);
                // the plain route: R_unif_index for every position
                let mut b = RRng::new(seed);
                let mut pool: Vec<u32> = (0..h as u32).collect();
                let mut want = Vec::new();
                let mut n = h;
                for _ in 0..h {
                    let j = (b.unif_index_int(n as u64) as usize).min(n - 1);
                    want.push(pool[j] + 1);
                    n -= 1;
                    pool[j] = pool[n];
                }
                assert_eq!(out, want, "h {h}, seed {seed}");
                assert_eq!(a.word(), b.word(), "stream position, h {h}");
            }
        }
    }

    #[test]
    fn seed_42_offset_matches_reference() {
        // docs/methods.md §3.4: set.seed(42); sample.int(2^24, 1) == 3207141
        let mut r = RRng::new(42);
        assert_eq!(r.offset(), 3_207_141);
    }

    #[test]
    fn set_seed_1_runif() {
        // R: set.seed(1); runif(3) = 0.2655087 0.3721239 0.5728534
        let mut r = RRng::new(1);
        let a = r.unif_rand();
        let b = r.unif_rand();
        let c = r.unif_rand();
        assert!((a - 0.2655087).abs() < 1e-7);
        assert!((b - 0.3721239).abs() < 1e-7);
        assert!((c - 0.5728534).abs() < 1e-7);
    }

    #[test]
    fn tiny_samples() {
        let mut r = RRng::new(3);
        assert!(r.sample_perm(0).is_empty());
        assert_eq!(r.sample_perm(1), vec![1]);
    }
}
