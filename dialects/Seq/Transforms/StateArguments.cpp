//===- StateArguments.cpp - the step function's state arguments ---------===//
//
// What each state argument of the step function holds (for the model's
// header) and the order the runtime pairs them in: see StepBuilder.h.
//
//===----------------------------------------------------------------------===//

#include "dialects/Seq/Transforms/StepBuilder.h"

#include "llvm/ADT/BitVector.h"

using namespace mlir;

namespace seqc::seq::detail {

std::string StepBuilder::describeState(BlockArgument state, Value next) {
  if (state == started)
    return "1 once the stream is past its first chunk (before it, the "
           "model's own initial states are read)";
  if (!currentOp)
    return "";
  const std::string &origin = currentOrigin;
  // (The op may be gone, rewritten; then `next` is not its result.)
  auto result = dyn_cast<OpResult>(next);
  if (!result || result.getOwner() != currentOp)
    return "kept between chunks by " + origin;
  // (A scan's first results are its carried values, ONNX Loop's v_final.)
  std::string name = (isa<ScanOp>(currentOp) ? "carried value " : "result ") +
                     std::to_string(result.getResultNumber());
  if (auto asmOp = dyn_cast<OpAsmOpInterface>(currentOp))
    asmOp.getAsmResultNames([&](Value v, StringRef asmName) {
      if (v == next && !asmName.empty())
        name = asmName.str();
    });
  // A recurrence's final states in PyTorch's words too (h_n / c_n of the
  // layer this op is; ONNX's Y_h / Y_c).
  if (name == "y_h")
    name = "h (y_h)";
  else if (name == "y_c")
    name = "c (y_c)";
  return name + " of " + origin;
}

void StepBuilder::orderStateArguments() {
  SmallVector<State *> byOrder;
  for (State &state : states)
    byOrder.push_back(&state);
  llvm::sort(byOrder, [](const State *a, const State *b) {
    return std::make_pair(a->order, a->in.getArgNumber()) <
           std::make_pair(b->order, b->in.getArgNumber());
  });
  if (llvm::is_sorted(byOrder, [](const State *a, const State *b) {
        return a->in.getArgNumber() < b->in.getArgNumber();
      }))
    return;
  // New arguments in that order, the old ones' uses moved to them.
  llvm::BitVector old(step.getNumArguments());
  for (State *state : byOrder) {
    BlockArgument was = state->in;
    unsigned index = step.getNumArguments();
    (void)step.insertArgument(index, was.getType(), {}, was.getLoc());
    BlockArgument now = step.getArgument(index);
    was.replaceAllUsesWith(now);
    old.resize(step.getNumArguments());
    old.set(was.getArgNumber());
    if (started == was)
      started = now;
    state->in = now;
  }
  (void)step.eraseArguments(old);
}

} // namespace seqc::seq::detail
