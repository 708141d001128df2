/* Opens the model compiled by seqc_add_model through its generated header
 * and runs it on DIR/x.npy when a directory is given. */
#include "model.h"

#include <seqc/npy.h>

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
  seqc_error err;
  seqc_model *model;
  memset(&err, 0, sizeof err);
  if (model_create(&model, &err) != SEQC_OK) {
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
      seqc_rt_tensor_free(&out);
    }
    seqc_rt_npy_free(&x);
  }
  model_destroy(model);
  return rc;
}
