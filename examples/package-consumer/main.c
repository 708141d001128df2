/* Opens the model compiled by seqc_add_model through its generated header
 * (built with MODEL_WEIGHTS, the path of its external weights file) and
 * runs it on DIR/x.npy when a directory is given, comparing the output
 * with DIR/expected_y.npy. */
#include "model.h"

#include <seqc/npy.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

/* 0 when `out` (f32) has DIR/expected_y.npy's shape and values, to 1e-4
 * of its largest magnitude. */
static int compare(const char *dir, const seqc_tensor *out) {
  char path[4096];
  seqc_npy_array want;
  seqc_error err;
  memset(&err, 0, sizeof err);
  snprintf(path, sizeof path, "%s/expected_y.npy", dir);
  if (seqc_rt_npy_read(path, &want, &err) != SEQC_OK) {
    fprintf(stderr, "consumer: %s\n", err.message);
    return 1;
  }
  int same = want.rank == out->rank && want.dtype == SEQC_DTYPE_F32 &&
             out->dtype == SEQC_DTYPE_F32;
  for (int64_t d = 0; same && d < out->rank; ++d)
    same = want.shape[d] == out->shape[d];
  float scale = 1, error = 0;
  const float *a = same ? (const float *)want.data : NULL;
  const float *b = (const float *)out->data;
  for (int64_t i = 0; same && i < seqc_rt_tensor_numel(out); ++i) {
    scale = fmaxf(scale, fabsf(a[i]));
    error = fmaxf(error, fabsf(a[i] - b[i]));
  }
  seqc_rt_npy_free(&want);
  if (!same || error > 1e-4f * scale) {
    fprintf(stderr, "consumer: the output differs from %s (%s)\n", path,
            same ? "values" : "shape or dtype");
    return 1;
  }
  printf("consumer: matches %s (max error %g)\n", path, error);
  return 0;
}

int main(int argc, char **argv) {
  seqc_error err;
  seqc_model *model;
  memset(&err, 0, sizeof err);
#ifdef MODEL_WEIGHTS
  if (model_create(MODEL_WEIGHTS, &model, &err) != SEQC_OK) {
#else
  if (model_create(&model, &err) != SEQC_OK) {
#endif
    fprintf(stderr, "consumer: %s\n", err.message);
    return 1;
  }
  printf("consumer: model '%s', %zu input(s), %zu output(s)\n",
         seqc_rt_model_name(model), seqc_rt_model_num_inputs(model),
         seqc_rt_model_num_outputs(model));
  int rc = 0;
  if (argc > 1) {
    char path[4096];
    seqc_npy_array x;
    snprintf(path, sizeof path, "%s/x.npy", argv[1]);
    if (seqc_rt_npy_read(path, &x, &err) != SEQC_OK) {
      fprintf(stderr, "consumer: %s\n", err.message);
      model_destroy(model);
      return 1;
    }
    seqc_tensor in, out;
    seqc_rt_tensor_init(&in, x.data, x.dtype, x.rank, x.shape);
    memset(&out, 0, sizeof out); /* data == NULL: the runtime allocates */
    if (seqc_rt_model_run(model, &in, 1, &out, 1, &err) != SEQC_OK) {
      fprintf(stderr, "consumer: %s\n", err.message);
      rc = 1;
    } else {
      printf("consumer: ran on %s, output rank %lld\n", path,
             (long long)out.rank);
      rc = compare(argv[1], &out);
      seqc_rt_tensor_free(&out);
    }
    seqc_rt_npy_free(&x);
  }
  model_destroy(model);
  return rc;
}
