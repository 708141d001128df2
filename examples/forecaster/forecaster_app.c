/* forecaster: streams a noisy sine wave through an LSTM compiled by seqc
 * and forecasts it autoregressively.
 *
 *   forecaster [DATA_DIR]      (default: the example's data/ folder)
 *
 * 1. Runs the whole warm-up sequence at once (forecaster_run) and checks it
 *    against PyTorch's predictions (data/y_warm.npy).
 * 2. Streams the same sequence one step at a time (forecaster_step) and
 *    checks that both APIs agree.
 * 3. Forecasts: feeds each prediction back as the next input, compares with
 *    PyTorch's forecast (data/y_forecast.npy) and prints it against the
 *    true sine.
 * 4. Resets the state, replays the warm-up and checks it reproduces step 2.
 * 5. Times one step (clock_gettime, microseconds).
 *
 * Exits non-zero if the compiled model disagrees with PyTorch beyond 1e-4
 * of the output's scale, or on any runtime error. */
#include "forecaster.h"

#include <seqc/npy.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef FORECASTER_DATA_DIR
#define FORECASTER_DATA_DIR "data"
#endif

#define TOLERANCE 1e-4
#define BENCH_STEPS 20000

static const char *data_dir = FORECASTER_DATA_DIR;

static void check(seqc_status status, const seqc_error *err, const char *what) {
  if (status == SEQC_OK)
    return;
  fprintf(stderr, "forecaster: %s: %s\n", what,
          err->message[0] ? err->message : seqc_rt_status_string(status));
  exit(2);
}

static seqc_npy_array load(const char *file, int64_t numel) {
  char path[4096];
  seqc_npy_array a;
  seqc_error err;
  snprintf(path, sizeof path, "%s/%s", data_dir, file);
  memset(&err, 0, sizeof err);
  check(seqc_rt_npy_read(path, &a, &err), &err, path);
  if (a.dtype != SEQC_DTYPE_F32 || (numel >= 0 && a.numel != numel)) {
    fprintf(stderr, "forecaster: %s: expected %lld float32 values\n", path,
            (long long)numel);
    exit(2);
  }
  return a;
}

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec * 1e-3;
}

static double max_abs(const float *a, int64_t n) {
  double m = 0;
  for (int64_t i = 0; i < n; ++i)
    m = fmax(m, fabs(a[i]));
  return m;
}

static double max_diff(const float *a, const float *b, int64_t n) {
  double m = 0;
  for (int64_t i = 0; i < n; ++i)
    m = fmax(m, fabs((double)a[i] - b[i]));
  return m;
}

/* |got - want| <= TOLERANCE * max(1, max |want|) */
static int agrees(const char *what, const float *got, const float *want,
                  int64_t n) {
  double diff = max_diff(got, want, n);
  double limit = TOLERANCE * fmax(1.0, max_abs(want, n));
  printf("  %-44s max |diff| = %.2e  (limit %.0e)  %s\n", what, diff, limit,
         diff <= limit ? "ok" : "MISMATCH");
  return diff <= limit;
}

/* One step of the stream: x and y are one value each ([1, 1, 1] and
 * [1, 1, 1, 1]), in caller buffers, so a step allocates nothing. */
static float step(seqc_stream *state, float input) {
  static const int64_t x_shape[3] = {1, 1, 1};
  static const int64_t y_shape[4] = {1, 1, 1, 1};
  float out = 0;
  seqc_tensor x, y;
  seqc_error err;
  seqc_rt_tensor_init(&x, &input, SEQC_DTYPE_F32, 3, x_shape);
  seqc_rt_tensor_init(&y, &out, SEQC_DTYPE_F32, 4, y_shape);
  check(forecaster_step(state, &x, &y, &err), &err, "forecaster_step");
  return out;
}

