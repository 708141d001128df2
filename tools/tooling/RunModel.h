//===- RunModel.h - one run of an opened model -------------------*- C++
//-*-===//

#ifndef SEQC_TOOLS_TOOLING_RUNMODEL_H
#define SEQC_TOOLS_TOOLING_RUNMODEL_H

#include "seqc/model.h"

#include <vector>

namespace seqc::tooling {

/// Runs the model once on `inputs`. With `intoOutputs` the buffers
/// `outputs` already holds (an earlier run's results, kept) are passed as
/// caller-provided outputs: the run then allocates nothing for them, as in
/// an application that reuses its output buffers; otherwise the runtime
/// allocates them (freed with freeOutputs). Prints the error and returns
/// false when the run fails.
bool runOnce(const seqc_model *model, const std::vector<seqc_tensor> &inputs,
             std::vector<seqc_tensor> &outputs, bool intoOutputs = false);

/// Frees every output buffer the runtime handed over and zeroes them.
void freeOutputs(std::vector<seqc_tensor> &outputs);

} // namespace seqc::tooling

#endif // SEQC_TOOLS_TOOLING_RUNMODEL_H
