//===- OutlineParallelLoops.cpp - seqc.parallel loops on the pool ---------===//
//
// A thread can only start at a function, so each outermost seqc.parallel
// loop moves into one: `fn(args, begin, end)` runs iterations [begin, end)
// of it, reading what the body uses from outside out of a record the caller
// keeps on its stack for the duration of the call (the caller blocks until
// every chunk is done). The record holds the model context and the values
// as the LLVM dialect lays them out (a memref as its descriptor struct),
// cast back on both sides with unrealized casts that finalize-memref-to-llvm
// and reconcile-unrealized-casts resolve. fn passes the context on to the
// loop's function as its model-context argument, so that the loop's
// allocations go through the context's allocator (the runtime's is
// thread-safe) and a failed one is recorded there
// (seqc-allocate-through-context, seqc-lower-checks). The call goes through
// seqc_parallel_for, which asks the context's parallel_for (abi.h) or runs
// fn itself when there is none.
//
//===----------------------------------------------------------------------===//

#include "compiler/Transforms/Passes.h"
#include "compiler/Transforms/Threads.h"

#include "dialects/Seq/IR/SeqOps.h"

#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/RegionUtils.h"

#include "seqc/abi.h"

#define DEBUG_TYPE "seqc-outline-parallel-loops"

namespace seqc {
#define GEN_PASS_DEF_OUTLINEPARALLELLOOPSPASS
#include "compiler/Transforms/Passes.h.inc"
} // namespace seqc

using namespace mlir;

namespace {

constexpr const char kParallelForFunction[] = "seqc_parallel_for";

/// seqc_parallel_for(context, n, fn, args): context->parallel_for ?
/// context->parallel_for(context->pool, n, fn, args) : fn(args, 0, n).
LLVM::LLVMFuncOp defineParallelFor(ModuleOp module) {
  if (auto existing = module.lookupSymbol<LLVM::LLVMFuncOp>(
          kParallelForFunction))
    return existing;
  MLIRContext *ctx = module.getContext();
  Location loc = module.getLoc();
  auto ptr = LLVM::LLVMPointerType::get(ctx);
  auto i64 = IntegerType::get(ctx, 64);
  auto voidType = LLVM::LLVMVoidType::get(ctx);
  OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
  auto func = LLVM::LLVMFuncOp::create(
      b, loc, kParallelForFunction,
      LLVM::LLVMFunctionType::get(voidType, {ptr, i64, ptr, ptr}),
      LLVM::Linkage::Internal);
  Block *entry = func.addEntryBlock(b);
  Block *inline_ = new Block(), *pooled = new Block();
  func.getBody().push_back(inline_);
  func.getBody().push_back(pooled);
  Value context = entry->getArgument(0), n = entry->getArgument(1),
        fn = entry->getArgument(2), args = entry->getArgument(3);
  auto field = [&](size_t offset) {
    return seqc::createContextLoad(b, loc, context, offset, ptr);
  };
  b.setInsertionPointToEnd(entry);
  Value parallelFor = field(offsetof(seqc_model_context, parallel_for));
  Value none = LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::eq,
                                    parallelFor,
                                    LLVM::ZeroOp::create(b, loc, ptr));
  LLVM::CondBrOp::create(b, loc, none, inline_, pooled);

  b.setInsertionPointToEnd(inline_);
  Value zero = LLVM::ConstantOp::create(b, loc, i64, 0);
  LLVM::CallOp::create(b, loc,
                       LLVM::LLVMFunctionType::get(voidType, {ptr, i64, i64}),
                       ValueRange{fn, args, zero, n});
  LLVM::ReturnOp::create(b, loc, ValueRange());

  b.setInsertionPointToEnd(pooled);
  Value pool = field(offsetof(seqc_model_context, pool));
  LLVM::CallOp::create(
      b, loc, LLVM::LLVMFunctionType::get(voidType, {ptr, i64, ptr, ptr}),
      ValueRange{parallelFor, pool, n, fn, args});
  LLVM::ReturnOp::create(b, loc, ValueRange());
  return func;
}

class Outliner {
public:
  Outliner(ModuleOp module)
      : module(module), converter(module.getContext()) {}

