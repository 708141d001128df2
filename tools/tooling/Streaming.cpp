//===- Streaming.cpp - seq-run --stream-chunk: a step api over chunks ----===//
//
// Splits the inputs along the stream dimension into chunk views, runs the
// step api over them in order and joins each output along its stream
// dimension, so that a streamed run writes what a full run writes.
//
//===----------------------------------------------------------------------===//

#include "tools/tooling/Streaming.h"

#include "tools/tooling/Messages.h"
#include "tools/tooling/RunModel.h"

#include "seqc/runtime.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace seqc::tooling {

// Index of the dimension of `info` named `name`, or -1.
int findDim(const seqc_tensor_info *info, const std::string &name) {
  for (int32_t d = 0; info->dim_names && d < info->rank; ++d)
    if (info->dim_names[d] && name == info->dim_names[d])
      return d;
  return -1;
}

bool openStream(const seqc_model_api *api, const seqc_model *model,
                seqc_thread_pool *pool, const std::string &requestedDim,
                const DimBindings &given,
                const std::vector<seqc_tensor> &inputs,
                const std::string &weights, Stream &s) {
  const char *modelName = seqc_rt_model_name(model);
  // A dimension the states have (the batch B, a cache's capacity) is fixed
  // for the stream's life: chunks go along time.
  for (size_t k = 0; k < seqc_rt_model_num_states(model); ++k) {
    const seqc_tensor_info *state = seqc_rt_model_state(model, k);
    if (requestedDim.empty() || findDim(state, requestedDim) < 0)
      continue;
    printError("--stream-dim %s: '%s' is a dimension of state '%s' of "
               "model '%s', fixed when the stream opens; stream along the "
               "time dimension instead (the one the inputs have and the "
               "states do not)",
               requestedDim.c_str(), requestedDim.c_str(), state->name,
               modelName);
    return false;
  }
  // The step api says which dimension its chunks split where the compiler
  // knows; another one would give wrong numbers, not an error.
  std::string streamDim = requestedDim.empty() ? "T" : requestedDim;
  if (const char *time = seqc_rt_model_stream_dim(model)) {
    if (!requestedDim.empty() && requestedDim != time) {
      printError("--stream-dim %s: model '%s' streams along its inputs' "
                 "dimension '%s' (its step api's time dimension); chunks "
                 "along '%s' would not be its time steps",
                 requestedDim.c_str(), modelName, time, requestedDim.c_str());
      return false;
    }
    streamDim = time;
  } else if (requestedDim.empty()) {
    // Where the compiler could not trace the time axis to an input: the one
    // dimension name the inputs have and no state has (the states keep
    // the batch and a cache's capacity), if there is exactly one, no input
    // names a "T" and none has an unnamed dynamic dimension (which might
    // be time).
    std::vector<std::string> candidates;
    bool hasT = false, unnamed = false;
    for (size_t i = 0; i < inputs.size(); ++i) {
      const seqc_tensor_info *info = seqc_rt_model_input(model, i);
      hasT |= findDim(info, "T") >= 0;
      for (int32_t d = 0; d < info->rank; ++d) {
        if (info->shape[d] != SEQC_DIM_DYNAMIC)
          continue;
        const char *name = info->dim_names ? info->dim_names[d] : nullptr;
        if (!name || !*name || std::string(name) == "?") {
          unnamed = true;
          continue;
        }
        if (std::find(candidates.begin(), candidates.end(), name) !=
            candidates.end())
          continue;
        bool inState = false;
        for (size_t k = 0; k < seqc_rt_model_num_states(model); ++k)
          inState |= findDim(seqc_rt_model_state(model, k), name) >= 0;
        if (!inState)
          candidates.push_back(name);
      }
    }
    if (!hasT && !unnamed && candidates.size() == 1) {
      streamDim = candidates.front();
      std::fprintf(stderr,
                   "seq-run: note: streaming along '%s', the one input "
                   "dimension no state of model '%s' has (--stream-dim "
                   "names another)\n",
                   streamDim.c_str(), modelName);
    }
  }
  std::string described;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const seqc_tensor_info *info = seqc_rt_model_input(model, i);
    int d = findDim(info, streamDim);
    s.inputDims.push_back(d);
    if (d >= 0)
      s.steps = inputs[i].shape[d]; // readInputs checked they agree
    described += (i ? ", " : "") + describe(info);
  }
  if (std::all_of(s.inputDims.begin(), s.inputDims.end(),
                  [](int d) { return d < 0; })) {
    printError("no input of model '%s' has a dimension named '%s' to stream "
               "along (--stream-dim); its inputs are: %s",
               modelName, streamDim.c_str(),
               described.empty() ? "none" : described.c_str());
    return false;
  }
  for (size_t o = 0; o < seqc_rt_model_num_outputs(model); ++o) {
    const seqc_tensor_info *info = seqc_rt_model_output(model, o);
    s.outputDims.push_back(findDim(info, streamDim));
    if (s.outputDims.back() >= 0)
      continue;
    // Written from the last chunk (a final state). Say so where a dynamic
    // dimension no input names might be time after all.
    for (int32_t d = 0; d < info->rank; ++d) {
      const char *name = info->dim_names ? info->dim_names[d] : nullptr;
      bool inputNamed = false;
      for (size_t i = 0; name && *name && i < inputs.size(); ++i)
        inputNamed |= findDim(seqc_rt_model_input(model, i), name) >= 0;
      if (info->shape[d] != SEQC_DIM_DYNAMIC || inputNamed)
        continue;
      std::fprintf(stderr,
                   "seq-run: note: output '%s' has no dimension named '%s', "
                   "so it is written from the last chunk; its dimension %d "
                   "(%s) is named by no input\n",
                   info->name, streamDim.c_str(), d,
                   name && *name ? name : "unnamed");
      break;
    }
  }

  // Bind every named state dim to the extent of the same-named input dim.
  std::vector<seqc_dim_binding> dims;
  for (size_t k = 0; k < seqc_rt_model_num_states(model); ++k) {
    const seqc_tensor_info *state = seqc_rt_model_state(model, k);
    for (int32_t d = 0; state->dim_names && d < state->rank; ++d) {
      const char *name = state->dim_names[d];
      if (!name || std::any_of(dims.begin(), dims.end(), [&](const auto &b) {
            return std::strcmp(b.name, name) == 0;
          }))
        continue;
      int64_t extent = -1;
      for (const auto &[bound, value] : given)
        if (bound == name)
          extent = value;
      for (size_t i = 0; i < inputs.size() && extent < 0; ++i)
        if (int inputDim = findDim(seqc_rt_model_input(model, i), name);
            inputDim >= 0)
          extent = inputs[i].shape[inputDim];
      if (extent < 0) {
        printError("state %s of model '%s' has dimension '%s', which no "
                   "input names, so seq-run cannot size it (bind it with "
                   "--dim %s=N)",
                   describe(state).c_str(), modelName, name, name);
        return false;
      }
      dims.push_back({name, extent});
    }
  }
  for (const auto &binding : given)
    if (std::none_of(dims.begin(), dims.end(),
                     [&](const auto &b) { return binding.first == b.name; })) {
      printError("--dim %s: no state of model '%s' has a dimension named "
                 "'%s'",
                 binding.first.c_str(), modelName, binding.first.c_str());
      return false;
    }
  seqc_error err{};
  seqc_status opened =
      weights.empty()
          ? seqc_rt_stream_open(api, dims.data(), dims.size(), &s.stream, &err)
          : seqc_rt_stream_open_weights(api, weights.c_str(), dims.data(),
                                        dims.size(), &s.stream, &err);
  if (opened != SEQC_OK) {
    printError("cannot open a stream on model '%s': %s", modelName,
               err.message);
    return false;
  }
  seqc_rt_stream_set_thread_pool(s.stream, pool);
  return true;
}

