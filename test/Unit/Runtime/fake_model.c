/*===- fake_model.c - A stand-in for a model built by seqc --emit=shared ---===*
 *
 * Exports what a compiled shared model exports (seqc/abi.h): api getters
 * whose invoke follows the packed-descriptor ABI and mallocs every output.
 * seq-run's end-to-end tests load it while the compiler cannot yet build
 * real models.
 *
 *===----------------------------------------------------------------------===*/

#include "seqc/abi.h"

#include <stdlib.h>

#define EXPORT __attribute__((visibility("default")))

/* Fills a dense descriptor of rank `rank` at `w` for a new buffer. */
static void *new_output(intptr_t *w, int rank, const intptr_t *sizes,
                        size_t esize) {
  intptr_t numel = 1, stride = 1;
  for (int d = 0; d < rank; ++d)
    numel *= sizes[d];
  void *buf = malloc(numel ? (size_t)numel * esize : 1);
  w[0] = w[1] = (intptr_t)buf;
  w[2] = 0;
  for (int d = rank - 1; d >= 0; --d) {
    w[3 + d] = sizes[d];
    w[3 + rank + d] = stride;
    stride *= sizes[d];
  }
  return buf;
}

/* fake_affine: y = 2 x + 1 over [T,B,4]; total = sum(y) as a rank-0 f64. */
static void affine_invoke(void **args) {
  const intptr_t *x = (const intptr_t *)args[1];
  intptr_t *out = (intptr_t *)args[0];
  const float *xs = (const float *)x[1];
  float *y = new_output(out, 3, x + 3, sizeof(float));
  double *total = new_output(out + 3 + 2 * 3, 0, NULL, sizeof(double));
  intptr_t n = x[3] * x[4] * x[5];
  *total = 0;
  for (intptr_t i = 0; i < n; ++i) {
    y[i] = 2.0f * xs[i] + 1.0f;
    *total += y[i];
  }
}

static const seqc_model_api affine_api = {
    SEQC_ABI_VERSION,
    1,
    2,
    0,
    "fake_affine",
    "in x f32 [T,B,4]\nout y f32 [T,B,4]\nout total f64 []\n",
    affine_invoke};

EXPORT const seqc_model_api *fake_affine_api(void) { return &affine_api; }
EXPORT const seqc_model_api *seqc_default_model_api(void) {
  return &affine_api;
}

/* fake_scale: b = a * k elementwise over i64 [N]. */
static void scale_invoke(void **args) {
  const intptr_t *a = (const intptr_t *)args[1];
  const intptr_t *k = (const intptr_t *)args[2];
  intptr_t *out = (intptr_t *)args[0];
  const int64_t *as = (const int64_t *)a[1], *ks = (const int64_t *)k[1];
  int64_t *b = new_output(out, 1, a + 3, sizeof(int64_t));
  for (intptr_t i = 0; i < a[3]; ++i)
    b[i] = as[i] * ks[i];
}

static const seqc_model_api scale_api = {SEQC_ABI_VERSION,
                                         2,
                                         1,
                                         0,
                                         "fake_scale",
                                         "in a i64 [N]\nin k i64 [N]\n"
                                         "out b i64 [N]\n",
                                         scale_invoke};

EXPORT const seqc_model_api *fake_scale_api(void) { return &scale_api; }

/* fake_future: compiled against an ABI this runtime does not implement. */
static const seqc_model_api future_api = {99,
                                          1,
                                          2,
                                          0,
                                          "fake_future",
                                          "in x f32 [T,B,4]\nout y f32 "
                                          "[T,B,4]\nout total f64 []\n",
                                          affine_invoke};

EXPORT const seqc_model_api *fake_future_api(void) { return &future_api; }
