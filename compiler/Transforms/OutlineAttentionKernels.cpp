//===- OutlineAttentionKernels.cpp - seq.attention as calls of kernels ----===//
//
// See the pass description in Passes.td. Each kind of attention (the op's
// attributes and operand types) that occurs twice or more becomes one
// private function holding the op; every seq.attention of that kind
// becomes a call of it. A streaming
// model has the same attention in its full-sequence entry and its step
// entry, and in every layer: lowered in place, each copy became its own
// flash-attention loops (a few thousand lines of LLVM IR apiece), which no
// later pass can merge, since the copies differ in what is constant (a
// causal offset of 0, a key length equal to the query length) and in the
// layouts of the buffers they read (a key/value cache's view).
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/SeqToLinalg/AttentionParts.h"
#include "compiler/Transforms/Passes.h"
#include "compiler/Transforms/Threads.h"

#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/Utils/CheckUtils.h"
#include "dialects/Seq/Utils/SizeUtils.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/raw_ostream.h"

#define DEBUG_TYPE "seqc-outline-attention-kernels"

namespace seqc {
#define GEN_PASS_DEF_OUTLINEATTENTIONKERNELSPASS
#include "compiler/Transforms/Passes.h.inc"
} // namespace seqc

using namespace mlir;
using seqc::seq::AttentionOp;
using seqc::seq::CausalAlignment;

namespace {

/// Causal alignment only moves the diagonal by Lk - Lq: with Lq = Lk
/// (self-attention over one sequence) top_left and bottom_right are the
/// same attention. bottom_right is kept, the form a step entry's attention
/// over a key/value cache has, so that the full-sequence entry's matches
/// it.
void normalizeAlignment(AttentionOp op) {
  if (op.getCausal() == CausalAlignment::top_left &&
      seqc::seq::isSameDimension(op.getQuery(), 2, op.getKey(), 2))
    op.setCausal(CausalAlignment::bottom_right);
}

/// What makes two attentions the same kernel: the op's attributes (its
/// properties: causal, window, scale, ...; and any discardable ones) and
/// its operand and result types, printed.
std::string kernelKey(AttentionOp op) {
  std::string key;
  llvm::raw_string_ostream os(key);
  os << op->getPropertiesAsAttribute() << ';' << op->getRawDictionaryAttrs();
  for (Type type : op->getOperandTypes())
    os << ';' << type;
  os << "->" << op.getType();
  return key;
}

class Outliner {
public:
  explicit Outliner(ModuleOp module) : module(module) {}

  void run(AttentionOp op, Value context, StringRef key) {
    func::FuncOp &kernel = kernels[key];
    if (!kernel)
      kernel = createKernel(op);
    OpBuilder b(op);
    Location loc = op.getLoc();
    // A check of the kernel's that can fail on the data (min_row_max's)
    // names the attention that called it: its index among the kernel's
    // call sites is an argument.
    Value site;
    if (AttentionOp inner = sitedAttention(kernel)) {
      auto sites = llvm::to_vector(
          inner->getAttrOfType<ArrayAttr>(seqc::attention::kCallSitesAttr));
      site = arith::ConstantIntOp::create(b, loc, b.getI64Type(),
                                          int64_t(sites.size()));
      sites.push_back(
          b.getStringAttr(seqc::seq::describeOrigin("seq.attention", loc)));
      inner->setAttr(seqc::attention::kCallSitesAttr, b.getArrayAttr(sites));
    }
    // The operands' extents are checked here too, where they can be read
    // back to the model's inputs (seqc-hoist-checks then names them: "input
    // 'pad' dimension 1 is 4, but it must equal input 'x' dimension 0") and
    // proven where the caller's shapes tie them. Inside the kernel they are
    // only its arguments' (its own copy of these checks then never fails).
    seqc::attention::createAttentionExtentChecks(b, op);
    // The result [B, Hq, Lq, Dv] is a buffer of the caller's, which the
    // kernel fills: a buffer the kernel allocated and returned would be
    // one the caller's deallocation cannot tell from those it keeps (a
    // run-time check per call).
    auto resultType = cast<RankedTensorType>(op.getType());
    SmallVector<Value> dynamicSizes;
    for (int64_t d = 0; d < resultType.getRank(); ++d)
      if (resultType.isDynamicDim(d))
        dynamicSizes.push_back(tensor::DimOp::create(
            b, loc, d < 3 ? op.getQuery() : op.getValue(), d));
    SmallVector<Value> operands(op->getOperands());
    if (site)
      operands.push_back(site);
    operands.push_back(
        tensor::EmptyOp::create(b, loc, resultType, dynamicSizes));
    operands.push_back(context);
    auto call = func::CallOp::create(b, loc, kernel, operands);
    // The kernel's last result is false when it stopped (a failed shape
    // check or allocation returns all zeros: seqc-lower-checks); its own
    // message is in the context already.
    seqc::seq::CheckOp::create(b, loc, call.getResult(1), Value(),
                               "an attention kernel of the model failed",
                               seqc::seq::CheckKind::shape);
    op.replaceAllUsesWith(call.getResult(0));
    op.erase();
  }

private:
  /// The kernel's attention, when it takes its call site (see run).
  static AttentionOp sitedAttention(func::FuncOp kernel) {
    for (auto op : kernel.getBody().front().getOps<AttentionOp>())
      if (op->hasAttr(seqc::attention::kCallSitesAttr))
        return op;
    return {};
  }

