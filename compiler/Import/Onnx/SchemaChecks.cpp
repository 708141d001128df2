//===- SchemaChecks.cpp - each node against its operator's ONNX schema ---===//
//
// Run over a whole graph before any node is imported: importers look at a
// node's producers too (shape arithmetic), so none may meet a node with
// missing inputs, or with extra ones it would silently ignore.
//
//===----------------------------------------------------------------------===//

#include "compiler/Import/Onnx/GraphImporter.h"

#include "onnx/defs/schema.h"

#include <limits>

using namespace mlir;

namespace seqc::onnx_import {

LogicalResult GraphImporter::verifyGraphSchemas(const onnx::GraphProto &graph) {
  const onnx::NodeProto *outer = node;
  Location outerLoc = loc;
  for (const onnx::NodeProto &n : graph.node()) {
    enterNode(n);
    if (failed(verifyNodeSchema()))
      return failure();
  }
  node = outer;
  loc = outerLoc;
  return success();
}

namespace {
/// The operators seqc imports that are new after opset 17 or whose inputs
/// or attributes changed after it, from the opset of the change on:
/// libonnx's schemas (ONNX 1.12) stop at opset 17, and an opset-17 schema
/// would refuse the new forms, so these nodes' input and output counts
/// and required attribute are checked here instead (the other attributes
/// by each importer). Opset 18: axes and pads as inputs, Split's
/// num_outputs, Resize's antialias, axes and keep_aspect_ratio_policy;
/// opset 19: AveragePool's dilations, Cast's and CastLike's saturate;
/// opset 20: Gelu. The other changes up to opset 22 widen type
/// constraints (float8, int4, bfloat16; each importer checks the types it
/// accepts), change operators seqc does not import (GroupNormalization,
/// DFT, QuantizeLinear, ...) or add them, so for what seqc imports the
/// latest schema up to 17 still holds.
struct Arity {
  llvm::StringLiteral op;
  int since, minInputs, maxInputs, minOutputs, maxOutputs;
  /// The attribute the schema requires, if any.
  const char *required = nullptr;
};
constexpr int kAny = std::numeric_limits<int>::max();
constexpr Arity kChangedArities[] = {
    {"Pad", 18, 2, 4, 1, 1},
    {"Split", 18, 1, 2, 1, kAny},
    {"ReduceL1", 18, 1, 2, 1, 1},
    {"ReduceL2", 18, 1, 2, 1, 1},
    {"ReduceLogSum", 18, 1, 2, 1, 1},
    {"ReduceLogSumExp", 18, 1, 2, 1, 1},
    {"ReduceMax", 18, 1, 2, 1, 1},
    {"ReduceMean", 18, 1, 2, 1, 1},
    {"ReduceMin", 18, 1, 2, 1, 1},
    {"ReduceProd", 18, 1, 2, 1, 1},
    {"ReduceSumSquare", 18, 1, 2, 1, 1},
    {"ScatterElements", 18, 3, 3, 1, 1},
    {"ScatterND", 18, 3, 3, 1, 1},
    {"Resize", 18, 1, 4, 1, 1},
    {"AveragePool", 19, 1, 1, 1, 1, "kernel_shape"},
    {"Cast", 19, 1, 1, 1, 1, "to"},
    {"CastLike", 19, 2, 2, 1, 1},
    {"Gelu", 20, 1, 1, 1, 1},
};
} // namespace

LogicalResult GraphImporter::verifyNodeSchema() {
  // Importers look at a node's producers too (shape arithmetic): check
  // every node first, so that none meets a node with missing inputs (or
  // extra ones it would silently ignore).
  if (!node->domain().empty() && node->domain() != "ai.onnx")
    return success(); // importNode says these are unsupported
  for (const Arity &arity : kChangedArities) {
    if (node->op_type() != arity.op || opset < arity.since)
      continue;
    auto count = [](const auto &names) {
      // Trailing optional inputs and outputs may be given as "".
      int n = names.size();
      while (n > 0 && names[n - 1].empty())
        --n;
      return n;
    };
    int inputs = count(node->input()), outputs = count(node->output());
    if (inputs < arity.minInputs || inputs > arity.maxInputs ||
        outputs < arity.minOutputs || outputs > arity.maxOutputs) {
      std::string takes = std::to_string(arity.minInputs);
      if (arity.maxInputs != arity.minInputs)
        takes += " to " + std::to_string(arity.maxInputs);
      takes += arity.maxInputs == 1 ? " input" : " inputs";
      nodeError() << "does not match the ONNX schema of " << arity.op
                  << " (opset " << opset << "): " << inputs
                  << (inputs == 1 ? " input and " : " inputs and ") << outputs
                  << (outputs == 1 ? " output" : " outputs")
                  << ", where it takes " << takes << " and "
                  << (arity.maxOutputs == kAny ? "any number of outputs"
                                               : "one output");
      return failure();
    }
    if (arity.required &&
        llvm::none_of(node->attribute(), [&](const onnx::AttributeProto &a) {
          return a.name() == arity.required;
        })) {
      nodeError() << "does not match the ONNX schema of " << arity.op
                  << " (opset " << opset << "): required attribute '"
                  << arity.required << "' is missing";
      return failure();
    }
    return success();
  }
  const onnx::OpSchema *schema =
      onnx::OpSchemaRegistry::Schema(node->op_type(), static_cast<int>(opset));
  if (!schema)
    return success(); // importNode names the unsupported operator
  try {
    schema->Verify(*node);
  } catch (const std::exception &e) {
    // onnx's message starts with the schema's own context line.
    std::string message = e.what();
    if (size_t end = message.find("\n==>"); end != std::string::npos)
      message = message.substr(0, end);
    nodeError() << "does not match the ONNX schema of " << node->op_type()
                << ": " << message;
    return failure();
  }
  return success();
}

} // namespace seqc::onnx_import
