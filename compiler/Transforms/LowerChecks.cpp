//===- LowerChecks.cpp - seq.check and failed allocations -> status ------===//
//
// On the LLVM dialect, a failed check writes its status, message and value
// into the entry's seqc_model_context (abi.h) unless an earlier failure is
// already recorded there (the status is claimed with a compare-and-swap, so
// that of two chunks failing at once one records). A shape or device check
// or a null allocation then returns at once with all-zero result
// descriptors (the runtime frees nothing it did not get), through one exit
// block per function that takes the record as block arguments; a value
// check goes on, its op having made its access safe.
//
//===----------------------------------------------------------------------===//

#include "compiler/Transforms/Passes.h"

#include "dialects/Seq/IR/SeqOps.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

#include "seqc/abi.h"

#include "llvm/ADT/StringMap.h"

#define DEBUG_TYPE "seqc-lower-checks"

namespace seqc {
#define GEN_PASS_DEF_LOWERCHECKSPASS
#include "compiler/Transforms/Passes.h.inc"
} // namespace seqc

using namespace mlir;
using seqc::seq::CheckKind;
using seqc::seq::CheckOp;

namespace {

class ContextWriter {
public:
  ContextWriter(ModuleOp module) : module(module) {}

  /// Splits the block at `at` (which starts the continuation) and branches
  /// to a failure path when `ok` is false. `stop`: return at once.
  /// `alternatives` and `selector`: the message recorded is
  /// alternatives[selector], `message` when the selector is outside them.
  void emit(LLVM::LLVMFuncOp func, Value contextPtr, Operation *at, Value ok,
            seqc_status status, StringRef message, Value value, bool stop,
            ArrayAttr alternatives = {}, Value selector = {}) {
    Location loc = at->getLoc();
    Block *head = at->getBlock();
    Block *cont = head->splitBlock(at);
    OpBuilder b = OpBuilder::atBlockEnd(head);
    SmallVector<Value, 4> record = {
        LLVM::ConstantOp::create(b, loc, b.getI32Type(), status),
        /*message=*/Value(),
        LLVM::ConstantOp::create(b, loc, b.getI32Type(), value ? 1 : 0),
        value ? value : LLVM::ConstantOp::create(b, loc, b.getI64Type(), 0)};
    Block *failed = head;
    if (alternatives || !stop) {
      // The message is chosen on the failure path, off the checked one.
      failed = new Block();
      head->getParent()->getBlocks().insertAfter(Region::iterator(head),
                                                 failed);
      b.setInsertionPointToEnd(failed);
    }
    record[1] = selectMessage(b, loc, message, alternatives, selector);
    if (stop) {
      // Every stopping check of the function shares one exit: a hundred
      // checks that each returned a model's worth of zero descriptors made
      // LLVM's code generation for a 10-layer step function take seconds
      // (a phi of every descriptor field with an operand per check).
      Block *exit = stopBlock(func, contextPtr);
      if (failed == head) {
        LLVM::CondBrOp::create(b, loc, ok, cont, ValueRange{}, exit, record);
      } else {
        LLVM::BrOp::create(b, loc, record, exit);
        b.setInsertionPointToEnd(head);
        LLVM::CondBrOp::create(b, loc, ok, cont, failed);
      }
      return;
    }
    Block *done = writeRecord(b, loc, contextPtr, record);
    b.setInsertionPointToEnd(done);
    LLVM::BrOp::create(b, loc, cont);
    b.setInsertionPointToEnd(head);
    LLVM::CondBrOp::create(b, loc, ok, cont, failed);
  }

private:
  /// `message`, or alternatives[selector] when the selector picks one.
  Value selectMessage(OpBuilder &b, Location loc, StringRef message,
                      ArrayAttr alternatives, Value selector) {
    Value text = globalString(b, loc, message);
    if (alternatives)
      for (auto [i, alternative] :
           llvm::enumerate(alternatives.getAsValueRange<StringAttr>())) {
        Value chosen = LLVM::ICmpOp::create(
            b, loc, LLVM::ICmpPredicate::eq, selector,
            LLVM::ConstantOp::create(b, loc, b.getI64Type(),
                                     static_cast<int64_t>(i)));
        text = LLVM::SelectOp::create(b, loc, chosen,
                                      globalString(b, loc, alternative), text);
      }
    return text;
  }

