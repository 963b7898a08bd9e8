//! The numbers behind a ranking round, pure and self-contained: completing
//! a partial ranking with mid ranks, quantiles, Kendall's coefficient of
//! concordance W with its tie correction, and the chi-square distribution
//! (through the regularised incomplete gamma function) for W's p-value.
//!
//! Nothing here knows about files, members or recommendations: items are
//! indexes `0..n`, a ranking is a list of indexes, best first.

/// Ranks 1..=n for every item from a partial ranking of `n` items: the
/// ranked items (`order`, best first) take places 1..=k in that order; every
/// other item (not ranked, or "no opinion") shares the remaining places at
/// their mid rank `(k + 1 + n) / 2`, i.e. the items the member left out tie
/// below the ones they ranked. Repeated or out-of-range indexes in `order`
/// are ignored (the files are validated before they get here).
pub fn complete_ranks(order: &[usize], n: usize) -> Vec<f64> {
    let mut ranks = vec![f64::NAN; n];
    let mut k = 0usize;
    for &i in order {
        if i < n && ranks[i].is_nan() {
            k += 1;
            ranks[i] = k as f64;
        }
    }
    let mid = (k as f64 + 1.0 + n as f64) / 2.0;
    for r in &mut ranks {
        if r.is_nan() {
            *r = mid;
        }
    }
    ranks
}

/// The sum of `t³ − t` over the groups of tied values in one member's
/// ranks (0 without ties): the tie correction of Kendall's W.
pub fn tie_term(ranks: &[f64]) -> f64 {
    let mut sorted: Vec<f64> = ranks.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mut total = 0.0;
    let mut i = 0;
    while i < sorted.len() {
        let mut j = i + 1;
        while j < sorted.len() && sorted[j] == sorted[i] {
            j += 1;
        }
        let t = (j - i) as f64;
        total += t * t * t - t;
        i = j;
    }
    total
}

/// Kendall's W for one group, its chi-square statistic and p-value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Concordance {
    /// Kendall's coefficient of concordance, 0 (no agreement) to 1 (all
    /// rankings identical), corrected for ties.
    pub w: f64,
    /// `m (n − 1) W`, chi-square distributed with `n − 1` degrees of
    /// freedom when the rankings are independent (Friedman's statistic).
    pub chi_square: f64,
    /// Degrees of freedom, `n − 1`.
    pub df: usize,
    /// The probability of a chi-square at least this large by chance.
    pub p_value: f64,
    /// Number of rankings (raters).
    pub m: usize,
    /// Number of items ranked.
    pub n: usize,
}

/// Kendall's W with tie correction for `rankings`: one complete rank vector
/// per member, each of the same length `n` (ties as mid ranks, see
/// [`complete_ranks`]).
///
/// `W = 12 S / (m² (n³ − n) − m Σ T)`, where `S` is the sum of squared
/// deviations of the items' rank sums from their mean and `T` is each
/// member's [`tie_term`]. `None` when it is not defined: fewer than two
/// rankings or items, rankings of different lengths, or every member tied
/// every item (nothing was ranked).
pub fn kendalls_w(rankings: &[Vec<f64>]) -> Option<Concordance> {
    let m = rankings.len();
    let n = rankings.first()?.len();
    if m < 2 || n < 2 || rankings.iter().any(|r| r.len() != n) {
        return None;
    }
    let sums: Vec<f64> = (0..n)
        .map(|j| rankings.iter().map(|r| r[j]).sum::<f64>())
        .collect();
    let mean = sums.iter().sum::<f64>() / n as f64;
    let s: f64 = sums.iter().map(|r| (r - mean).powi(2)).sum();
    let (mf, nf) = (m as f64, n as f64);
    let ties: f64 = rankings.iter().map(|r| tie_term(r)).sum();
    let denominator = mf * mf * (nf * nf * nf - nf) - mf * ties;
    if denominator <= 1e-9 {
        return None;
    }
    let w = (12.0 * s / denominator).clamp(0.0, 1.0);
    let chi_square = mf * (nf - 1.0) * w;
    let df = n - 1;
    Some(Concordance {
        w,
        chi_square,
        df,
        p_value: chi_square_sf(chi_square, df as f64),
        m,
        n,
    })
}

/// The `p`-quantile (0 ≤ p ≤ 1) of sorted values by linear interpolation
/// between order statistics (Hyndman & Fan's type 7, the default of R and
/// NumPy). `None` for no values.
pub fn quantile(sorted: &[f64], p: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let h = last as f64 * p.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(last);
    Some(sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo]))
}

/// Mean, median and interquartile range (type-7 quartiles) of some values.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summary {
    pub mean: f64,
    pub median: f64,
    pub iqr: f64,
    pub min: f64,
    pub max: f64,
}

