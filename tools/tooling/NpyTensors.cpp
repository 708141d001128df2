//===- NpyTensors.cpp - a model's inputs from .npy files, outputs to them -===//

#include "tools/tooling/NpyTensors.h"

#include "tools/tooling/Files.h"
#include "tools/tooling/Messages.h"

#include "seqc/runtime.h"

#include <algorithm>
#include <cstdio>

namespace seqc::tooling {

bool readInputs(const NamedFiles &files, const seqc_model *model,
                std::vector<NpyInput> &inputs,
                std::vector<seqc_tensor> &tensors) {
  const size_t n = seqc_rt_model_num_inputs(model);
  inputs = std::vector<NpyInput>(n);
  std::vector<int> given(n, -1);
  std::vector<std::string> unknown;
  for (size_t k = 0; k < files.size(); ++k) {
    const auto &[name, file] = files[k];
    int i = seqc_rt_model_find_input(model, name.c_str());
    if (i < 0) {
      unknown.push_back(name);
      continue;
    }
    if (given[i] >= 0) {
      printError("input '%s' is given twice (%s and %s)", name.c_str(),
                 files[given[i]].second.c_str(), file.c_str());
      return false;
    }
    given[i] = static_cast<int>(k);
    inputs[i].file = file;
  }
  auto listInputs = [&] {
    std::string s;
    for (size_t i = 0; i < n; ++i)
      s += (i ? ", " : "") + describe(seqc_rt_model_input(model, i));
    return n ? s : std::string("none");
  };
  if (!unknown.empty()) {
    std::string names;
    for (const std::string &u : unknown)
      names += (names.empty() ? "'" : ", '") + u + "'";
    printError("unknown input name%s %s; model '%s' takes: %s",
               unknown.size() > 1 ? "s" : "", names.c_str(),
               seqc_rt_model_name(model), listInputs().c_str());
    return false;
  }
  std::string missing;
  for (size_t i = 0; i < n; ++i)
    if (given[i] < 0)
      missing += (missing.empty() ? "" : ", ") +
                 describe(seqc_rt_model_input(model, i));
  if (!missing.empty()) {
    printError("missing input%s: %s (pass each as --input NAME=FILE.npy)",
               missing.find(", ") != std::string::npos ? "s" : "",
               missing.c_str());
    return false;
  }

  // Extents bound to named dims, and the input that bound each.
  std::vector<std::pair<std::string, std::pair<int64_t, size_t>>> bound;
  tensors.assign(n, seqc_tensor{});
  for (size_t i = 0; i < n; ++i) {
    const seqc_tensor_info *info = seqc_rt_model_input(model, i);
    NpyInput &in = inputs[i];
    const char *name = info->name, *file = in.file.c_str();
    seqc_error err{};
    if (seqc_rt_npy_read(file, &in.array, &err) != SEQC_OK) {
      printError("input '%s': %s", name, err.message);
      return false;
    }
    void *data = in.array.data;
    int32_t dtype = in.array.dtype;
    if (info->dtype == SEQC_DTYPE_BF16 && dtype == SEQC_DTYPE_F32) {
      in.bf16.resize(static_cast<size_t>(in.array.numel));
      const float *src = static_cast<const float *>(in.array.data);
      for (size_t e = 0; e < in.bf16.size(); ++e)
        in.bf16[e] = seqc_rt_f32_to_bf16(src[e]);
      data = in.bf16.data();
      dtype = SEQC_DTYPE_BF16;
    }
    if (dtype != info->dtype) {
      printError("input '%s' (%s) has dtype %s, but the model expects %s%s",
                 name, file, seqc_rt_dtype_name(in.array.dtype),
                 seqc_rt_dtype_name(info->dtype),
                 info->dtype == SEQC_DTYPE_BF16 ? " (give bf16 inputs as f32)"
                                                : "");
      return false;
    }
    const std::string have = shapeText(in.array.rank, in.array.shape);
    if (in.array.rank != info->rank) {
      printError("input '%s' (%s) has rank %d %s, but the model expects rank "
                 "%d %s",
                 name, file, in.array.rank, have.c_str(), info->rank,
                 dimsText(info).c_str());
      return false;
    }
    for (int32_t d = 0; d < info->rank; ++d) {
      const int64_t extent = in.array.shape[d];
      if (info->shape[d] >= 0 && extent != info->shape[d]) {
        // An input with no dynamic dimension at all is most often an ONNX
        // export without dynamic_axes (a feature size is fixed by the
        // weights, but then the batch and time axes are dynamic).
        bool allStatic = true;
        for (int32_t e = 0; e < info->rank; ++e)
          allStatic &= info->shape[e] >= 0;
        const std::string hint =
            allStatic ? "; every dimension of this input is fixed: an ONNX "
                        "export makes one dynamic when torch.onnx.export's "
                        "dynamic_axes names it, e.g. dynamic_axes={\"" +
                            std::string(name) + "\": {" + std::to_string(d) +
                            ": \"T\"}}"
                      : "";
        printError("input '%s' (%s) has shape %s, but the model expects %s "
                   "(dimension %d must be %lld%s)",
                   name, file, have.c_str(), dimsText(info).c_str(), d,
                   static_cast<long long>(info->shape[d]), hint.c_str());
        return false;
      }
      if (info->shape[d] >= 0 || !info->dim_names || !info->dim_names[d])
        continue;
      const std::string dim = info->dim_names[d];
      auto it = std::find_if(bound.begin(), bound.end(),
                             [&](const auto &b) { return b.first == dim; });
      if (it == bound.end()) {
        bound.push_back({dim, {extent, i}});
      } else if (it->second.first != extent) {
        const size_t by = it->second.second;
        printError("input '%s' (%s) dimension %d (%s) is %lld, but input "
                   "'%s' (%s) set %s = %lld",
                   name, file, d, dim.c_str(), static_cast<long long>(extent),
                   seqc_rt_model_input(model, by)->name,
                   inputs[by].file.c_str(), dim.c_str(),
                   static_cast<long long>(it->second.first));
        return false;
      }
    }
    seqc_rt_tensor_init(&tensors[i], data, dtype, in.array.rank,
                        in.array.shape);
  }
  return true;
}

bool writeOutputs(const std::string &outputDir, const seqc_model *model,
                  const std::vector<seqc_tensor> &outputs) {
  if (!outputDir.empty() && !makeDirs(outputDir))
    return false;
  for (size_t o = 0; o < outputs.size(); ++o) {
    const seqc_tensor &t = outputs[o];
    const char *name = seqc_rt_model_output(model, o)->name;
    std::string shape = shapeText(t.rank, t.shape);
    if (outputDir.empty()) {
      std::printf("%s: %s %s\n", name, seqc_rt_dtype_name(t.dtype),
                  shape.c_str());
      continue;
    }
    const std::string path = outputDir + "/" + name + ".npy";
    const void *data = t.data;
    int32_t dtype = t.dtype;
    std::vector<float> widened;
    if (dtype == SEQC_DTYPE_BF16) { // NumPy has no bf16
      widened.resize(static_cast<size_t>(seqc_rt_tensor_numel(&t)));
      for (size_t e = 0; e < widened.size(); ++e)
        widened[e] =
            seqc_rt_bf16_to_f32(static_cast<const uint16_t *>(data)[e]);
      data = widened.data();
      dtype = SEQC_DTYPE_F32;
    }
    seqc_error err{};
    if (seqc_rt_npy_write(path.c_str(), dtype, static_cast<int32_t>(t.rank),
                          t.shape, data, &err) != SEQC_OK) {
      printError("cannot write output '%s': %s", name, err.message);
      return false;
    }
    std::printf("%s: %s %s -> %s\n", name, seqc_rt_dtype_name(t.dtype),
                shape.c_str(), path.c_str());
  }
  return true;
}

} // namespace seqc::tooling
