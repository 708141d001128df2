/*===- fuzz_safetensors.c - libFuzzer harness: the safetensors reader -----===*
 *
 * Any bytes: open them as a safetensors file, look every tensor up by name
 * and convert it to f32 (the paths weight binding takes). Never a crash,
 * never an out-of-bounds read.
 *
 *===----------------------------------------------------------------------===*/
#include "seqc/safetensors.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  seqc_safetensors *file = NULL;
  seqc_error err;
  if (seqc_rt_safetensors_open_memory(data, size, &file, &err) != SEQC_OK)
    return 0;
  for (size_t i = 0; i < seqc_rt_safetensors_count(file); ++i) {
    const seqc_safetensors_tensor *t = seqc_rt_safetensors_at(file, i);
    if (seqc_rt_safetensors_find(file, t->name) != t)
      abort(); /* a name must find its own tensor */
    if (t->numel >= 0 && t->numel < (1 << 20)) {
      float *out = malloc(sizeof(float) * (size_t)(t->numel ? t->numel : 1));
      if (out)
        seqc_rt_safetensors_read_f32(t, out, (size_t)t->numel, &err);
      free(out);
    }
  }
  seqc_rt_safetensors_metadata_get(file, "format");
  seqc_rt_safetensors_close(file);
  return 0;
}
