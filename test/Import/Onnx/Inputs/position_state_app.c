/* Streams models/hf_position_ids (GPT-2's wte(ids) + wpe(position_ids),
 * a position table of 32 rows read through a Gather, which takes -1 as
 * the last row) one step at a time, overwriting its position state
 * (state0, the steps seen so far) with each value given on the command
 * line before a step, and prints each step's status and message: a
 * negative position is out of the table's range [0, 32), as the message
 * says, not a row from its end. */
#include "hf_position_ids.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  seqc_error err;
  seqc_stream *stream = NULL;
  if (hf_position_ids_state_create(&stream, &err) != SEQC_OK) {
    printf("create failed: %s\n", err.message);
    return 1;
  }
  int64_t ids[1] = {3};
  float y[8];
  const int64_t ids_shape[2] = {1, 1}, y_shape[3] = {1, 1, 8};
  for (int i = 1; i < argc; ++i) {
    seqc_tensor *position = seqc_rt_stream_state(stream, 0);
    ((int64_t *)position->data)[0] = strtoll(argv[i], NULL, 10);
    seqc_tensor in, out;
    seqc_rt_tensor_init(&in, ids, SEQC_DTYPE_I64, 2, ids_shape);
    seqc_rt_tensor_init(&out, y, SEQC_DTYPE_F32, 3, y_shape);
    seqc_status status = hf_position_ids_step(stream, &in, &out, &err);
    printf("position %s: %s\n", argv[i],
           status == SEQC_OK ? "ok" : err.message);
  }
  hf_position_ids_state_destroy(stream);
  return 0;
}
