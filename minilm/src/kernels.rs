//! The numeric kernels of the encoder: matrix products through `gemm`, and
//! the row-wise operations between them (layer norm, softmax, GELU).
//!
//! The row-wise loops call no libm function, so the compiler vectorises
//! them: `exp` and `erf` are polynomial approximations accurate to a few
//! units in the last place of an `f32`, well inside the 1e-4 the embedding
//! reference allows. Each is compiled for AVX-512 and AVX2 besides the
//! baseline and picks the best the CPU has at run time (`multiversion`), as
//! gemm does for the matmuls (docs/decisions/0011-own-encoder.md).

use gemm::Parallelism;
use multiversion::multiversion;

/// A view whose extent does not fit its slice, or two views whose shapes do
/// not multiply. Always a bug in the encoder, never bad input.
#[derive(Debug, thiserror::Error)]
#[error("matrix shape error: {0}")]
pub struct ShapeError(String);

/// A read-only matrix inside a slice: element `(row, col)` is at
/// `row * row_stride + col * col_stride`, so a transpose or one head's
/// columns of a wider matrix are views, not copies.
#[derive(Clone, Copy, Debug)]
pub struct Matrix<'a> {
    data: &'a [f32],
    rows: usize,
    cols: usize,
    row_stride: usize,
    col_stride: usize,
}

impl<'a> Matrix<'a> {
    /// `rows × cols`, stored row after row.
    pub fn row_major(data: &'a [f32], rows: usize, cols: usize) -> Result<Self, ShapeError> {
        Self::strided(data, rows, cols, cols, 1)
    }

    pub fn strided(
        data: &'a [f32],
        rows: usize,
        cols: usize,
        row_stride: usize,
        col_stride: usize,
    ) -> Result<Self, ShapeError> {
        check_extent(data.len(), rows, cols, row_stride, col_stride)?;
        Ok(Self {
            data,
            rows,
            cols,
            row_stride,
            col_stride,
        })
    }

    /// The transpose, as a view.
    pub fn transposed(self) -> Self {
        Self {
            rows: self.cols,
            cols: self.rows,
            row_stride: self.col_stride,
            col_stride: self.row_stride,
            ..self
        }
    }
}

/// A writable matrix inside a slice, rows `row_stride` apart, columns
/// adjacent.
#[derive(Debug)]
pub struct MatrixMut<'a> {
    data: &'a mut [f32],
    rows: usize,
    cols: usize,
    row_stride: usize,
}

impl<'a> MatrixMut<'a> {
    pub fn row_major(data: &'a mut [f32], rows: usize, cols: usize) -> Result<Self, ShapeError> {
        Self::strided(data, rows, cols, cols)
    }

    pub fn strided(
        data: &'a mut [f32],
        rows: usize,
        cols: usize,
        row_stride: usize,
    ) -> Result<Self, ShapeError> {
        check_extent(data.len(), rows, cols, row_stride, 1)?;
        Ok(Self {
            data,
            rows,
            cols,
            row_stride,
        })
    }
}

/// The largest index a view reaches must lie inside its slice: this is what
/// makes handing its pointer to `gemm` sound.
fn check_extent(
    len: usize,
    rows: usize,
    cols: usize,
    row_stride: usize,
    col_stride: usize,
) -> Result<(), ShapeError> {
    if rows == 0 || cols == 0 {
        return Ok(());
    }
    let last = (rows - 1)
        .checked_mul(row_stride)
        .zip((cols - 1).checked_mul(col_stride))
        .and_then(|(down, across)| down.checked_add(across));
    match last {
        Some(last) if last < len => Ok(()),
        _ => Err(ShapeError(format!(
            "{rows}×{cols} with strides ({row_stride}, {col_stride}) does not fit {len} values"
        ))),
    }
}

