//===- Layers.h - the layers a model description may use ------*- C++ -*-===//
//
// The table of layers: how many operands each takes and which keywords, of
// which types; and the check of a layer statement against it.
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_COMPILER_IMPORT_MODELDESCRIPTION_LAYERS_H
#define SEQC_COMPILER_IMPORT_MODELDESCRIPTION_LAYERS_H

#include "compiler/Import/ModelDescription/Parser.h"

#include "mlir/IR/Diagnostics.h"

#include <vector>

namespace seqc::md {

/// Keyword types. Value: the name of a value of the model (an input or a
/// layer), resolved like an operand (`key_padding_mask=pad`).
enum class KwType { Int, Float, Bool, Name, List, Value };

struct KwSpec {
  const char *name;
  KwType type;
  bool required = false;
  std::vector<const char *> choices = {}; // for Name keywords, when closed
};

struct LayerSpec {
  const char *name;
  unsigned minOperands, maxOperands;
  std::vector<KwSpec> keywords;
};

/// Every layer, in the order the language reference lists them.
const std::vector<LayerSpec> &layerSpecs();
/// The layer called `name`, or null.
const LayerSpec *findSpec(llvm::StringRef name);

/// Checks the operand count, that every keyword is known and of its type,
/// and that required keywords are present; reports through `error`.
mlir::LogicalResult
checkArguments(const LayerStmt &layer, const LayerSpec &spec,
               llvm::function_ref<mlir::InFlightDiagnostic(Pos)> error);

} // namespace seqc::md

#endif // SEQC_COMPILER_IMPORT_MODELDESCRIPTION_LAYERS_H