/// The [`Summary`] of `values`; `None` when there are none.
pub fn summary(values: &[f64]) -> Option<Summary> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let q = |p| quantile(&v, p).unwrap_or(f64::NAN);
    Some(Summary {
        mean: v.iter().sum::<f64>() / v.len() as f64,
        median: q(0.5),
        iqr: q(0.75) - q(0.25),
        min: v[0],
        max: v[v.len() - 1],
    })
}

/// `ln Γ(x)` for `x > 0` (Lanczos approximation, g = 7, nine terms;
/// relative error below 1e-13 on the arguments used here).
pub fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection: Γ(x) Γ(1 − x) = π / sin(πx).
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).abs().ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = C[0];
    for (i, c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    let t = x + G + 0.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// The regularised lower incomplete gamma function `P(a, x)` and its
/// complement `Q(a, x) = 1 − P(a, x)`, each computed directly where it is
/// accurate: the power series for `x < a + 1`, Lentz's continued fraction
/// for the upper part otherwise (as in Numerical Recipes, ch. 6.2).
pub fn gamma_p_q(a: f64, x: f64) -> (f64, f64) {
    if a.is_nan() || a <= 0.0 || x.is_nan() {
        return (f64::NAN, f64::NAN);
    }
    if x <= 0.0 {
        return (0.0, 1.0);
    }
    if x.is_infinite() {
        return (1.0, 0.0);
    }
    let log_prefactor = a * x.ln() - x - ln_gamma(a);
    const EPS: f64 = 1e-15;
    const MAX_ITER: usize = 10_000;
    if x < a + 1.0 {
        let mut term = 1.0 / a;
        let mut sum = term;
        let mut ap = a;
        for _ in 0..MAX_ITER {
            ap += 1.0;
            term *= x / ap;
            sum += term;
            if term.abs() < sum.abs() * EPS {
                break;
            }
        }
        let p = (sum.ln() + log_prefactor).exp().clamp(0.0, 1.0);
        (p, 1.0 - p)
    } else {
        const TINY: f64 = 1e-300;
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / TINY;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..MAX_ITER {
            let an = -(i as f64) * (i as f64 - a);
            b += 2.0;
            d = an * d + b;
            if d.abs() < TINY {
                d = TINY;
            }
            c = b + an / c;
            if c.abs() < TINY {
                c = TINY;
            }
            d = 1.0 / d;
            let delta = d * c;
            h *= delta;
            if (delta - 1.0).abs() < EPS {
                break;
            }
        }
        let q = (h.ln() + log_prefactor).exp().clamp(0.0, 1.0);
        (1.0 - q, q)
    }
}

/// The chi-square distribution's CDF: `P(X ≤ x)` with `df` degrees of freedom.
pub fn chi_square_cdf(x: f64, df: f64) -> f64 {
    gamma_p_q(df / 2.0, x / 2.0).0
}

/// The chi-square distribution's upper tail `P(X ≥ x)`: the p-value.
pub fn chi_square_sf(x: f64, df: f64) -> f64 {
    gamma_p_q(df / 2.0, x / 2.0).1
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn ln_gamma_known_values() {
        assert!(close(ln_gamma(1.0), 0.0, 1e-13));
        assert!(close(ln_gamma(5.0), 24f64.ln(), 1e-12));
        assert!(close(
            ln_gamma(0.5),
            std::f64::consts::PI.sqrt().ln(),
            1e-12
        ));
        assert!(close(ln_gamma(10.5), 13.940_625_219_403_763, 1e-11));
        assert!(close(ln_gamma(0.25), 1.288_022_524_698_077_5, 1e-12));
    }

    #[test]
    fn chi_square_against_table_values() {
        // Critical values from any chi-square table (and scipy.stats.chi2).
        let cases = [
            (3.841_458_820_694_124, 1.0, 0.95),
            (6.634_896_601_021_214, 1.0, 0.99),
            (5.991_464_547_107_979, 2.0, 0.95),
            (7.814_727_903_251_178, 3.0, 0.95),
            (11.070_497_693_516_351, 5.0, 0.95),
            (18.307_038_053_275_146, 10.0, 0.95),
            (21.665_994_333_461_924, 9.0, 0.99),
            (2.087_901_205_900_87, 9.0, 0.01),
            (0.015_790_774_093_431_22, 1.0, 0.1),
        ];
        for (x, df, p) in cases {
            let got = chi_square_cdf(x, df);
            assert!(close(got, p, 1e-7), "cdf({x}, {df}) = {got}, want {p}");
            assert!(close(chi_square_sf(x, df), 1.0 - p, 1e-7));
        }
        // With 2 degrees of freedom the tail is exactly e^(−x/2).
        for x in [0.5, 2.0, 10.0, 40.0] {
            assert!(close(chi_square_sf(x, 2.0), (-x / 2.0).exp(), 1e-13));
        }
        // The far tail keeps its precision (it is not 1 − 1).
        let tiny = chi_square_sf(80.0, 2.0);
        assert!(close(tiny / (-40f64).exp(), 1.0, 1e-9), "{tiny}");
        assert_eq!(chi_square_cdf(0.0, 3.0), 0.0);
        assert_eq!(chi_square_sf(0.0, 3.0), 1.0);
    }

    #[test]
    fn mid_ranks_for_what_was_left_out() {
        assert_eq!(complete_ranks(&[2, 0, 1], 3), vec![2.0, 3.0, 1.0]);
        // Two of five ranked: the other three share places 3, 4, 5.
        assert_eq!(complete_ranks(&[4, 1], 5), vec![4.0, 2.0, 4.0, 4.0, 1.0]);
        // Nothing ranked: everything ties at the middle.
        assert_eq!(complete_ranks(&[], 4), vec![2.5; 4]);
        // Repeats and strangers are ignored.
        assert_eq!(complete_ranks(&[1, 1, 9, 0], 3), vec![2.0, 1.0, 3.0]);
        assert_eq!(tie_term(&[4.0, 2.0, 4.0, 4.0, 1.0]), 24.0);
        assert_eq!(tie_term(&[1.0, 2.0, 3.0]), 0.0);
    }

    fn full(orders: &[&[usize]], n: usize) -> Vec<Vec<f64>> {
        orders.iter().map(|o| complete_ranks(o, n)).collect()
    }

    #[test]
    fn identical_rankings_agree_fully() {
        let c = kendalls_w(&full(&[&[0, 1, 2, 3], &[0, 1, 2, 3], &[0, 1, 2, 3]], 4)).unwrap();
        assert!(close(c.w, 1.0, 1e-12));
        // χ² = m (n − 1) = 9 with 3 df.
        assert!(close(c.chi_square, 9.0, 1e-12));
        assert_eq!(c.df, 3);
        assert!(close(c.p_value, chi_square_sf(9.0, 3.0), 1e-15));
        assert!(c.p_value < 0.05);
    }

    #[test]
    fn balanced_opposite_rankings_do_not_agree() {
        // Two members, exactly reversed: every rank sum is n + 1, W = 0.
        let c = kendalls_w(&full(&[&[0, 1, 2, 3, 4], &[4, 3, 2, 1, 0]], 5)).unwrap();
        assert!(close(c.w, 0.0, 1e-12));
        assert!(close(c.p_value, 1.0, 1e-12));
        // A Latin square of three: each item is first, second and third
        // once, W = 0.
        let c = kendalls_w(&full(&[&[0, 1, 2], &[1, 2, 0], &[2, 0, 1]], 3)).unwrap();
        assert!(close(c.w, 0.0, 1e-12));
        // Nearly balanced: two camps, one member leaning one way, W small.
        let c = kendalls_w(&full(
            &[
                &[0, 1, 2, 3, 4, 5],
                &[5, 4, 3, 2, 1, 0],
                &[0, 1, 2, 3, 4, 5],
                &[5, 4, 3, 2, 1, 0],
                &[1, 0, 2, 3, 4, 5],
            ],
            6,
        ))
        .unwrap();
        assert!(c.w < 0.25, "{}", c.w);
    }

    /// Siegel, S. (1956), *Nonparametric Statistics for the Behavioral
    /// Sciences*, ch. 9, the Kendall coefficient of concordance: three
    /// executives rank six job applicants. Rank sums 8, 14, 11, 11, 11, 8;
    /// s = 25.5; W = 25.5 / (1/12 · 3² · (6³ − 6)) = 0.16; χ² = 2.4 with
    /// 5 df, not significant.
    #[test]
    fn siegels_worked_example() {
        let ranks = vec![
            vec![1.0, 6.0, 3.0, 2.0, 5.0, 4.0],
            vec![1.0, 5.0, 6.0, 4.0, 2.0, 3.0],
            vec![6.0, 3.0, 2.0, 5.0, 4.0, 1.0],
        ];
        let c = kendalls_w(&ranks).unwrap();
        assert!(close(c.w, 25.5 / 157.5, 1e-12));
        assert_eq!(format!("{:.2}", c.w), "0.16");
        assert!(close(c.chi_square, 3.0 * 5.0 * 25.5 / 157.5, 1e-12));
        assert_eq!(c.df, 5);
        assert!(c.p_value > 0.5 && c.p_value < 0.9, "{}", c.p_value);
    }

    /// A second published exercise (three judges rate eight essays; in a
    /// teaching handout on Kendall's W, "Jegie", pp. 177 ff.): rank sums 23,
    /// 17, 15, 4, 8, 6, 13, 22; W = 0.94; χ² with 7 df above the 0.01
    /// critical value 18.475. (The handout's χ² = 19.74 is 21 · 0.94, from
    /// the rounded W; unrounded it is 21 · 4248/4536 = 19.67.)
    #[test]
    fn essays_worked_example() {
        let judges = [
            [8.0, 6.0, 4.0, 1.0, 3.0, 2.0, 5.0, 7.0],
            [7.0, 5.0, 6.0, 2.0, 3.0, 1.0, 4.0, 8.0],
            [8.0, 6.0, 5.0, 1.0, 2.0, 3.0, 4.0, 7.0],
        ];
        let ranks: Vec<Vec<f64>> = judges.iter().map(|j| j.to_vec()).collect();
        let c = kendalls_w(&ranks).unwrap();
        assert!(close(c.w, 4248.0 / 4536.0, 1e-12));
        assert_eq!(format!("{:.2}", c.w), "0.94");
        assert!(close(c.chi_square, 21.0 * 4248.0 / 4536.0, 1e-12));
        assert_eq!(c.df, 7);
        assert!(c.chi_square > 18.475);
        assert!(c.p_value < 0.01 && c.p_value > 0.005, "{}", c.p_value);
    }

    #[test]
    fn ties_are_corrected_for() {
        // Two members; the second ranked two of four items, so the other
        // two tie at (2 + 1 + 4) / 2 = 3.5.
        let ranks = full(&[&[0, 1, 2, 3], &[0, 1]], 4);
        assert_eq!(ranks[1], vec![1.0, 2.0, 3.5, 3.5]);
        let c = kendalls_w(&ranks).unwrap();
        // Sums 2, 4, 6.5, 7.5; mean 5; S = 9 + 1 + 2.25 + 6.25 = 18.5.
        // Denominator 4 · 60 − 2 · 6 = 228; W = 12 · 18.5 / 228.
        assert!(close(c.w, 222.0 / 228.0, 1e-12));
        // Without the correction W would be lower (222/240): ties never
        // count as disagreement on their own.
        assert!(c.w > 222.0 / 240.0);
    }

    #[test]
    fn undefined_w_is_none() {
        assert!(kendalls_w(&[]).is_none());
        assert!(kendalls_w(&full(&[&[0, 1, 2]], 3)).is_none());
        assert!(kendalls_w(&full(&[&[0], &[0]], 1)).is_none());
        // Nobody ranked anything.
        assert!(kendalls_w(&full(&[&[], &[]], 3)).is_none());
        // Lengths differ.
        assert!(kendalls_w(&[vec![1.0, 2.0], vec![1.0, 2.0, 3.0]]).is_none());
    }

    #[test]
    fn quartiles_type_seven() {
        let s = summary(&[1.0, 2.0, 3.0, 4.0]).unwrap();
        assert_eq!((s.mean, s.median, s.iqr), (2.5, 2.5, 1.5));
        let s = summary(&[7.0]).unwrap();
        assert_eq!((s.median, s.iqr, s.min, s.max), (7.0, 0.0, 7.0, 7.0));
        let s = summary(&[5.0, 1.0, 9.0]).unwrap();
        assert_eq!((s.median, s.iqr), (5.0, 4.0));
        assert!(summary(&[]).is_none());
    }

    proptest! {
        #[test]
        fn w_is_between_zero_and_one(
            n in 2usize..9,
            seeds in proptest::collection::vec(
                (proptest::collection::vec(0usize..100, 0..9), 0usize..9),
                2..8,
            ),
        ) {
            // Each member ranks a shuffled prefix of the items.
            let rankings: Vec<Vec<f64>> = seeds
                .iter()
                .map(|(keys, k)| {
                    let mut items: Vec<usize> = (0..n).collect();
                    items.sort_by_key(|&i| keys.get(i).copied().unwrap_or(i));
                    items.truncate((*k).min(n));
                    complete_ranks(&items, n)
                })
                .collect();
            if let Some(c) = kendalls_w(&rankings) {
                prop_assert!((0.0..=1.0).contains(&c.w), "W = {}", c.w);
                prop_assert!((0.0..=1.0).contains(&c.p_value));
                prop_assert!(c.chi_square >= 0.0);
            }
        }

        #[test]
        fn cdf_and_tail_add_up(x in 0.0f64..200.0, df in 1u32..60) {
            let (p, q) = (chi_square_cdf(x, f64::from(df)), chi_square_sf(x, f64::from(df)));
            prop_assert!((p + q - 1.0).abs() < 1e-12);
            prop_assert!((0.0..=1.0).contains(&p));
        }
    }
}