  /// Moves `loop` (in `func`, whose context is `context`) into a new
  /// function run through seqc_parallel_for; false when the loop cannot
  /// run elsewhere (it has results, a scratch buffer it cannot make its
  /// iterations' own, a captured value of a type the record cannot hold):
  /// it then stays a plain loop on the calling thread (any scratch buffers
  /// already moved are its iterations' own, which keeps it correct).
  bool outline(func::FuncOp func, Value context, scf::ForOp loop) {
    if (loop.getNumResults() != 0 || !privatizeScratch(loop))
      return false;
    // A failed check or allocation returns from its chunk at once (the
    // other chunks guard their own accesses); the entry then stops after
    // the loop, as it would have at the failure.
    bool mayFail = loop.getBody()
                       ->walk([](Operation *op) {
                         return isa<seqc::seq::CheckOp, memref::AllocOp>(op)
                                    ? WalkResult::interrupt()
                                    : WalkResult::advance();
                       })
                       .wasInterrupted();
    llvm::SetVector<Value> used, captured;
    used.insert(context);
    getUsedValuesDefinedAbove(loop.getRegion(), used);
    used.insert(loop.getLowerBound());
    used.insert(loop.getUpperBound());
    used.insert(loop.getStep());
    // Constants are cloned into the loop's function (known there, not
    // loads from the record); everything else travels in the record.
    SmallVector<Operation *> constants;
    for (Value v : used) {
      Operation *def = v.getDefiningOp();
      if (def && def->hasTrait<OpTrait::ConstantLike>())
        constants.push_back(def);
      else
        captured.insert(v);
    }
    SmallVector<Type> fields;
    for (Value v : captured) {
      Type field = fieldType(v.getType());
      if (!field)
        return false;
      fields.push_back(field);
    }

    MLIRContext *ctx = module.getContext();
    Location loc = loop.getLoc();
    auto ptr = LLVM::LLVMPointerType::get(ctx);
    auto i64 = IntegerType::get(ctx, 64);
    auto record = LLVM::LLVMStructType::getLiteral(ctx, fields);
    func::FuncOp body = buildBody(func, loop, constants, captured, record);

    // The caller: the record on its stack (allocated once, at the entry),
    // filled here, and the call.
    OpBuilder b = OpBuilder::atBlockBegin(&func.getBody().front());
    Value one = LLVM::ConstantOp::create(b, loc, i64, 1);
    // 64: at least the alignment of any field (a vector<16xf32> needs 64),
    // which the record's unannotated loads and stores assume.
    Value args = LLVM::AllocaOp::create(b, loc, ptr, record, one,
                                        /*alignment=*/64);
    b.setInsertionPoint(loop);
    Value filled = LLVM::PoisonOp::create(b, loc, record);
    for (auto [i, v] : llvm::enumerate(captured))
      filled = LLVM::InsertValueOp::create(b, loc, filled, toField(b, loc, v),
                                           i);
    LLVM::StoreOp::create(b, loc, filled, args);
    Value span = arith::MaxSIOp::create(
        b, loc,
        arith::SubIOp::create(b, loc, loop.getUpperBound(),
                              loop.getLowerBound()),
        arith::ConstantIndexOp::create(b, loc, 0));
    Value trips = arith::CeilDivUIOp::create(b, loc, span, loop.getStep());
    Value fn = UnrealizedConversionCastOp::create(
                   b, loc, ptr,
                   func::ConstantOp::create(b, loc, body.getFunctionType(),
                                            SymbolRefAttr::get(body))
                       .getResult())
                   .getResult(0);
    LLVM::CallOp::create(
        b, loc, defineParallelFor(module),
        ValueRange{context, arith::IndexCastOp::create(b, loc, i64, trips),
                   fn, args});
    if (mayFail) {
      // A chunk that stopped (a failed shape check or allocation) stops the
      // entry too; a value failure lets the run go on, as it does without
      // threads. The failure's own message is recorded already (the first
      // claims the context), so this one never shows: it only returns.
      Value status = LLVM::LoadOp::create(b, loc, b.getI32Type(), context);
      auto isNot = [&](int32_t code) {
        return arith::CmpIOp::create(
            b, loc, arith::CmpIPredicate::ne, status,
            arith::ConstantIntOp::create(b, loc, b.getI32Type(), code));
      };
      Value ok = arith::AndIOp::create(b, loc, isNot(SEQC_ERR_SHAPE),
                                       isNot(SEQC_ERR_OUT_OF_MEMORY));
      seqc::seq::CheckOp::create(b, loc, ok, Value(),
                                 "a parallel part of the model failed",
                                 seqc::seq::CheckKind::shape);
    }
    loop.erase();
    return true;
  }

private:
  /// Buffers the body only works in, allocated outside it (buffer-loop
  /// hoisting moves a loop's fixed-size temporaries out of it) and used
  /// nowhere else but by their deallocation, directly or through views:
  /// each iteration gets its own again, allocated at the start of the body
  /// and freed at its end, so that chunks on different threads do not
  /// share them. Only a buffer allocated and freed in the loop's own block
  /// moves; for one allocated further out (it might carry data across an
  /// enclosing loop) or reached through a view made outside, false: the
  /// loop then stays on one thread. A buffer with any other use outside
  /// (one the body reads, or fills for what follows) stays shared: the
  /// loop's mark promises that its iterations write it disjointly.
  bool privatizeScratch(scf::ForOp loop) {
    // The allocations the body uses: the roots, through views, of the
    // buffers it reads from above. (Walking every allocation of the
    // function for every loop made the pass quadratic in model depth.)
    llvm::SetVector<Value> above;
    getUsedValuesDefinedAbove(loop.getRegion(), above);
    llvm::SetVector<memref::AllocOp> used;
    for (Value v : above) {
      while (auto view = v.getDefiningOp<ViewLikeOpInterface>())
        v = view.getViewSource();
      if (auto alloc = v.getDefiningOp<memref::AllocOp>())
        used.insert(alloc);
    }
    SmallVector<memref::AllocOp> scratch;
    bool unsure = false;
    for (memref::AllocOp alloc : used) {
      bool inside = false, elsewhere = false, throughViews = false;
      SmallVector<Value> work{alloc.getResult()};
      while (!work.empty()) {
        Value buffer = work.pop_back_val();
        for (Operation *user : buffer.getUsers()) {
          if (loop->isAncestor(user)) {
            inside = true;
          } else if (isa<ViewLikeOpInterface>(user)) {
            throughViews = true;
            llvm::append_range(work, user->getResults());
          } else if (!isa<memref::DeallocOp>(user)) {
            elsewhere = true;
          }
        }
      }
      if (!inside || elsewhere)
        continue;
      bool sameBlock = !throughViews && alloc->getBlock() == loop->getBlock() &&
                       llvm::all_of(alloc->getUsers(), [&](Operation *user) {
                         return loop->isAncestor(user) ||
                                user->getBlock() == loop->getBlock();
                       });
      if (sameBlock)
        scratch.push_back(alloc);
      else
        unsure = true;
    }
    if (unsure)
      return false;
    // In the order they were allocated (each moves to the body's front).
    llvm::sort(scratch, [](memref::AllocOp a, memref::AllocOp b) {
      return a->isBeforeInBlock(b);
    });
    for (memref::AllocOp alloc : scratch) {
      for (Operation *user : llvm::to_vector(alloc->getUsers()))
        if (isa<memref::DeallocOp>(user))
          user->erase();
      alloc->moveBefore(&loop.getBody()->front());
      OpBuilder b(loop.getBody()->getTerminator());
      memref::DeallocOp::create(b, alloc.getLoc(), alloc.getResult());
    }
    return true;
  }

