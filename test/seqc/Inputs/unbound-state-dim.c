/* A step api whose state has a dim (S) that no input names: seq-run cannot
 * size it. Never invoked: seq-run refuses it before the first chunk. */
#include "seqc/abi.h"

static void invoke(void **args) { (void)args; }

static const seqc_model_api step_api = {
    SEQC_ABI_VERSION,
    1,
    1,
    0,
    "unbound",
    "in x f32 [T,4]\nstate s f32 [S,4]\nout y f32 [T,4]\n",
    invoke};

__attribute__((visibility("default"))) const seqc_model_api *
seqc_default_model_step_api(void) {
  return &step_api;
}
