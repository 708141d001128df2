/* mamba-stream: streams a signal through two Mamba-1 blocks compiled by
 * seqc (examples/seq-models/mamba: mamba_ssm's Mamba weights, d_model 8,
 * d_state 4), one time step per call.
 *
 *   mamba-stream [DATA_DIR]   (default: examples/seq-models/mamba)
 *
 * 1. Runs the whole signal x [B=2, T=37, 8] at once (mamba_run) and checks
 *    it against PyTorch (expected_y.npy).
 * 2. Streams it one step at a time (mamba_step): the state each block
 *    carries is its convolution's last d_conv - 1 inputs and its selective
 *    scan's [B, d_inner, d_state] state; the joined outputs must match.
 * 3. Streams it again in chunks of 7 steps after mamba_state_reset.
 * 4. Times one step (B = 2).
 *
 * Exits non-zero if seqc disagrees with PyTorch beyond 1e-4 of the
 * output's scale, or on any runtime error. */
#include "mamba.h"

#include <seqc/npy.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef MAMBA_DATA_DIR
#define MAMBA_DATA_DIR "data"
#endif

#define TOLERANCE 1e-4
#define FEATURES 8
#define BENCH_STEPS 20000

static const char *data_dir = MAMBA_DATA_DIR;

static void check(seqc_status status, const seqc_error *err, const char *what) {
  if (status == SEQC_OK)
    return;
  fprintf(stderr, "mamba-stream: %s: %s\n", what,
          err->message[0] ? err->message : seqc_rt_status_string(status));
  exit(2);
}

static seqc_npy_array load(const char *file) {
  char path[4096];
  seqc_npy_array a;
  seqc_error err;
  snprintf(path, sizeof path, "%s/%s", data_dir, file);
  memset(&err, 0, sizeof err);
  check(seqc_rt_npy_read(path, &a, &err), &err, path);
  if (a.dtype != SEQC_DTYPE_F32 || a.rank != 3 || a.shape[2] != FEATURES) {
    fprintf(stderr, "mamba-stream: %s: expected float32 [B, T, %d]\n", path,
            FEATURES);
    exit(2);
  }
  return a;
}

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec * 1e-3;
}

/* |got - want| <= TOLERANCE * max(1, max |want|) */
static int agrees(const char *what, const float *got, const float *want,
                  int64_t n) {
  double diff = 0, scale = 1;
  for (int64_t i = 0; i < n; ++i) {
    diff = fmax(diff, fabs((double)got[i] - want[i]));
    scale = fmax(scale, fabs(want[i]));
  }
  int ok = diff <= TOLERANCE * scale;
  printf("   %-36s max |diff| = %.2e  (limit %.0e)  %s\n", what, diff,
         TOLERANCE * scale, ok ? "ok" : "MISMATCH");
  return ok;
}

/* Streams x [B, T, F] through `state` in chunks of `chunk` steps into y. */
static void stream(seqc_stream *state, const float *x, int64_t B, int64_t T,
                   int64_t chunk, float *y) {
  float *in = malloc(sizeof(float) * (size_t)(B * chunk * FEATURES));
  float *out = malloc(sizeof(float) * (size_t)(B * chunk * FEATURES));
  seqc_error err;
  for (int64_t t0 = 0; t0 < T; t0 += chunk) {
    const int64_t n = t0 + chunk <= T ? chunk : T - t0;
    /* The chunk's steps of every batch row, dense [B, n, F]. */
    for (int64_t b = 0; b < B; ++b)
      memcpy(in + b * n * FEATURES, x + (b * T + t0) * FEATURES,
             sizeof(float) * (size_t)(n * FEATURES));
    const int64_t shape[3] = {B, n, FEATURES};
    seqc_tensor xt, yt;
    seqc_rt_tensor_init(&xt, in, SEQC_DTYPE_F32, 3, shape);
    seqc_rt_tensor_init(&yt, out, SEQC_DTYPE_F32, 3, shape);
    check(mamba_step(state, &xt, &yt, &err), &err, "mamba_step");
    for (int64_t b = 0; b < B; ++b)
      memcpy(y + (b * T + t0) * FEATURES, out + b * n * FEATURES,
             sizeof(float) * (size_t)(n * FEATURES));
  }
  free(in);
  free(out);
}