  /// How `type` sits in the record, or null when it cannot.
  Type fieldType(Type type) {
    if (isa<IndexType>(type))
      return IntegerType::get(type.getContext(), 64);
    if (isa<LLVM::LLVMPointerType>(type))
      return type;
    if (auto memref = dyn_cast<MemRefType>(type))
      return converter.convertType(memref);
    if (isa<IntegerType, FloatType>(type) ||
        (isa<VectorType>(type) && cast<VectorType>(type).getRank() == 1 &&
         !cast<VectorType>(type).isScalable()))
      return LLVM::isCompatibleType(type) ? type : Type();
    return {};
  }

  Value toField(OpBuilder &b, Location loc, Value v) {
    Type field = fieldType(v.getType());
    if (isa<IndexType>(v.getType()))
      return arith::IndexCastOp::create(b, loc, field, v);
    if (isa<MemRefType>(v.getType()))
      return UnrealizedConversionCastOp::create(b, loc, field, v).getResult(0);
    return v;
  }

  Value fromField(OpBuilder &b, Location loc, Value field, Type type) {
    if (isa<IndexType>(type))
      return arith::IndexCastOp::create(b, loc, type, field);
    if (isa<MemRefType>(type))
      return UnrealizedConversionCastOp::create(b, loc, type, field)
          .getResult(0);
    return field;
  }

