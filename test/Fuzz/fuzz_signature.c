/*===- fuzz_signature.c - libFuzzer harness: the model signature parser ---===*
 *
 * Any text as the signature of a compiled model (the string a model object
 * carries, which the runtime parses when it opens the model), opened as a
 * model and as a stream, then closed. The invoke is never called.
 *
 *===----------------------------------------------------------------------===*/
#include "seqc/model.h"
#include "seqc/stream.h"

#include <stdlib.h>
#include <string.h>

static void never_invoked(void **args) {
  (void)args;
  abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2)
    return 0;
  /* First byte: the input count; second: the output count. */
  char *text = malloc(size - 1);
  if (!text)
    return 0;
  memcpy(text, data + 2, size - 2);
  text[size - 2] = '\0';
  seqc_model_api api = {SEQC_ABI_VERSION, data[0] % 8, data[1] % 8, 0,
                        "fuzz", text, never_invoked};
  seqc_model *model = NULL;
  seqc_error err;
  if (seqc_rt_model_open(&api, &model, &err) == SEQC_OK)
    seqc_rt_model_close(model);
  /* A stream allocates (and zeroes) its states: keep the fuzzer's memory
   * small by opening streams only for signatures without a size above
   * 65536 (a model that asks for a 20 GB state gets one, or an
   * out-of-memory error, which is not what this harness looks for). */
  int small = 1;
  long long number = 0;
  for (const char *p = text; *p && small; ++p) {
    if (*p >= '0' && *p <= '9') {
      number = number * 10 + (*p - '0');
      small = number <= 65536;
    } else {
      number = 0;
    }
  }
  seqc_stream *stream = NULL;
  seqc_dim_binding dims[2] = {{"B", 2}, {"T", 3}};
  if (small && seqc_rt_stream_open(&api, dims, 2, &stream, &err) == SEQC_OK)
    seqc_rt_stream_close(stream);
  free(text);
  return 0;
}