/// `out = scale · a · b`, or `out += scale · a · b` when `accumulate` (the
/// bias and the residual are written into `out` first, so they cost no
/// extra pass).
pub fn matmul(
    out: MatrixMut<'_>,
    a: Matrix<'_>,
    b: Matrix<'_>,
    scale: f32,
    accumulate: bool,
    parallelism: Parallelism,
) -> Result<(), ShapeError> {
    if a.cols != b.rows || out.rows != a.rows || out.cols != b.cols {
        return Err(ShapeError(format!(
            "cannot multiply {}×{} by {}×{} into {}×{}",
            a.rows, a.cols, b.rows, b.cols, out.rows, out.cols
        )));
    }
    if out.rows == 0 || out.cols == 0 {
        return Ok(());
    }
    if a.cols == 0 {
        if !accumulate {
            for row in out.data.chunks_mut(out.row_stride).take(out.rows) {
                row[..out.cols].fill(0.0);
            }
        }
        return Ok(());
    }
    let stride = |value: usize| value as isize;
    // SAFETY: every view was checked on construction (`check_extent`): the
    // furthest element gemm reads through `a` and `b`, and writes through
    // `out`, lies inside its slice. `out` is a unique borrow, so it aliases
    // neither input. The shapes agree (checked above).
    unsafe {
        gemm::gemm(
            out.rows,
            out.cols,
            a.cols,
            out.data.as_mut_ptr(),
            1,
            stride(out.row_stride),
            accumulate,
            a.data.as_ptr(),
            stride(a.col_stride),
            stride(a.row_stride),
            b.data.as_ptr(),
            stride(b.col_stride),
            stride(b.row_stride),
            1.0,
            scale,
            false,
            false,
            false,
            parallelism,
        );
    }
    Ok(())
}

/// Writes `row` into every row of `rows` (the bias before an accumulating
/// matmul).
pub fn fill_rows(rows: &mut [f32], row: &[f32]) {
    for target in rows.chunks_exact_mut(row.len()) {
        target.copy_from_slice(row);
    }
}

/// Adds `row` to every row of `rows` (the bias onto the residual).
#[multiversion(targets("x86_64+avx512f+avx512vl+fma", "x86_64+avx2+fma"))]
pub fn add_to_rows(rows: &mut [f32], row: &[f32]) {
    for target in rows.chunks_exact_mut(row.len()) {
        for (value, addend) in target.iter_mut().zip(row) {
            *value += addend;
        }
    }
}

/// Layer normalisation of each row of width `gamma.len()`: mean 0 and
/// variance 1 (biased, as torch computes it), then scaled and shifted.
#[multiversion(targets("x86_64+avx512f+avx512vl+fma", "x86_64+avx2+fma"))]
pub fn layer_norm(rows: &mut [f32], gamma: &[f32], beta: &[f32], eps: f32) {
    let width = gamma.len();
    let count = width as f32;
    for row in rows.chunks_exact_mut(width) {
        let mean = sum(row) / count;
        let variance = row
            .iter()
            .map(|value| (value - mean) * (value - mean))
            .sum::<f32>()
            / count;
        let inverse_deviation = 1.0 / (variance + eps).sqrt();
        for ((value, scale), shift) in row.iter_mut().zip(gamma).zip(beta) {
            *value = (*value - mean) * inverse_deviation * scale + shift;
        }
    }
}

/// Softmax of each row of width `width`, in place.
#[multiversion(targets("x86_64+avx512f+avx512vl+fma", "x86_64+avx2+fma"))]
pub fn softmax_rows(rows: &mut [f32], width: usize) {
    for row in rows.chunks_exact_mut(width) {
        let largest = max(row);
        for value in row.iter_mut() {
            *value = exp(*value - largest);
        }
        let scale = 1.0 / sum(row);
        for value in row.iter_mut() {
            *value *= scale;
        }
    }
}

/// GELU with the exact error function (BERT's `hidden_act: "gelu"`), in
/// place.
#[multiversion(targets("x86_64+avx512f+avx512vl+fma", "x86_64+avx2+fma"))]
pub fn gelu(values: &mut [f32]) {
    for value in values.iter_mut() {
        let x = *value;
        *value = 0.5 * x * (1.0 + erf(x * std::f32::consts::FRAC_1_SQRT_2));
    }
}

