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
/// The operators of opset 18 that changed their inputs (axes and pads as
/// inputs; Split's num_outputs) and that seqc imports: libonnx's schemas
/// (ONNX 1.12) stop at opset 17, so these nodes' input and output counts
/// are checked here instead (their attributes by each importer).
struct Arity {
  llvm::StringLiteral op;
  int minInputs, maxInputs, minOutputs, maxOutputs;
};
constexpr int kAny = std::numeric_limits<int>::max();
constexpr Arity kOpset18Arities[] = {
    {"Pad", 2, 4, 1, 1},
    {"Split", 1, 2, 1, kAny},
    {"ReduceL1", 1, 2, 1, 1},
    {"ReduceL2", 1, 2, 1, 1},
    {"ReduceLogSum", 1, 2, 1, 1},
    {"ReduceLogSumExp", 1, 2, 1, 1},
    {"ReduceMax", 1, 2, 1, 1},
    {"ReduceMean", 1, 2, 1, 1},
    {"ReduceMin", 1, 2, 1, 1},
    {"ReduceProd", 1, 2, 1, 1},
    {"ReduceSumSquare", 1, 2, 1, 1},
    {"ScatterElements", 3, 3, 1, 1},
    {"ScatterND", 3, 3, 1, 1},
};
} // namespace

LogicalResult GraphImporter::verifyNodeSchema() {
  // Importers look at a node's producers too (shape arithmetic): check
  // every node first, so that none meets a node with missing inputs (or
  // extra ones it would silently ignore).
  if (!node->domain().empty() && node->domain() != "ai.onnx")
    return success(); // importNode says these are unsupported
  if (opset >= 18)
    for (const Arity &arity : kOpset18Arities) {
      if (node->op_type() != arity.op)
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
        nodeError() << "does not match the ONNX schema of " << arity.op
                    << " (opset 18): " << inputs
                    << (inputs == 1 ? " input and " : " inputs and ") << outputs
                    << (outputs == 1 ? " output" : " outputs")
                    << ", where it takes " << arity.minInputs << " to "
                    << arity.maxInputs << " inputs and "
                    << (arity.maxOutputs == kAny ? "any number of outputs"
                                                 : "one output");
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
