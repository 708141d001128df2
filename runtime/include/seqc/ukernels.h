/*===- seqc/ukernels.h - Highway microkernels (C ABI) ----------------------===*
 *
 * The compiler emits calls to these from generated code. Contract: a kernel
 * never allocates, keeps no mutable global state and makes no syscalls, so
 * it is safe on the per-step path and from any thread. Matrix operands come
 * as base pointer + element offset + row stride (in elements), matching the
 * memref descriptors the compiler lowers to. Each call dispatches once to the
 * best SIMD target the CPU supports (AVX-512, AVX2, SSE4, NEON, ...).
 *
 *===----------------------------------------------------------------------===*/
#ifndef SEQC_UKERNELS_H
#define SEQC_UKERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* C[m,n] (+)= A[m,k] * B[n,k]^T. B has the PyTorch weight layout (one
 * output feature per row), so each output is a dot product of two contiguous
 * rows. A(i,p) = a[a_off + i*lda + p], B(j,p) = b[b_off + j*ldb + p],
 * C(i,j) = c[c_off + i*ldc + j]. accumulate == 0 overwrites C without
 * reading it. */
void seqc_uk_matmul_f32(int64_t m, int64_t n, int64_t k, const float *a,
                        int64_t a_off, int64_t lda, const float *b,
                        int64_t b_off, int64_t ldb, float *c, int64_t c_off,
                        int64_t ldc, int32_t accumulate);

/* C[m,n] (+)= A[m,k] * B[k,n], with B(p,j) = b[b_off + p*ldb + j]. */
void seqc_uk_matmul_nn_f32(int64_t m, int64_t n, int64_t k, const float *a,
                           int64_t a_off, int64_t lda, const float *b,
                           int64_t b_off, int64_t ldb, float *c, int64_t c_off,
                           int64_t ldc, int32_t accumulate);

/* y[n] (+)= W[n,k] x[k], W(j,p) = w[w_off + j*ldw + p]. */
void seqc_uk_gemv_f32(int64_t n, int64_t k, const float *w, int64_t w_off,
                      int64_t ldw, const float *x, int64_t x_off, float *y,
                      int64_t y_off, int32_t accumulate);

/* Elementwise, y[i] = f(x[i]) for i < n; y may alias x exactly. */
void seqc_uk_sigmoid_f32(int64_t n, const float *x, float *y);
void seqc_uk_tanh_f32(int64_t n, const float *x, float *y);
void seqc_uk_exp_f32(int64_t n, const float *x, float *y);
void seqc_uk_gelu_f32(int64_t n, const float *x, float *y); /* erf form */
void seqc_uk_silu_f32(int64_t n, const float *x, float *y);
void seqc_uk_erf_f32(int64_t n, const float *x, float *y); /* |err| < 1e-6 */

/* Sum (0 for n <= 0) and maximum (-inf for n <= 0; NaN handling is
 * target-dependent). */
float seqc_uk_reduce_sum_f32(int64_t n, const float *x);
float seqc_uk_reduce_max_f32(int64_t n, const float *x);

/* LSTM step epilogue. gates[4h] holds the summed pre-activations in ONNX
 * order i, o, f, c. c = f*c + i*tanh(g); h_out = o*tanh(c). */
void seqc_uk_lstm_cell_f32(int64_t h, const float *gates, float *c_state,
                           float *h_out);

/* GRU step epilogue, linear_before_reset=1 (PyTorch) form, ONNX order z, r,
 * n. x_gates[3h] is the input projection incl. Wb, h_gates[3h] the recurrent
 * product incl. Rb. z = sigmoid(xz+hz), r = sigmoid(xr+hr),
 * n = tanh(xn + r*hn), h = (1-z)*n + z*h_prev, updated in place. */
void seqc_uk_gru_cell_f32(int64_t h, const float *x_gates, const float *h_gates,
                          float *h_state);

/* Name of the SIMD target the kernels dispatch to now ("AVX3", "AVX2", ...);
 * for diagnostics and benchmarks. */
const char *seqc_uk_target_name(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* SEQC_UKERNELS_H */
