//===- Weights.h - a state_dict in a safetensors file ----------*- C++ -*-===//
//
// The weights of a model description, read through the runtime's validated,
// memory-mapped safetensors reader. Remembers which tensors were read so the
// importer can warn about the ones no layer used.
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_COMPILER_IMPORT_MODELDESCRIPTION_WEIGHTS_H
#define SEQC_COMPILER_IMPORT_MODELDESCRIPTION_WEIGHTS_H

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "mlir/Support/LLVM.h"

#include "llvm/ADT/StringSet.h"

#include <cstdint>
#include <string>
#include <vector>

struct seqc_safetensors;

namespace seqc::md {

/// One weight converted to f32, row-major.
struct WeightTensor {
  std::string name;
  std::vector<int64_t> shape;
  std::vector<float> data;
};

class Weights {
public:
  Weights() = default;
  Weights(const Weights &) = delete;
  Weights &operator=(const Weights &) = delete;
  ~Weights();

  /// Opens `path`; on failure reports at `where` and returns failure.
  mlir::LogicalResult open(llvm::StringRef path, mlir::Location where);
  bool isOpen() const { return file != nullptr; }
  llvm::StringRef getPath() const { return path; }
  /// Where the weights file was named (the `weights` line or the command).
  mlir::Location getLocation() const { return *where; }

  bool contains(llvm::StringRef name) const;
  /// Reads `name` as f32; reports a missing tensor or an unsupported dtype
  /// at `use` (with a note at the weights file) and returns failure.
  mlir::FailureOr<WeightTensor> read(llvm::StringRef name, mlir::Location use);
  /// Warns at the weights file about every tensor no layer read.
  void warnUnused();

private:
  /// Appends to `diag` (about the missing `name`) an unused weight of the
  /// file within 2 edits of it, else the prefixes the unused weights are
  /// under (when there are 1 to 8).
  void suggestWeight(mlir::InFlightDiagnostic &diag,
                     llvm::StringRef name) const;

  seqc_safetensors *file = nullptr;
  std::string path;
  std::optional<mlir::Location> where;
  llvm::StringSet<> used;
};

/// `[4, 32]`.
std::string formatShape(llvm::ArrayRef<int64_t> shape);

/// A 2-D weight stored [in, out] (Hugging Face GPT-2's `Conv1D`: PEFT's
/// `fan_in_fan_out`) as the [out, in] matrix of an nn.Linear; its name says
/// so in messages ("c_attn.weight (transposed)").
WeightTensor transposeFanInFanOut(const WeightTensor &w);

} // namespace seqc::md

#endif // SEQC_COMPILER_IMPORT_MODELDESCRIPTION_WEIGHTS_H