/// A sum in sixteen lanes: strict left-to-right float addition cannot be
/// vectorised, sixteen independent partial sums can.
#[inline(always)]
pub fn sum(values: &[f32]) -> f32 {
    const LANES: usize = 16;
    let mut lanes = [0.0f32; LANES];
    let chunks = values.chunks_exact(LANES);
    let tail: f32 = chunks.remainder().iter().sum();
    for chunk in chunks {
        for (lane, value) in lanes.iter_mut().zip(chunk) {
            *lane += value;
        }
    }
    lanes.iter().sum::<f32>() + tail
}

/// The largest value (−∞ for none), in sixteen lanes like [`sum`].
#[inline(always)]
pub fn max(values: &[f32]) -> f32 {
    const LANES: usize = 16;
    let mut lanes = [f32::NEG_INFINITY; LANES];
    let chunks = values.chunks_exact(LANES);
    let tail = chunks
        .remainder()
        .iter()
        .fold(f32::NEG_INFINITY, |largest, value| largest.max(*value));
    for chunk in chunks {
        for (lane, value) in lanes.iter_mut().zip(chunk) {
            // A plain comparison, not `f32::max`: scores are never NaN, and
            // this compiles to one vector max.
            *lane = if *value > *lane { *value } else { *lane };
        }
    }
    lanes
        .iter()
        .fold(tail, |largest, value| largest.max(*value))
}

/// Comparisons rather than `f32::clamp`, whose NaN handling keeps the
/// loops around it scalar; the encoder's values are never NaN.
#[inline(always)]
fn clamp(x: f32, low: f32, high: f32) -> f32 {
    let x = if x < low { low } else { x };
    if x > high {
        high
    } else {
        x
    }
}

/// `e^x` for `f32` (Cephes' `expf`: range reduction by ln 2, a degree-6
/// polynomial, the power of two built in the exponent bits); branch-free so
/// loops over it vectorise. Inputs below -87 give ≈ 1.6e-38, above 88 the
/// value at 88.
#[inline(always)]
pub fn exp(x: f32) -> f32 {
    // Adding and subtracting 1.5 · 2²³ rounds to the nearest integer
    // without a call to `roundf`.
    const ROUND: f32 = 12_582_912.0;
    const LN2_HIGH: f32 = 0.693_359_4;
    const LN2_LOW: f32 = -2.121_944_4e-4;
    let x = clamp(x, -87.0, 88.0);
    let shifted = x * std::f32::consts::LOG2_E + ROUND;
    let power = shifted - ROUND;
    let r = x - power * LN2_HIGH - power * LN2_LOW;
    let mut p = 1.987_569_1e-4;
    p = p * r + 1.398_199_9e-3;
    p = p * r + 8.333_452e-3;
    p = p * r + 4.166_579_6e-2;
    p = p * r + 0.166_666_65;
    p = p * r + 0.5;
    let mantissa = p * r * r + r + 1.0;
    // 2^power without a float-to-int conversion (which would not
    // vectorise): the low bits of `shifted` hold `power` as an integer, and
    // after the shift only the exponent field's nine bits remain. power ∈
    // [-126, 127] after the clamp, so the exponent is a normal one.
    let exponent = shifted.to_bits().wrapping_add(127) << 23;
    mantissa * f32::from_bits(exponent)
}