  /// At the builder's block end: the record (status i32, message ptr,
  /// has_value i32, value i64) written into the context unless a failure
  /// is recorded already. Returns the block where that path joins.
  Block *writeRecord(OpBuilder &b, Location loc, Value contextPtr,
                     ValueRange record) {
    MLIRContext *ctx = b.getContext();
    Region &region = *b.getInsertionBlock()->getParent();
    auto *write = new Block(), *done = new Block();
    region.getBlocks().insertAfter(Region::iterator(b.getInsertionBlock()),
                                   write);
    region.getBlocks().insertAfter(Region::iterator(write), done);
    // The first failure claims the context atomically: the chunks of a
    // parallel loop (seqc-outline-parallel-loops) may fail at once. The
    // runtime reads the record after the entry returns, past the pool's
    // join.
    auto claim = LLVM::AtomicCmpXchgOp::create(
        b, loc, contextPtr, LLVM::ConstantOp::create(b, loc, b.getI32Type(), 0),
        record[0], LLVM::AtomicOrdering::monotonic,
        LLVM::AtomicOrdering::monotonic);
    Value first = LLVM::ExtractValueOp::create(b, loc, claim, 1);
    LLVM::CondBrOp::create(b, loc, first, write, done);

    b.setInsertionPointToEnd(write);
    auto ptr = LLVM::LLVMPointerType::get(ctx);
    auto field = [&](size_t offset) -> Value {
      return LLVM::GEPOp::create(
          b, loc, ptr, IntegerType::get(ctx, 8), contextPtr,
          ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(offset)});
    };
    LLVM::StoreOp::create(b, loc, record[2],
                          field(offsetof(seqc_model_context, has_value)));
    LLVM::StoreOp::create(b, loc, record[1],
                          field(offsetof(seqc_model_context, message)));
    LLVM::StoreOp::create(b, loc, record[3],
                          field(offsetof(seqc_model_context, value)));
    LLVM::BrOp::create(b, loc, done);
    return done;
  }

  /// The function's one exit for stopping checks, made on first use: it
  /// takes the record as block arguments, writes it and returns all-zero
  /// result descriptors.
  Block *stopBlock(LLVM::LLVMFuncOp func, Value contextPtr) {
    Block *&exit = stopBlocks[func.getOperation()];
    if (exit)
      return exit;
    MLIRContext *ctx = func.getContext();
    Location loc = func.getLoc();
    exit = new Block();
    func.getBody().push_back(exit);
    auto i32 = IntegerType::get(ctx, 32);
    SmallVector<Value, 4> record = {
        exit->addArgument(i32, loc),
        exit->addArgument(LLVM::LLVMPointerType::get(ctx), loc),
        exit->addArgument(i32, loc),
        exit->addArgument(IntegerType::get(ctx, 64), loc)};
    OpBuilder b = OpBuilder::atBlockEnd(exit);
    Block *done = writeRecord(b, loc, contextPtr, record);
    b.setInsertionPointToEnd(done);
    Type resultType = func.getFunctionType().getReturnType();
    if (isa<LLVM::LLVMVoidType>(resultType))
      LLVM::ReturnOp::create(b, loc, ValueRange{});
    else
      LLVM::ReturnOp::create(b, loc, LLVM::ZeroOp::create(b, loc, resultType));
    return exit;
  }

