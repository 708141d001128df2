/* ntm-copy: a Neural Turing Machine compiled by seqc copies sequences of
 * 6-bit vectors (the copy task of Graves et al. 2014, sec. 4.1), one time
 * step per call. The model (ntm_copy.seq: an LSTM controller of 64, a
 * 16 x 12 memory, one read and one write head, and a linear layer to 6
 * logits) was trained by make_model.py on lengths 1..6.
 *
 *   ntm-copy [DATA_DIR]   (default: examples/ntm-copy/data)
 *
 * DATA_DIR holds fixtures k = 0, 1, ... (up to the first missing one):
 *   input_<k>.npy   f32 [2L+1, 1, 8]  L vectors (channels 0-5 the bits), a
 *                                     delimiter step (channel 6), then L
 *                                     recall steps (channel 7)
 *   logits_<k>.npy  f32 [2L+1, 1, 6]  PyTorch's logits at every step
 *   target_<k>.npy  f32 [L, 6]        the bits to recall
 * For each one:
 * 1. runs the whole sequence at once (ntm_copy_run) and checks the logits
 *    against PyTorch's;
 * 2. streams it one step at a time (ntm_copy_step) from a fresh state (the
 *    memory, read vectors, head weightings and LSTM state carried from step
 *    to step) and checks the logits again;
 * 3. prints the recalled bits (logit > 0, i.e. sigmoid > 0.5) of the
 *    streamed recall steps next to the targets, and the wrong bits.
 *
 * Exits 1 if seqc disagrees with PyTorch beyond 1e-4 of the logits' scale,
 * 2 on a bad fixture or any runtime error. Wrong bits are reported, not an
 * error: PyTorch's own logits make them too (the test length 8 is longer
 * than any the model was trained on). */
#include "ntm_copy.h"

#include <seqc/npy.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef NTM_COPY_DATA_DIR
#define NTM_COPY_DATA_DIR "data"
#endif

#define TOLERANCE 1e-4
#define INPUTS 8 /* 6 bits, delimiter, recall flag */
#define BITS 6

static const char *data_dir = NTM_COPY_DATA_DIR;

static void check(seqc_status status, const seqc_error *err, const char *what) {
  if (status == SEQC_OK)
    return;
  fprintf(stderr, "ntm-copy: %s: %s\n", what,
          err->message[0] ? err->message : seqc_rt_status_string(status));
  exit(2);
}

static void fixture_path(char *path, size_t size, const char *kind, int k) {
  snprintf(path, size, "%s/%s_%d.npy", data_dir, kind, k);
}

static int fixture_exists(int k) {
  char path[4096];
  fixture_path(path, sizeof path, "input", k);
  FILE *f = fopen(path, "rb");
  if (!f)
    return 0;
  fclose(f);
  return 1;
}

/* Reads <kind>_<k>.npy, which must be float32 of `rank` dimensions whose
 * last one is `last`. */
static seqc_npy_array load(const char *kind, int k, int rank, int64_t last) {
  char path[4096];
  seqc_npy_array a;
  seqc_error err;
  fixture_path(path, sizeof path, kind, k);
  memset(&err, 0, sizeof err);
  check(seqc_rt_npy_read(path, &a, &err), &err, path);
  if (a.dtype != SEQC_DTYPE_F32 || a.rank != rank ||
      a.shape[rank - 1] != last) {
    fprintf(stderr, "ntm-copy: %s: expected float32 [%s%lld]\n", path,
            rank == 3 ? "T, 1, " : "L, ", (long long)last);
    exit(2);
  }
  return a;
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
  printf("   %-30s max |diff| = %.2e  (limit %.0e)  %s\n", what, diff,
         TOLERANCE * scale, ok ? "ok" : "MISMATCH");
  return ok;
}

/* One fixture: run, stream and print the copy. Returns 1 if both agree
 * with PyTorch; adds the wrong bits to *wrong_total. */
