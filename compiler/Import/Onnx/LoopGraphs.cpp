//===- LoopGraphs.cpp - what a Loop's body graph says before import ------===//
//
// Questions the ONNX Loop import (ControlFlowOps.cpp) asks of a body's
// GraphProto before it imports a node: whether a name is read, whether a
// loop is nested, which nodes read step t of a value defined outside the
// loop (those become the scan's sequences), whether a shape depends on the
// step (then the loop is unrolled, UnrolledLoops.cpp).
//
//===----------------------------------------------------------------------===//

#include "compiler/Import/Onnx/ScanBodies.h"

#include <set>

namespace seqc::onnx_import {

/// Whether a node of `graph` other than `except`, or of a subgraph of one
/// (an If's branches read the enclosing body's values by name), reads
/// `name`.
bool graphReads(const onnx::GraphProto &graph, const std::string &name,
                const onnx::NodeProto *except) {
  for (const onnx::NodeProto &n : graph.node()) {
    if (&n != except && llvm::is_contained(n.input(), name))
      return true;
    for (const onnx::AttributeProto &a : n.attribute()) {
      if (a.has_g() && graphReads(a.g(), name, except))
        return true;
      for (const onnx::GraphProto &g : a.graphs())
        if (graphReads(g, name, except))
          return true;
    }
  }
  return false;
}

const onnx::NodeProto *findNestedLoop(const onnx::GraphProto &graph) {
  for (const onnx::NodeProto &n : graph.node()) {
    if (n.op_type() == "Loop" || n.op_type() == "Scan")
      return &n;
    for (const onnx::AttributeProto &a : n.attribute()) {
      if (a.has_g())
        if (const onnx::NodeProto *inner = findNestedLoop(a.g()))
          return inner;
      for (const onnx::GraphProto &g : a.graphs())
        if (const onnx::NodeProto *inner = findNestedLoop(g))
          return inner;
    }
  }
  return nullptr;
}

/// Gather(X, t) or SequenceAt(X, t), t the loop counter.
static bool isStepRead(const onnx::NodeProto &n, const std::string &iterName) {
  return (n.op_type() == "Gather" || n.op_type() == "SequenceAt") &&
         n.input_size() == 2 && n.output_size() == 1 && !n.output(0).empty() &&
         n.input(1) == iterName;
}

/// Adds the names `graph` defines (node outputs, initializers).
static void addProduced(const onnx::GraphProto &graph,
                        std::set<std::string> &produced) {
  for (const onnx::NodeProto &n : graph.node())
    produced.insert(n.output().begin(), n.output().end());
  for (const onnx::TensorProto &init : graph.initializer())
    produced.insert(init.name());
}

/// The step reads in the branches of If `ifNode` (nested Ifs too), or
/// false when one reads a value the loop makes (a branch's own, a carried
/// one): then the If keeps all its Gathers.
static bool branchReadsOf(const onnx::NodeProto &ifNode,
                          const std::string &iterName,
                          const std::set<std::string> &carried,
                          const std::set<std::string> &produced,
                          llvm::SmallVectorImpl<const onnx::NodeProto *> &out) {
  for (const onnx::AttributeProto &a : ifNode.attribute()) {
    if (!a.has_g())
      continue;
    std::set<std::string> inBranch = produced;
    addProduced(a.g(), inBranch);
    for (const onnx::NodeProto &n : a.g().node()) {
      if (n.op_type() == "If" &&
          !branchReadsOf(n, iterName, carried, inBranch, out))
        return false;
      if (!isStepRead(n, iterName))
        continue;
      if (inBranch.count(n.input(0)) || carried.count(n.input(0)))
        return false;
      out.push_back(&n);
    }
  }
  return true;
}

void collectLoopStepReads(
    const onnx::GraphProto &body, const std::string &iterName,
    const std::set<std::string> &carried,
    llvm::SmallVectorImpl<const onnx::NodeProto *> &reads,
    llvm::SmallVectorImpl<llvm::SmallVector<const onnx::NodeProto *>>
        &branchGroups) {
  std::set<std::string> produced;
  addProduced(body, produced);
  for (const onnx::NodeProto &n : body.node()) {
    if (n.op_type() == "If") {
      llvm::SmallVector<const onnx::NodeProto *> group;
      if (branchReadsOf(n, iterName, carried, produced, group) &&
          !group.empty())
        branchGroups.push_back(std::move(group));
    }
    if (isStepRead(n, iterName) && !produced.count(n.input(0)) &&
        !carried.count(n.input(0)))
      reads.push_back(&n);
  }
}

/// The inputs of `n` that are shapes or sizes of its result (a value
/// there that changes from step to step changes the result's shape).
static bool isShapeOperand(const onnx::NodeProto &n, int input) {
  const std::string &op = n.op_type();
  if (op == "Expand" || op == "Reshape" || op == "Tile" || op == "OneHot" ||
      op == "TopK" || op == "Pad")
    return input == 1;
  if (op == "ConstantOfShape")
    return input == 0;
  return op == "Range";
}

/// Adds to `varying` the outputs of the nodes of `graph` that read a name
/// in it (a subgraph's reads count for its node); Shape and Size, which
/// read only a shape, stop it. Returns the first node whose shape operand
/// is in `varying`, or null.
static const onnx::NodeProto *markVarying(const onnx::GraphProto &graph,
                                          std::set<std::string> &varying) {
  const onnx::NodeProto *found = nullptr;
  for (const onnx::NodeProto &n : graph.node()) {
    bool reads = false;
    for (int i = 0; i < n.input_size(); ++i) {
      if (!varying.count(n.input(i)))
        continue;
      reads = true;
      if (!found && isShapeOperand(n, i))
        found = &n;
    }
    for (const onnx::AttributeProto &a : n.attribute()) {
      auto visit = [&](const onnx::GraphProto &sub) {
        size_t before = varying.size();
        const onnx::NodeProto *inner = markVarying(sub, varying);
        if (!found)
          found = inner;
        // A branch that reads a varying value (its own names are unique)
        // makes the node's outputs vary.
        reads |= varying.size() != before ||
                 llvm::any_of(varying, [&](const std::string &name) {
                   return graphReads(sub, name, nullptr);
                 });
      };
      if (a.has_g())
        visit(a.g());
      for (const onnx::GraphProto &g : a.graphs())
        visit(g);
    }
    if (reads && n.op_type() != "Shape" && n.op_type() != "Size")
      varying.insert(n.output().begin(), n.output().end());
  }
  return found;
}

const onnx::NodeProto *findStepShapedNode(const onnx::GraphProto &body) {
  // The step index and the carried values change from step to step.
  std::set<std::string> varying;
  for (int i = 0; i < body.input_size(); ++i)
    if (i != 1)
      varying.insert(body.input(i).name());
  return markVarying(body, varying);
}

} // namespace seqc::onnx_import