  /// The address of a NUL-terminated copy of `text`, one global per text.
  Value globalString(OpBuilder &b, Location loc, StringRef text) {
    auto [it, inserted] = names.try_emplace(text, "");
    if (inserted) {
      unsigned n = names.size() - 1;
      do
        it->second = "seqc_check_message_" + std::to_string(n++);
      while (module.lookupSymbol(it->second));
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(module.getBody());
      std::string value = text.str();
      value.push_back('\0');
      auto type = LLVM::LLVMArrayType::get(b.getI8Type(), value.size());
      LLVM::GlobalOp::create(b, loc, type, /*isConstant=*/true,
                             LLVM::Linkage::Internal, it->second,
                             b.getStringAttr(value));
    }
    return LLVM::AddressOfOp::create(b, loc,
                                     LLVM::LLVMPointerType::get(b.getContext()),
                                     it->second);
  }

  ModuleOp module;
  llvm::StringMap<std::string> names;
  DenseMap<Operation *, Block *> stopBlocks;
};

static std::optional<unsigned> contextArgument(LLVM::LLVMFuncOp func) {
  for (unsigned i = 0; i < func.getNumArguments(); ++i)
    if (func.getArgAttr(i, seqc::kModelContextAttr))
      return i;
  return std::nullopt;
}

struct LowerChecksPass : seqc::impl::LowerChecksPassBase<LowerChecksPass> {
  using Base::Base;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    ContextWriter writer(module);
    for (auto func : llvm::to_vector(module.getOps<LLVM::LLVMFuncOp>())) {
      if (func.isExternal())
        continue;
      SmallVector<CheckOp> checks;
      SmallVector<LLVM::CallOp> allocations;
      func.walk([&](Operation *op) {
        if (auto check = dyn_cast<CheckOp>(op))
          checks.push_back(check);
        if (auto call = dyn_cast<LLVM::CallOp>(op))
          if (std::optional<StringRef> callee = call.getCallee())
            if (*callee == "malloc" || *callee == "aligned_alloc" ||
                *callee == seqc::kModelAllocFunction)
              allocations.push_back(call);
      });
      std::optional<unsigned> index = contextArgument(func);
      if (!index) {
        if (!checks.empty()) {
          checks.front().emitError()
              << "a run-time check in a function without a model context "
                 "(only public functions get one: seqc-add-model-context)";
          return signalPassFailure();
        }
        continue;
      }
      func.removeArgAttr(*index, StringAttr::get(&getContext(),
                                                 seqc::kModelContextAttr));
      Value contextPtr = func.getArgument(*index);
      for (CheckOp check : checks) {
        bool stop = check.getKind() != CheckKind::value;
        seqc_status status = check.getKind() == CheckKind::shape
                                 ? SEQC_ERR_SHAPE
                             : check.getKind() == CheckKind::device
                                 ? SEQC_ERR_DEVICE
                                 : SEQC_ERR_INVALID_ARGUMENT;
        writer.emit(func, contextPtr, check, check.getCondition(), status,
                    check.getMessage(), check.getValue(), stop,
                    check.getAlternativesAttr(), check.getSelector());
        check.erase();
      }
      for (LLVM::CallOp call : allocations) {
        OpBuilder b(call->getNextNode());
        Location loc = call.getLoc();
        Value null = LLVM::ZeroOp::create(b, loc, call.getResult().getType());
        Value bytes = call.getArgOperands().back();
        // malloc(0) may legally return NULL.
        Value ok = LLVM::OrOp::create(
            b, loc,
            LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::ne,
                                 call.getResult(), null),
            LLVM::ICmpOp::create(
                b, loc, LLVM::ICmpPredicate::eq, bytes,
                LLVM::ConstantOp::create(b, loc, bytes.getType(), 0)));
        writer.emit(func, contextPtr, ok.getDefiningOp()->getNextNode(),
                    ok, SEQC_ERR_OUT_OF_MEMORY,
                    "out of memory: allocating {} bytes failed", bytes,
                    /*stop=*/true);
      }
    }
  }
};

} // namespace