  /// func @<func>_parallel<k>(args, begin, end) (what parallel_for calls)
  /// = @<func>_parallel<k>_loop(args, begin, end, context): the loop over
  /// iterations [begin, end), the captured values read from the record
  /// (field 0 is the context).
  func::FuncOp buildBody(func::FuncOp func, scf::ForOp loop,
                         ArrayRef<Operation *> constants,
                         const llvm::SetVector<Value> &captured,
                         LLVM::LLVMStructType record) {
    MLIRContext *ctx = module.getContext();
    Location loc = loop.getLoc();
    auto ptr = LLVM::LLVMPointerType::get(ctx);
    auto i64 = IntegerType::get(ctx, 64);
    std::string name;
    unsigned &counter = counters[func];
    do
      name = (func.getSymName() + "_parallel" + Twine(counter++)).str();
    while (module.lookupSymbol(name) || module.lookupSymbol(name + "_loop"));
    auto internal = [&](func::FuncOp f) {
      f.setPrivate();
      f->setAttr("llvm.linkage",
                 LLVM::LinkageAttr::get(ctx, LLVM::Linkage::Internal));
    };
    OpBuilder b(ctx);
    b.setInsertionPointAfter(func);
    auto entry = func::FuncOp::create(
        b, loc, name, FunctionType::get(ctx, {ptr, i64, i64}, {}));
    internal(entry);
    auto body = func::FuncOp::create(
        b, loc, name + "_loop", FunctionType::get(ctx, {ptr, i64, i64, ptr}, {}));
    internal(body);
    body.setArgAttr(3, seqc::kModelContextAttr, UnitAttr::get(ctx));

    Block *entryBlock = entry.addEntryBlock();
    b.setInsertionPointToStart(entryBlock);
    Value context = LLVM::ExtractValueOp::create(
        b, loc, LLVM::LoadOp::create(b, loc, record, entryBlock->getArgument(0)),
        0);
    SmallVector<Value> operands(entryBlock->getArguments());
    operands.push_back(context);
    func::CallOp::create(b, loc, body, operands);
    func::ReturnOp::create(b, loc);

    Block *block = body.addEntryBlock();
    b.setInsertionPointToStart(block);
    Value fields = LLVM::LoadOp::create(b, loc, record, block->getArgument(0));
    IRMapping map;
    for (Operation *constant : constants)
      b.clone(*constant, map);
    map.map(captured[0], block->getArgument(3));
    for (auto [i, v] : llvm::enumerate(captured))
      if (i > 0)
        map.map(v, fromField(b, loc,
                             LLVM::ExtractValueOp::create(b, loc, fields, i),
                             v.getType()));
    Value lower = map.lookup(loop.getLowerBound());
    Value upper = map.lookup(loop.getUpperBound());
    Value step = map.lookup(loop.getStep());
    auto iteration = [&](Value i) {
      return arith::AddIOp::create(
          b, loc, lower,
          arith::MulIOp::create(
              b, loc, arith::IndexCastOp::create(b, loc, b.getIndexType(), i),
              step));
    };
    Value begin = iteration(block->getArgument(1));
    Value end = arith::MinSIOp::create(b, loc, upper,
                                       iteration(block->getArgument(2)));
    auto clone = cast<scf::ForOp>(b.clone(*loop, map));
    clone.setLowerBound(begin);
    clone.setUpperBound(end);
    clone->removeAttr(seqc::kParallelLoopAttr);
    func::ReturnOp::create(b, loc);
    return entry;
  }

  ModuleOp module;
  LLVMTypeConverter converter;
  /// Per function: the number its next loop function takes.
  llvm::DenseMap<Operation *, unsigned> counters;
};

struct OutlineParallelLoopsPass
    : seqc::impl::OutlineParallelLoopsPassBase<OutlineParallelLoopsPass> {
  using Base::Base;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (module.lookupSymbol(kParallelForFunction)) {
      module.emitError() << "the module already defines '"
                         << kParallelForFunction << "'";
      return signalPassFailure();
    }
    Outliner outliner(module);
    for (auto func : llvm::to_vector(module.getOps<func::FuncOp>())) {
      Value context = seqc::modelContextArgument(func);
      // Outermost marked loops first; a marked loop inside one runs within
      // its chunk.
      SmallVector<scf::ForOp> outermost;
      func.walk<WalkOrder::PreOrder>([&](scf::ForOp loop) {
        if (!loop->hasAttr(seqc::kParallelLoopAttr))
          return WalkResult::advance();
        outermost.push_back(loop);
        return WalkResult::skip();
      });
      for (scf::ForOp loop : outermost) {
        loop.walk([](scf::ForOp inner) {
          inner->removeAttr(seqc::kParallelLoopAttr);
        });
        if (context)
          outliner.outline(func, context, loop);
      }
    }
  }
};

} // namespace