/// The error function for `f32`: a rational approximation on [-4, 4]
/// (beyond it erf is ±1 in single precision), the one Eigen and XLA use.
#[inline(always)]
pub fn erf(x: f32) -> f32 {
    let x = clamp(x, -4.0, 4.0);
    let x2 = x * x;
    let mut p = -2.726_142_3e-10;
    p = p * x2 + 2.770_681_4e-8;
    p = p * x2 - 2.101_024e-6;
    p = p * x2 - 5.692_506_4e-5;
    p = p * x2 - 7.349_906_3e-4;
    p = p * x2 - 2.954_6e-3;
    p = p * x2 - 1.609_603_3e-2;
    let mut q = -1.456_607_2e-5;
    q = q * x2 - 2.133_740_6e-4;
    q = q * x2 - 1.682_827e-3;
    q = q * x2 - 7.373_329e-3;
    q = q * x2 - 1.426_474e-2;
    x * p / q
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// erf in f64, exact to ~1e-9: its Taylor series up to 3 (beyond, the
    /// series loses its digits to cancellation), the asymptotic series of
    /// erfc above.
    pub(crate) fn erf_reference(x: f64) -> f64 {
        if x.abs() > 3.0 {
            let y = x.abs();
            let inverse_square = 1.0 / (2.0 * y * y);
            let mut term = 1.0;
            let mut series = 1.0;
            for n in 1..6 {
                term *= -((2 * n - 1) as f64) * inverse_square;
                series += term;
            }
            let erfc = (-y * y).exp() / (y * std::f64::consts::PI.sqrt()) * series;
            return x.signum() * (1.0 - erfc);
        }
        let mut term = x;
        let mut total = x;
        for n in 1..200 {
            term *= -x * x / n as f64;
            total += term / (2 * n + 1) as f64;
        }
        total * 2.0 / std::f64::consts::PI.sqrt()
    }

    fn grid(from: f32, to: f32, steps: usize) -> impl Iterator<Item = f32> {
        (0..=steps).map(move |step| from + (to - from) * step as f32 / steps as f32)
    }

    #[test]
    fn exp_is_within_a_few_ulp_of_the_true_value() {
        let mut worst = 0.0f64;
        for x in grid(-80.0, 80.0, 100_000) {
            let truth = f64::from(x).exp();
            let relative = ((f64::from(exp(x)) - truth) / truth).abs();
            worst = worst.max(relative);
        }
        assert!(worst < 5e-7, "worst relative error {worst:e}");
        assert_eq!(exp(0.0), 1.0);
        assert!(exp(-1000.0) < 1e-37 && exp(-1000.0) >= 0.0);
        assert!(exp(1000.0).is_finite());
    }

    #[test]
    fn erf_is_within_a_few_ulp_of_the_true_value() {
        let mut worst = 0.0f64;
        for x in grid(-6.0, 6.0, 100_000) {
            let truth = erf_reference(f64::from(x));
            worst = worst.max((f64::from(erf(x)) - truth).abs());
        }
        assert!(worst < 1e-6, "worst absolute error {worst:e}");
        assert_eq!(erf(0.0), 0.0);
        assert!((erf(-1.0) + erf(1.0)).abs() < 1e-7, "erf is odd");
    }

    #[test]
    fn gelu_matches_its_definition() {
        let mut values = [-3.0f32, -1.0, -0.1, 0.0, 0.5, 2.0];
        let inputs = values;
        gelu(&mut values);
        for (x, y) in inputs.iter().zip(values) {
            let x = f64::from(*x);
            let truth = 0.5 * x * (1.0 + erf_reference(x / std::f64::consts::SQRT_2));
            assert!(
                (f64::from(y) - truth).abs() < 1e-6,
                "gelu({x}) = {y}, not {truth}"
            );
        }
    }

    #[test]
    fn softmax_rows_sum_to_one_and_keep_their_order() {
        let mut rows = vec![1.0, 2.0, 3.0, 1000.0, 1000.0, -1000.0];
        softmax_rows(&mut rows, 3);
        assert!((rows[..3].iter().sum::<f32>() - 1.0).abs() < 1e-6);
        assert!(rows[0] < rows[1] && rows[1] < rows[2]);
        let expected = 1.0 / (1.0 + 1f32.exp() + 2f32.exp());
        assert!((rows[0] - expected).abs() < 1e-6, "{}", rows[0]);
        // Large logits do not overflow: the row's maximum is subtracted.
        assert!((rows[3] - 0.5).abs() < 1e-6 && (rows[4] - 0.5).abs() < 1e-6);
        assert!(rows[5] < 1e-30);
    }

    #[test]
    fn layer_norm_centres_scales_and_shifts_each_row() {
        let mut rows = vec![1.0, 2.0, 3.0, 4.0, 10.0, 10.0, 10.0, 10.0];
        layer_norm(&mut rows, &[2.0; 4], &[1.0; 4], 1e-12);
        // Row 1: mean 2.5, variance 1.25.
        let deviation = 1.25f32.sqrt();
        for (value, x) in rows[..4].iter().zip([1.0f32, 2.0, 3.0, 4.0]) {
            let expected = (x - 2.5) / deviation * 2.0 + 1.0;
            assert!((value - expected).abs() < 1e-5, "{value} vs {expected}");
        }
        // A constant row has no variance: only the shift is left.
        assert!(rows[4..].iter().all(|value| (value - 1.0).abs() < 1e-5));
    }

    #[test]
    fn sum_and_max_see_every_value_including_the_tail() {
        let values: Vec<f32> = (1..=37).map(|value| value as f32).collect();
        assert_eq!(sum(&values), 703.0);
        assert_eq!(sum(&[]), 0.0);
        assert_eq!(max(&values), 37.0);
        let mut descending = values.clone();
        descending.reverse();
        assert_eq!(max(&descending), 37.0, "the largest in the first lanes");
        assert_eq!(max(&[-3.0, -1.0]), -1.0);
        assert_eq!(max(&[]), f32::NEG_INFINITY);
    }

    fn naive_product(a: &[f32], b: &[f32], m: usize, k: usize, n: usize) -> Vec<f32> {
        let mut out = vec![0.0; m * n];
        for i in 0..m {
            for j in 0..n {
                out[i * n + j] = (0..k).map(|p| a[i * k + p] * b[p * n + j]).sum();
            }
        }
        out
    }

    #[test]
    fn matmul_agrees_with_the_definition_for_plain_transposed_and_strided_views() {
        let (m, k, n) = (5, 7, 3);
        let a: Vec<f32> = (0..m * k).map(|i| (i as f32 * 0.37).sin()).collect();
        let b: Vec<f32> = (0..k * n).map(|i| (i as f32 * 0.11).cos()).collect();
        let expected = naive_product(&a, &b, m, k, n);

        let mut out = vec![0.0; m * n];
        let a_view = Matrix::row_major(&a, m, k).expect("a");
        let b_view = Matrix::row_major(&b, k, n).expect("b");
        let target = MatrixMut::row_major(&mut out, m, n).expect("out");
        matmul(target, a_view, b_view, 1.0, false, Parallelism::None).expect("matmul");
        for (got, want) in out.iter().zip(&expected) {
            assert!((got - want).abs() < 1e-5);
        }

        // b stored transposed (n × k, as torch stores a linear layer's
        // weight), read through a transposed view; the product lands in the
        // middle columns of a wider matrix, accumulated onto a bias of 1 and
        // scaled by 2.
        let mut b_t = vec![0.0; n * k];
        for p in 0..k {
            for j in 0..n {
                b_t[j * k + p] = b[p * n + j];
            }
        }
        let width = n + 2;
        let mut wide = vec![1.0; m * width];
        let b_view = Matrix::row_major(&b_t, n, k).expect("b_t").transposed();
        let target = MatrixMut::strided(&mut wide[1..], m, n, width).expect("wide");
        matmul(target, a_view, b_view, 2.0, true, Parallelism::None).expect("matmul");
        for i in 0..m {
            assert_eq!(wide[i * width], 1.0, "column left of the view untouched");
            assert_eq!(wide[i * width + width - 1], 1.0, "column right untouched");
            for j in 0..n {
                let want = 1.0 + 2.0 * expected[i * n + j];
                assert!((wide[i * width + 1 + j] - want).abs() < 1e-5);
            }
        }
    }

    #[test]
    fn views_that_overrun_their_slice_or_do_not_multiply_are_refused() {
        let data = [0.0f32; 12];
        assert!(Matrix::row_major(&data, 3, 4).is_ok());
        assert!(Matrix::row_major(&data, 4, 4).is_err());
        assert!(Matrix::strided(&data, 2, 2, 11, 1).is_err());
        assert!(Matrix::strided(&data, 0, 5, 100, 1).is_ok(), "empty fits");

        let a = Matrix::row_major(&data, 3, 4).expect("a");
        let b = Matrix::row_major(&data, 3, 4).expect("b");
        let mut out = [0.0f32; 9];
        let target = MatrixMut::row_major(&mut out, 3, 3).expect("out");
        assert!(matmul(target, a, b, 1.0, false, Parallelism::None).is_err());
    }
}
