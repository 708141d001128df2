//===- Weights.cpp - a state_dict in a safetensors file -------------------===//

#include "compiler/Import/ModelDescription/Weights.h"

#include "compiler/Import/ModelDescription/Suggestions.h"

#include "mlir/IR/Diagnostics.h"

#include "llvm/ADT/SetVector.h"

#include "seqc/safetensors.h"

#include <cmath>
#include <cstring>

using namespace mlir;

namespace seqc::md {

std::string formatShape(ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      s += ", ";
    s += shape[i] < 0 ? std::string("?") : std::to_string(shape[i]);
  }
  return s + "]";
}

WeightTensor transposeFanInFanOut(const WeightTensor &w) {
  assert(w.shape.size() == 2 && "a matrix");
  int64_t in = w.shape[0], out = w.shape[1];
  WeightTensor t{w.name + " (transposed)", {out, in}, {}};
  t.data.resize(w.data.size());
  for (int64_t i = 0; i < in; ++i)
    for (int64_t o = 0; o < out; ++o)
      t.data[o * in + i] = w.data[i * out + o];
  return t;
}

Weights::~Weights() { seqc_rt_safetensors_close(file); }

LogicalResult Weights::open(StringRef filePath, Location loc) {
  path = filePath.str();
  where = loc;
  seqc_error err;
  if (seqc_rt_safetensors_open(path.c_str(), &file, &err) != SEQC_OK) {
    file = nullptr;
    emitError(loc) << "cannot read weights '" << path << "': " << err.message;
    return failure();
  }
  return success();
}

bool Weights::contains(StringRef name) const {
  return file && seqc_rt_safetensors_find(file, name.str().c_str());
}

FailureOr<WeightTensor> Weights::read(StringRef name, Location use) {
  const seqc_safetensors_tensor *t =
      seqc_rt_safetensors_find(file, name.str().c_str());
  if (!t) {
    InFlightDiagnostic diag = emitError(use);
    diag << "missing weight '" << name << "' in '" << path << "'";
    suggestWeight(diag, name);
    diag.attachNote(*where) << "weights read from '" << path << "'";
    return failure();
  }
  used.insert(name);
  WeightTensor w;
  w.name = name.str();
  w.shape.assign(t->shape, t->shape + t->rank);
  w.data.resize(t->numel);
  seqc_error err;
  if (seqc_rt_safetensors_read_f32(t, w.data.data(), w.data.size(), &err) !=
      SEQC_OK) {
    InFlightDiagnostic diag = emitError(use);
    diag << "weight '" << name << "' has dtype "
         << seqc_rt_dtype_name(t->dtype)
         << "; layers read F32, F16, BF16 or F64 weights";
    diag.attachNote(*where) << "in the weights file '" << path << "'";
    return failure();
  }
  // F64 values past f32's range become +-inf, as torch's .float() makes
  // them: say so, naming the first (an inf weight is rarely meant).
  if (t->dtype == SEQC_DTYPE_F64)
    for (int64_t i = 0; i < t->numel; ++i) {
      double v;
      std::memcpy(&v, static_cast<const char *>(t->data) + i * sizeof v,
                  sizeof v);
      if (std::isfinite(v) && std::isinf(w.data[i])) {
        emitWarning(use) << "weight '" << name << "' (F64) holds " << v
                         << " at flat index " << i
                         << ", beyond f32's range: it is computed as "
                         << (v > 0 ? "+inf" : "-inf");
        break;
      }
    }
  // NaN and inf stored in the file (a checkpoint saved after training
  // diverged) are computed as stored, as PyTorch would load them; a
  // warning says so, which PyTorch does not.
  int64_t nonFinite = 0, first = -1;
  for (int64_t i = 0; i < t->numel; ++i) {
    bool stored = std::isfinite(w.data[i]);
    if (t->dtype == SEQC_DTYPE_F64) {
      double v;
      std::memcpy(&v, static_cast<const char *>(t->data) + i * sizeof v,
                  sizeof v);
      stored = std::isfinite(v);
    }
    if (!stored && nonFinite++ == 0)
      first = i;
  }
  if (nonFinite)
    emitWarning(use) << "weight '" << name << "' holds " << nonFinite
                     << " NaN or infinite value" << (nonFinite > 1 ? "s" : "")
                     << " (the first at flat index " << first
                     << "): the outputs it reaches may be NaN or inf";
  return w;
}