// Steps [start, start + len) of `t` along `dim`, without a copy.
seqc_tensor chunkView(const seqc_tensor &t, int dim, int64_t start,
                      int64_t len) {
  seqc_tensor view = t;
  view.shape[dim] = len;
  if (len > 0)
    view.data = static_cast<char *>(t.data) +
                start * t.strides[dim] * seqc_rt_dtype_size(t.dtype);
  return view;
}

// Joins the dense chunk outputs `pieces` along `dim` into a new buffer.
bool joinChunks(const char *name, const std::vector<seqc_tensor> &pieces,
                int dim, seqc_tensor &out) {
  const seqc_tensor &first = pieces.front();
  int64_t shape[SEQC_MAX_RANK];
  std::copy(first.shape, first.shape + first.rank, shape);
  shape[dim] = 0;
  for (const seqc_tensor &p : pieces) {
    for (int64_t d = 0; d < first.rank; ++d)
      if (d != dim && p.shape[d] != first.shape[d]) {
        printError("output '%s' has shape %s in one chunk and %s in another",
                   name, shapeText(first.rank, first.shape).c_str(),
                   shapeText(p.rank, p.shape).c_str());
        return false;
      }
    shape[dim] += p.shape[dim];
  }
  // The result is `outer` blocks; each piece adds shape[dim] steps of
  // `inner` bytes to every block.
  size_t outer = 1, inner = seqc_rt_dtype_size(first.dtype);
  for (int d = 0; d < dim; ++d)
    outer *= static_cast<size_t>(shape[d]);
  for (int64_t d = dim + 1; d < first.rank; ++d)
    inner *= static_cast<size_t>(shape[d]);
  void *buffer = seqc_rt_alloc(
      std::max<size_t>(outer * inner * static_cast<size_t>(shape[dim]), 1));
  if (!buffer) {
    printError("out of memory joining the chunks of output '%s'", name);
    return false;
  }
  seqc_rt_tensor_init(&out, buffer, first.dtype, first.rank, shape);
  char *dst = static_cast<char *>(buffer);
  for (size_t o = 0; o < outer; ++o)
    for (const seqc_tensor &p : pieces) {
      const size_t bytes = static_cast<size_t>(p.shape[dim]) * inner;
      std::memcpy(dst, static_cast<const char *>(p.data) + o * bytes, bytes);
      dst += bytes;
    }
  return true;
}