int main(int argc, char **argv) {
  if (argc > 1)
    data_dir = argv[1];
  seqc_error err;
  memset(&err, 0, sizeof err);
  int ok = 1;

  seqc_npy_array x_warm = load("x_warm.npy", -1);
  const int64_t T = x_warm.numel; /* [T, B=1, 1] */
  seqc_npy_array y_warm = load("y_warm.npy", T);
  seqc_npy_array truth = load("true_future.npy", -1);
  const int64_t F = truth.numel;
  seqc_npy_array y_forecast = load("y_forecast.npy", F);
  const float *xs = x_warm.data;

  /* 1. The whole warm-up sequence at once: x [T, 1, 1] -> y [T, 1, 1, 1]. */
  printf("forecaster: LSTM(hidden 32) + linear, compiled by seqc\n");
  printf("1. forecaster_run on the %lld-step warm-up sequence\n", (long long)T);
  seqc_model *model;
  check(forecaster_create(&model, &err), &err, "forecaster_create");
  float *y_run = calloc(T, sizeof(float));
  float *y_stream = calloc(T, sizeof(float));
  {
    const int64_t x_shape[3] = {T, 1, 1};
    const int64_t y_shape[4] = {T, 1, 1, 1};
    seqc_tensor x, y;
    seqc_rt_tensor_init(&x, x_warm.data, SEQC_DTYPE_F32, 3, x_shape);
    seqc_rt_tensor_init(&y, y_run, SEQC_DTYPE_F32, 4, y_shape);
    check(forecaster_run(model, &x, &y, &err), &err, "forecaster_run");
  }
  forecaster_destroy(model);
  ok &= agrees("run vs PyTorch", y_run, y_warm.data, T);

  /* 2. The same sequence, one step at a time. */
  printf("2. forecaster_step, one step at a time over the warm-up\n");
  seqc_stream *state;
  check(forecaster_state_create(1, &state, &err), &err,
        "forecaster_state_create");
  double t0 = now_us();
  for (int64_t t = 0; t < T; ++t)
    y_stream[t] = step(state, xs[t]);
  double warm_us = now_us() - t0;
  ok &= agrees("step vs run (both APIs agree)", y_stream, y_run, T);

  /* 3. Forecast: each prediction becomes the next input. */
  printf("3. autoregressive forecast, %lld steps (predictions fed back)\n",
         (long long)F);
  float *y_ar = calloc(F, sizeof(float));
  float next = y_stream[T - 1];
  for (int64_t k = 0; k < F; ++k)
    y_ar[k] = next = step(state, next);
  ok &= agrees("forecast vs PyTorch", y_ar, y_forecast.data, F);
  printf("\n   step  predicted   true sine   |error|\n");
  for (int64_t k = 0; k < F; ++k) {
    /* y_stream[T - 1] predicts time T; y_ar[k] predicts time T + 1 + k. */
    const float *tr = truth.data;
    printf("   %4lld  %9.4f  %10.4f  %8.4f\n", (long long)(T + 1 + k), y_ar[k],
           tr[k], fabs(y_ar[k] - tr[k]));
  }
  printf("   max |forecast - true sine| = %.4f\n\n",
         max_diff(y_ar, truth.data, F));

  /* 4. Reset: the state starts from zero again. */
  printf("4. forecaster_state_reset, then the warm-up again\n");
  check(forecaster_state_reset(state), &err, "forecaster_state_reset");
  float *y_again = calloc(T, sizeof(float));
  for (int64_t t = 0; t < T; ++t)
    y_again[t] = step(state, xs[t]);
  ok &= agrees("after reset vs first stream", y_again, y_stream, T);

  /* 5. Latency of one step (B = 1), after a warm-up of the caches. */
  check(forecaster_state_reset(state), &err, "forecaster_state_reset");
  float v = 0;
  for (int i = 0; i < 1000; ++i)
    v = step(state, v);
  double best = 1e30;
  t0 = now_us();
  for (int i = 0; i < BENCH_STEPS; ++i) {
    double s = now_us();
    v = step(state, v);
    best = fmin(best, now_us() - s);
  }
  double mean = (now_us() - t0) / BENCH_STEPS;
  printf("5. timing: warm-up stream %.1f us for %lld steps; over %d steps: "
         "%.2f us/step mean, %.2f us/step best\n",
         warm_us, (long long)T, BENCH_STEPS, mean, best);

  forecaster_state_destroy(state);
  free(y_run);
  free(y_stream);
  free(y_ar);
  free(y_again);
  seqc_rt_npy_free(&x_warm);
  seqc_rt_npy_free(&y_warm);
  seqc_rt_npy_free(&truth);
  seqc_rt_npy_free(&y_forecast);
  printf("%s\n", ok ? "PASS: seqc agrees with PyTorch"
                    : "FAIL: seqc disagrees with PyTorch");
  return ok ? 0 : 1;
}