  /// A private function (operands..., [call site,] result buffer, context)
  /// -> (result, ran to its end) around a copy of `op`; the call site is
  /// an i64 argument when op has min_row_max.
  func::FuncOp createKernel(AttentionOp op) {
    MLIRContext *ctx = op.getContext();
    auto func = op->getParentOfType<func::FuncOp>();
    std::string name;
    do
      name = (func.getSymName() + "_attention" + Twine(counter++)).str();
    while (module.lookupSymbol(name));
    SmallVector<Type> argTypes(op->getOperandTypes());
    bool sited = op.getMinRowMax().has_value();
    if (sited)
      argTypes.push_back(IntegerType::get(ctx, 64));
    argTypes.push_back(op.getType());
    argTypes.push_back(LLVM::LLVMPointerType::get(ctx));
    Type resultTypes[] = {op.getType(), IntegerType::get(ctx, 1)};
    OpBuilder b(ctx);
    // After the function of its first use and the kernels made for it
    // before, in the order they are made.
    Operation *&last = lastAfter[func];
    b.setInsertionPointAfter(last ? last : func.getOperation());
    auto kernel = func::FuncOp::create(
        b, op.getLoc(), name, FunctionType::get(ctx, argTypes, resultTypes));
    kernel.setPrivate();
    kernel->setAttr("llvm.linkage",
                    LLVM::LinkageAttr::get(ctx, LLVM::Linkage::Internal));
    last = kernel;
    // Its operands may be views (a key/value cache's first rows, a slice of
    // a fused QKV projection): bufferized, they pass as they are, cast to
    // any strided layout whose innermost stride is 1 (what the vector code
    // needs), not copied into contiguous buffers.
    for (auto [i, type] : llvm::enumerate(op->getOperandTypes())) {
      auto tensor = cast<RankedTensorType>(type);
      SmallVector<int64_t> strides(tensor.getRank(), ShapedType::kDynamic);
      strides.back() = 1;
      kernel.setArgAttr(
          i, bufferization::BufferizationDialect::kBufferLayoutAttrName,
          StridedLayoutAttr::get(ctx, ShapedType::kDynamic, strides));
    }
    kernel.setArgAttr(argTypes.size() - 1, seqc::kModelContextAttr,
                      UnitAttr::get(ctx));
    if (sited)
      kernel.setArgAttr(argTypes.size() - 3, seqc::attention::kCallSiteArgAttr,
                        UnitAttr::get(ctx));
    Block *body = kernel.addEntryBlock();
    b.setInsertionPointToStart(body);
    // Operand k is argument k, also when one value is several operands
    // (q and k of self-attention, k and v of a cache): a value mapping
    // would keep the last argument for all of them, and calls whose
    // operands differ would all compute with that one.
    Operation *copy = b.clone(*op);
    copy->setOperands(body->getArguments().drop_back(sited ? 3 : 2));
    if (sited)
      copy->setAttr(seqc::attention::kCallSitesAttr, b.getArrayAttr({}));
    // Written into the caller's result buffer (convert-seq-to-linalg's
    // flash lowering fills that destination instead of a new tensor).
    Value written = bufferization::MaterializeInDestinationOp::create(
                        b, op.getLoc(), copy->getResult(0),
                        body->getArgument(body->getNumArguments() - 2))
                        ->getResult(0);
    Value ran = arith::ConstantIntOp::create(b, op.getLoc(), b.getI1Type(), 1);
    func::ReturnOp::create(b, op.getLoc(), ValueRange{written, ran});
    return kernel;
  }

  ModuleOp module;
  llvm::StringMap<func::FuncOp> kernels;
  llvm::DenseMap<Operation *, Operation *> lastAfter;
  unsigned counter = 0;
};

struct OutlineAttentionKernelsPass
    : seqc::impl::OutlineAttentionKernelsPassBase<OutlineAttentionKernelsPass> {
  using Base::Base;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    struct Use {
      AttentionOp op;
      Value context;
      std::string key;
    };
    SmallVector<Use> uses;
    llvm::StringMap<unsigned> counts;
    for (auto func : module.getOps<func::FuncOp>()) {
      // A function without a model context has no way to report a failed
      // kernel (nor a kernel a way to reach the threads): left inline.
      Value context = seqc::modelContextArgument(func);
      if (!context)
        continue;
      // Only the function body's own attentions: one in a loop (a
      // hand-written seq.scan's step) stays inline, where the loop's
      // temporaries are allocated once before it, not on every call.
      for (auto op : func.getBody().front().getOps<AttentionOp>()) {
        normalizeAlignment(op);
        uses.push_back({op, context, kernelKey(op)});
        ++counts[uses.back().key];
      }
    }
    // An attention of its own kind stays inline: a call would save nothing
    // and its kernel would see less (its operands' static strides, the
    // shapes that prove its slices in bounds).
    Outliner outliner(module);
    for (Use &use : uses)
      if (counts[use.key] >= 2)
        outliner.run(use.op, use.context, use.key);
  }
};

} // namespace