void Weights::suggestWeight(InFlightDiagnostic &diag, StringRef name) const {
  std::vector<std::string> unusedNames;
  size_t n = seqc_rt_safetensors_count(file);
  for (size_t i = 0; i < n; ++i)
    if (const char *other = seqc_rt_safetensors_at(file, i)->name;
        !used.contains(other))
      unusedNames.push_back(other);
  SmallVector<StringRef> candidates(unusedNames.begin(), unusedNames.end());
  if (StringRef closest = closestName(name, candidates); !closest.empty()) {
    diag << "; did you mean '" << closest << "'?";
    return;
  }
  // The layer's other weights are in the file: one of its weights is
  // missing, not its name wrong. Say which it has; a layer saved without
  // any bias takes bias=false.
  std::string layer = (name.rsplit('.').first + ".").str();
  SmallVector<StringRef> siblings;
  for (size_t i = 0; i < n && name.contains('.'); ++i)
    if (StringRef other = seqc_rt_safetensors_at(file, i)->name;
        other.starts_with(layer))
      siblings.push_back(other);
  if (!siblings.empty()) {
    if (name.contains("bias") && llvm::none_of(siblings, [](StringRef w) {
          return w.contains("bias");
        })) {
      diag << "; the file has no '" << layer
           << "' biases: a layer saved without them takes bias=false";
      return;
    }
    diag << "; the file's '" << layer << "' weights are ";
    for (auto [i, w] : llvm::enumerate(llvm::ArrayRef(siblings).take_front(8)))
      diag << (i ? ", '" : "'") << w << "'";
    if (siblings.size() > 8)
      diag << ", ...";
    return;
  }
  // A wrong layer name (name=, or the statement's) misses every weight of
  // the layer: say under which prefixes the file's unused weights are.
  llvm::SetVector<StringRef> prefixes;
  for (StringRef other : candidates)
    if (other.contains('.'))
      prefixes.insert(other.rsplit('.').first);
  if (prefixes.empty() || prefixes.size() > 8)
    return;
  diag << "; the file's unused weights are under ";
  for (auto [i, prefix] : llvm::enumerate(prefixes))
    diag << (i ? ", '" : "'") << prefix << ".'";
}

void Weights::warnUnused() {
  if (!file)
    return;
  std::vector<std::string> unused;
  size_t n = seqc_rt_safetensors_count(file);
  for (size_t i = 0; i < n; ++i) {
    const seqc_safetensors_tensor *t = seqc_rt_safetensors_at(file, i);
    if (!used.contains(t->name))
      unused.push_back(std::string(t->name) + " " +
                       formatShape(ArrayRef<int64_t>(t->shape, t->rank)));
  }
  if (unused.empty())
    return;
  // One warning for all of them: a state_dict with a spare head should not
  // bury the real messages.
  InFlightDiagnostic diag = emitWarning(*where);
  diag << unused.size() << (unused.size() == 1 ? " weight" : " weights")
       << " in '" << path << "' not used by any layer: ";
  // The first ones name the case (a spare head, another model's file);
  // hundreds would fill the terminal.
  constexpr size_t kListed = 32;
  for (size_t i = 0; i < unused.size() && i < kListed; ++i)
    diag << (i ? ", " : "") << unused[i];
  if (unused.size() > kListed)
    diag << " and " << unused.size() - kListed << " more";
}

} // namespace seqc::md
