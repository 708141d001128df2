/*===- fuzz_npy.c - libFuzzer harness: the .npy reader --------------------===*
 *
 * Any bytes as a .npy file (what seq-run reads its inputs from).
 *
 *===----------------------------------------------------------------------===*/
#include "seqc/npy.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  seqc_npy_array array;
  seqc_error err;
  if (seqc_rt_npy_read_memory(data, size, "fuzz.npy", &array, &err) ==
      SEQC_OK) {
    /* A successful read delivers exactly the bytes its shape needs. */
    if (array.nbytes != (size_t)array.numel * seqc_rt_dtype_size(array.dtype))
      abort();
    seqc_rt_npy_free(&array);
  }
  return 0;
}