// One pass over the whole inputs, `chunk` steps at a time, from zero states.
bool runStreamed(const seqc_model *model, Stream &s, long chunk,
                 const std::vector<seqc_tensor> &inputs,
                 std::vector<seqc_tensor> &outputs) {
  freeOutputs(outputs);
  const size_t numOutputs = seqc_rt_model_num_outputs(model);
  outputs.assign(numOutputs, seqc_tensor{});
  seqc_rt_stream_reset(s.stream); // only fails for NULL
  std::vector<std::vector<seqc_tensor>> pieces(numOutputs);
  std::vector<seqc_tensor> chunkInputs = inputs;
  bool ok = true;
  int64_t start = 0;
  do { // once even for an empty sequence
    const int64_t len = std::min<int64_t>(chunk, s.steps - start);
    for (size_t i = 0; i < inputs.size(); ++i)
      if (s.inputDims[i] >= 0)
        chunkInputs[i] = chunkView(inputs[i], s.inputDims[i], start, len);
    std::vector<seqc_tensor> chunkOutputs(numOutputs, seqc_tensor{});
    seqc_error err{};
    if (seqc_rt_stream_step(s.stream, chunkInputs.data(), chunkInputs.size(),
                            chunkOutputs.data(), numOutputs, &err) != SEQC_OK) {
      printError("running model '%s' on the chunk of steps [%lld, %lld) "
                 "failed: %s",
                 seqc_rt_model_name(model), static_cast<long long>(start),
                 static_cast<long long>(start + len), err.message);
      ok = false;
      break;
    }
    for (size_t o = 0; o < numOutputs; ++o)
      pieces[o].push_back(chunkOutputs[o]);
    start += len;
  } while (start < s.steps);
  for (size_t o = 0; ok && o < numOutputs; ++o) {
    if (s.outputDims[o] < 0)
      std::swap(outputs[o], pieces[o].back()); // the last chunk's value
    else
      ok = joinChunks(seqc_rt_model_output(model, o)->name, pieces[o],
                      s.outputDims[o], outputs[o]);
  }
  for (std::vector<seqc_tensor> &p : pieces)
    freeOutputs(p);
  return ok;
}

} // namespace seqc::tooling
