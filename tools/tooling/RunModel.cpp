//===- RunModel.cpp - one run of an opened model --------------------------===//

#include "tools/tooling/RunModel.h"

#include "tools/tooling/Messages.h"

#include "seqc/runtime.h"

namespace seqc::tooling {

bool runOnce(const seqc_model *model, const std::vector<seqc_tensor> &inputs,
             std::vector<seqc_tensor> &outputs, bool intoOutputs) {
  if (!intoOutputs || outputs.size() != seqc_rt_model_num_outputs(model)) {
    freeOutputs(outputs);
    outputs.assign(seqc_rt_model_num_outputs(model), seqc_tensor{});
  }
  seqc_error err{};
  if (seqc_rt_model_run(model, inputs.data(), inputs.size(), outputs.data(),
                        outputs.size(), &err) != SEQC_OK) {
    printError("running model '%s' failed: %s", seqc_rt_model_name(model),
               err.message);
    return false;
  }
  return true;
}

void freeOutputs(std::vector<seqc_tensor> &outputs) {
  for (seqc_tensor &t : outputs)
    seqc_rt_tensor_free(&t);
}

} // namespace seqc::tooling
