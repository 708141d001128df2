//===- Streaming.h - seq-run --stream-chunk ---------------------*- C++ -*-===//

#ifndef SEQC_TOOLS_TOOLING_STREAMING_H
#define SEQC_TOOLS_TOOLING_STREAMING_H

#include "seqc/model.h"
#include "seqc/stream.h"

#include <string>
#include <utility>
#include <vector>

namespace seqc::tooling {

/// --dim NAME=N bindings of state dimensions no input names.
using DimBindings = std::vector<std::pair<std::string, long>>;

// A stream over the step api and where each input and output has the
// stream dim (-1 where it has none).
struct Stream {
  seqc_stream *stream = nullptr;
  int64_t steps = 0; // extent of the stream dim in the inputs
  std::vector<int> inputDims, outputDims;
  ~Stream() { seqc_rt_stream_close(stream); }
};

/// Opens a stream on `api` (whose opened model is `model`): finds the
/// stream dimension in the inputs and outputs (`requestedDim`, which must
/// be the step api's own time dimension where its signature names one;
/// empty: that one, else "T") and binds every state dimension,
/// from `given` or the same-named input dimension of `inputs`. Prints the
/// error and returns false when it cannot. The stream's steps split their
/// contractions over `pool` (NULL: one thread). `weights` is the
/// safetensors file of a model compiled with --external-weights (empty:
/// none).
bool openStream(const seqc_model_api *api, const seqc_model *model,
                seqc_thread_pool *pool, const std::string &requestedDim,
                const DimBindings &given,
                const std::vector<seqc_tensor> &inputs,
                const std::string &weights, Stream &s);

/// One pass over the whole `inputs`, `chunk` steps at a time, from zero
/// states; `outputs` receive the joined outputs. Prints the error and
/// returns false on failure.
bool runStreamed(const seqc_model *model, Stream &s, long chunk,
                 const std::vector<seqc_tensor> &inputs,
                 std::vector<seqc_tensor> &outputs);

} // namespace seqc::tooling

#endif // SEQC_TOOLS_TOOLING_STREAMING_H