static int copy_sequence(int k, int64_t *wrong_total) {
  seqc_error err;
  memset(&err, 0, sizeof err);
  seqc_npy_array x = load("input", k, 3, INPUTS);
  seqc_npy_array want = load("logits", k, 3, BITS);
  seqc_npy_array target = load("target", k, 2, BITS);
  const int64_t T = x.shape[0], L = target.shape[0];
  if (x.shape[1] != 1 || T != 2 * L + 1 || want.shape[0] != T ||
      want.shape[1] != 1) {
    fprintf(stderr, "ntm-copy: fixture %d: expected input [2L+1, 1, %d], "
            "logits [2L+1, 1, %d] and target [L, %d]\n", k, INPUTS, BITS,
            BITS);
    exit(2);
  }
  float *in = x.data;
  const float *bits = target.data;
  float *y = calloc((size_t)(T * BITS), sizeof(float));
  int ok = 1;
  printf("sequence %d: %lld vectors, %lld steps\n", k, (long long)L,
         (long long)T);

  /* 1. The whole sequence at once. */
  {
    seqc_model *model;
    check(ntm_copy_create(&model, &err), &err, "ntm_copy_create");
    const int64_t yshape[3] = {T, 1, BITS};
    seqc_tensor xt, yt;
    seqc_rt_tensor_init(&xt, x.data, SEQC_DTYPE_F32, 3, x.shape);
    seqc_rt_tensor_init(&yt, y, SEQC_DTYPE_F32, 3, yshape);
    check(ntm_copy_run(model, &xt, &yt, &err), &err, "ntm_copy_run");
    ntm_copy_destroy(model);
    ok &= agrees("run vs PyTorch", y, want.data, T * BITS);
  }

  /* 2. One step at a time from a fresh state. */
  {
    seqc_stream *state;
    check(ntm_copy_state_create(1, &state, &err), &err,
          "ntm_copy_state_create");
    memset(y, 0, sizeof(float) * (size_t)(T * BITS));
    const int64_t xshape[3] = {1, 1, INPUTS}, yshape[3] = {1, 1, BITS};
    for (int64_t t = 0; t < T; ++t) {
      seqc_tensor xt, yt;
      seqc_rt_tensor_init(&xt, in + t * INPUTS, SEQC_DTYPE_F32, 3, xshape);
      seqc_rt_tensor_init(&yt, y + t * BITS, SEQC_DTYPE_F32, 3, yshape);
      check(ntm_copy_step(state, &xt, &yt, &err), &err, "ntm_copy_step");
    }
    ntm_copy_state_destroy(state);
    ok &= agrees("streamed (1 step) vs PyTorch", y, want.data, T * BITS);
  }

  /* 3. The recall steps of the stream: the last L. */
  int64_t wrong = 0;
  printf("   %-8s %-8s\n", "target", "recalled");
  for (int64_t i = 0; i < L; ++i) {
    const float *logits = y + (L + 1 + i) * BITS;
    char want_row[BITS + 1], got_row[BITS + 1];
    for (int b = 0; b < BITS; ++b) {
      want_row[b] = bits[i * BITS + b] > 0.5f ? '1' : '0';
      got_row[b] = logits[b] > 0 ? '1' : '0';
      wrong += want_row[b] != got_row[b];
    }
    want_row[BITS] = got_row[BITS] = '\0';
    printf("   %-8s %-8s%s\n", want_row, got_row,
           strcmp(want_row, got_row) ? "  <- differs" : "");
  }
  printf("   %lld wrong bits of %lld\n", (long long)wrong,
         (long long)(L * BITS));
  *wrong_total += wrong;

  free(y);
  seqc_rt_npy_free(&x);
  seqc_rt_npy_free(&want);
  seqc_rt_npy_free(&target);
  return ok;
}

int main(int argc, char **argv) {
  if (argc > 1)
    data_dir = argv[1];
  printf("ntm-copy: a Neural Turing Machine (LSTM controller 64, memory "
         "16 x 12, 1 read and 1 write head), compiled by seqc\n");
  int ok = 1, k = 0;
  int64_t wrong = 0;
  for (; fixture_exists(k); ++k)
    ok &= copy_sequence(k, &wrong);
  if (k == 0) {
    fprintf(stderr, "ntm-copy: no %s/input_0.npy\n", data_dir);
    return 2;
  }
  printf("%d sequences, %lld wrong bits\n", k, (long long)wrong);
  printf("%s\n", ok ? "PASS: seqc agrees with PyTorch"
                    : "FAIL: seqc disagrees with PyTorch");
  return ok ? 0 : 1;
}