int main(int argc, char **argv) {
  if (argc > 1)
    data_dir = argv[1];
  seqc_error err;
  memset(&err, 0, sizeof err);
  int ok = 1;

  seqc_npy_array x = load("x.npy"), want = load("expected_y.npy");
  const int64_t B = x.shape[0], T = x.shape[1], n = x.numel;
  if (want.numel != n) {
    fprintf(stderr, "mamba-stream: expected_y.npy does not match x.npy\n");
    return 2;
  }
  float *y = calloc((size_t)n, sizeof(float));
  printf("mamba-stream: 2 Mamba-1 blocks (d_model 8, d_inner 16, d_state "
         "4), compiled by seqc\n");

  /* 1. The whole signal at once. */
  printf("1. mamba_run on x [%lld, %lld, %d]\n", (long long)B, (long long)T,
         FEATURES);
  {
    seqc_model *model;
    check(mamba_create(&model, &err), &err, "mamba_create");
    seqc_tensor xt, yt;
    seqc_rt_tensor_init(&xt, x.data, SEQC_DTYPE_F32, 3, x.shape);
    seqc_rt_tensor_init(&yt, y, SEQC_DTYPE_F32, 3, x.shape);
    check(mamba_run(model, &xt, &yt, &err), &err, "mamba_run");
    mamba_destroy(model);
    ok &= agrees("run vs PyTorch", y, want.data, n);
  }

  /* 2. One step at a time; 3. chunks of 7 after a reset. */
  seqc_stream *state;
  check(mamba_state_create(B, &state, &err), &err, "mamba_state_create");
  printf("2. mamba_step, one step at a time\n");
  memset(y, 0, sizeof(float) * (size_t)n);
  stream(state, x.data, B, T, 1, y);
  ok &= agrees("streamed (1 step) vs PyTorch", y, want.data, n);
  printf("3. mamba_state_reset, then chunks of 7 steps\n");
  check(mamba_state_reset(state), &err, "mamba_state_reset");
  memset(y, 0, sizeof(float) * (size_t)n);
  stream(state, x.data, B, T, 7, y);
  ok &= agrees("streamed (7 steps) vs PyTorch", y, want.data, n);

  /* 4. Latency of one step. */
  {
    float in[2 * FEATURES] = {0}, out[2 * FEATURES];
    const int64_t shape[3] = {2, 1, FEATURES};
    seqc_tensor xt, yt;
    seqc_rt_tensor_init(&xt, in, SEQC_DTYPE_F32, 3, shape);
    seqc_rt_tensor_init(&yt, out, SEQC_DTYPE_F32, 3, shape);
    seqc_stream *bench;
    check(mamba_state_create(2, &bench, &err), &err, "mamba_state_create");
    for (int i = 0; i < 1000; ++i)
      check(mamba_step(bench, &xt, &yt, &err), &err, "mamba_step");
    double best = 1e30, t0 = now_us();
    for (int i = 0; i < BENCH_STEPS; ++i) {
      double s = now_us();
      check(mamba_step(bench, &xt, &yt, &err), &err, "mamba_step");
      best = fmin(best, now_us() - s);
    }
    printf("4. timing over %d steps (B = 2): %.2f us/step mean, %.2f "
           "us/step best\n",
           BENCH_STEPS, (now_us() - t0) / BENCH_STEPS, best);
    mamba_state_destroy(bench);
  }

  mamba_state_destroy(state);
  free(y);
  seqc_rt_npy_free(&x);
  seqc_rt_npy_free(&want);
  printf("%s\n", ok ? "PASS: seqc agrees with PyTorch"
                    : "FAIL: seqc disagrees with PyTorch");
  return ok ? 0 : 1;
}
