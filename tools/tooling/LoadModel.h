//===- LoadModel.h - a compiled model's library, opened -----------*- C++
//-*-===//

#ifndef SEQC_TOOLS_TOOLING_LOADMODEL_H
#define SEQC_TOOLS_TOOLING_LOADMODEL_H

#include "seqc/model.h"
#include "seqc/thread_pool.h"

#include <string>

namespace seqc::tooling {

/// The api getters `seqc --emit=shared` exports for the model's entry.
inline constexpr const char kDefaultSymbol[] = "seqc_default_model_api";
inline constexpr const char kDefaultStepSymbol[] =
    "seqc_default_model_step_api";

struct LoadOptions {
  /// A library built with `seqc --emit=shared`, or a model file (.mlir,
  /// .seq, .onnx) compiled first with seqc (CompileModel.h).
  std::string model;
  /// The api getter to call (a name ending in _api).
  std::string symbol = kDefaultSymbol;
  /// Threads of the pool the model splits its work over (1: none).
  long threads = 1;
  /// Whether the api must be a step api (with states) to stream, or must
  /// not be one.
  bool streaming = false;
  /// The safetensors file of a library compiled with --external-weights
  /// (empty: the model must embed its weights); for a model file, the
  /// weights seqc compiles in (`seqc --weights`: a .seq's safetensors).
  std::string weights;
};

/// The library, its api, the opened model and its thread pool, closed in
/// reverse on destruction.
struct LoadedModel {
  void *handle = nullptr;
  const seqc_model_api *api = nullptr;
  seqc_model *model = nullptr;
  seqc_thread_pool *pool = nullptr; // threads > 1
  /// The --external-weights file the model was opened with ("" when its
  /// weights are compiled in); a stream opens with it too.
  std::string weights;
  LoadedModel() = default;
  LoadedModel(const LoadedModel &) = delete;
  LoadedModel &operator=(const LoadedModel &) = delete;
  ~LoadedModel();
};

/// Compiles `options.model` if it is a model file, loads the library, calls
/// the api getter and opens the model (seqc_rt_model_open checks its
/// signature). Prints the error and returns false when any step fails or
/// the api is (not) a step api against `options.streaming`.
bool loadModel(const LoadOptions &options, LoadedModel &loaded);

} // namespace seqc::tooling

#endif // SEQC_TOOLS_TOOLING_LOADMODEL_H
