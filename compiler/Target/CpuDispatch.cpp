//===- CpuDispatch.cpp - Code for several x86-64 levels in one object ---===//
//
// The levels' feature lists are the x86-64 psABI's ("Micro Architecture
// Levels"); runtime/src/cpu_level.c reads the same CPUID bits in C.
//
//===----------------------------------------------------------------------===//

#include "compiler/Target/CpuDispatch.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InlineAsm.h"
#include "llvm/MC/MCSubtargetInfo.h"

namespace seqc {

namespace {

/// Level names as LLVM's X86 back end knows them, index = level - 1.
constexpr llvm::StringLiteral kLevelNames[] = {"x86-64", "x86-64-v2",
                                               "x86-64-v3", "x86-64-v4"};

/// The LLVM features each level adds to the one below (index = level - 2).
const std::vector<std::vector<const char *>> &levelFeatures() {
  static const std::vector<std::vector<const char *>> features = {
      {"cx16", "sahf", "popcnt", "sse3", "sse4.1", "sse4.2", "ssse3"},
      {"avx", "avx2", "bmi", "bmi2", "f16c", "fma", "lzcnt", "movbe",
       "xsave"},
      {"avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"}};
  return features;
}

int levelOf(llvm::StringRef name) {
  for (auto [i, level] : llvm::enumerate(kLevelNames))
    if (name == level)
      return static_cast<int>(i) + 1;
  return 0;
}

} // namespace

std::vector<std::string> parseCpuList(llvm::StringRef mcpu,
                                      std::string &error) {
  if (!mcpu.contains(','))
    return {mcpu.str()};
  llvm::SmallVector<llvm::StringRef> items;
  mcpu.split(items, ',');
  std::vector<std::string> cpus;
  int previous = 0;
  for (llvm::StringRef item : items) {
    int level = levelOf(item);
    if (level == 0) {
      error = "--mcpu='" + mcpu.str() +
              "': a list picked from at run time names x86-64 levels "
              "(x86-64, x86-64-v2, x86-64-v3, x86-64-v4), not '" +
              item.str() + "'; give a CPU name alone";
      return {};
    }
    if (level <= previous) {
      error = "--mcpu='" + mcpu.str() +
              "': list each x86-64 level once, lowest first";
      return {};
    }
    previous = level;
    cpus.push_back(item.str());
  }
  return cpus;
}

int getCpuLevel(const llvm::TargetMachine &machine) {
  if (!machine.getTargetTriple().isX86())
    return 0;
  const llvm::MCSubtargetInfo &info = *machine.getMCSubtargetInfo();
  int level = 1;
  for (const std::vector<const char *> &features : levelFeatures()) {
    for (const char *feature : features)
      if (!info.checkFeatures(std::string("+") + feature))
        return level;
    ++level;
  }
  return level;
}

namespace {

/// Emits the detection into `b`'s function; returns the level (i32 1-4).
class CpuidReader {
public:
  explicit CpuidReader(llvm::IRBuilder<> &b) : b(b) {}

  /// {eax, ebx, ecx, edx} of CPUID leaf `leaf`, subleaf `subleaf`.
  llvm::Value *cpuid(uint32_t leaf, uint32_t subleaf) {
    llvm::Type *i32 = b.getInt32Ty();
    auto *result = llvm::StructType::get(b.getContext(), {i32, i32, i32, i32});
    auto *type = llvm::FunctionType::get(result, {i32, i32}, false);
    auto *asmCall = llvm::InlineAsm::get(
        type, "cpuid", "={ax},={bx},={cx},={dx},{ax},{cx},~{dirflag},~{fpsr},~{flags}",
        // Never speculated above the checks that guard it.
        /*hasSideEffects=*/true);
    return b.CreateCall(asmCall, {b.getInt32(leaf), b.getInt32(subleaf)});
  }

  llvm::Value *reg(llvm::Value *regs, unsigned index) {
    return b.CreateExtractValue(regs, index);
  }

  /// Whether every bit of `bits` is set in `value`.
  llvm::Value *allBits(llvm::Value *value, llvm::ArrayRef<int> bits) {
    uint64_t mask = 0;
    for (int bit : bits)
      mask |= uint64_t(1) << bit;
    llvm::Constant *m = llvm::ConstantInt::get(value->getType(), mask);
    return b.CreateICmpEQ(b.CreateAnd(value, m), m);
  }

  /// `leaf`'s register `index` when the CPU has the leaf (its range's
  /// maximum, from leaf `rangeBase`, is at least `leaf`), else 0: a leaf
  /// beyond the maximum returns another leaf's data.
  llvm::Value *guardedReg(uint32_t rangeBase, uint32_t leaf, unsigned index) {
    llvm::Value *max = reg(cpuid(rangeBase, 0), 0);
    llvm::Value *has = b.CreateICmpUGE(max, b.getInt32(leaf));
    return conditional(has, [&] { return reg(cpuid(leaf, 0), index); });
  }

  /// `make()` computed only when `cond` holds, else 0 (of its type).
  template <typename Make>
  llvm::Value *conditional(llvm::Value *cond, Make make) {
    llvm::Function *f = b.GetInsertBlock()->getParent();
    llvm::LLVMContext &ctx = b.getContext();
    llvm::BasicBlock *from = b.GetInsertBlock();
    auto *then = llvm::BasicBlock::Create(ctx, "then", f);
    auto *join = llvm::BasicBlock::Create(ctx, "join", f);
    b.CreateCondBr(cond, then, join);
    b.SetInsertPoint(then);
    llvm::Value *value = make();
    llvm::BasicBlock *thenEnd = b.GetInsertBlock();
    b.CreateBr(join);
    b.SetInsertPoint(join);
    llvm::PHINode *phi = b.CreatePHI(value->getType(), 2);
    phi->addIncoming(value, thenEnd);
    phi->addIncoming(llvm::Constant::getNullValue(value->getType()), from);
    return phi;
  }

  llvm::Value *detectLevel() {
    llvm::Value *leaf1 = cpuid(1, 0);
    llvm::Value *ecx1 = reg(leaf1, 2);
    llvm::Value *ebx7 = guardedReg(0, 7, 1);
    llvm::Value *ecx81 = guardedReg(0x80000000u, 0x80000001u, 2);
    // v2: CMPXCHG16B, POPCNT, SSE3, SSE4.1, SSE4.2, SSSE3; LAHF/SAHF.
    llvm::Value *v2 = b.CreateAnd(allBits(ecx1, {13, 23, 0, 19, 20, 9}),
                                  allBits(ecx81, {0}));
    // v3: FMA, MOVBE, OSXSAVE, AVX, F16C; BMI1, AVX2, BMI2; LZCNT; and the
    // OS saves the SSE and AVX registers (XCR0 bits 1-2; XGETBV exists
    // only with OSXSAVE).
    llvm::Value *osxsave = allBits(ecx1, {27});
    llvm::Value *xcr0 = conditional(osxsave, [&] {
      llvm::Type *i32 = b.getInt32Ty();
      auto *type = llvm::FunctionType::get(
          llvm::StructType::get(b.getContext(), {i32, i32}), {i32}, false);
      auto *asmCall = llvm::InlineAsm::get(
          type, "xgetbv", "={ax},={dx},{cx},~{dirflag},~{fpsr},~{flags}",
          // Faults without OSXSAVE: never hoisted above its guard.
          /*hasSideEffects=*/true);
      return reg(b.CreateCall(asmCall, {b.getInt32(0)}), 0);
    });
    llvm::Value *v3 = b.CreateAnd(
        {v2, allBits(ecx1, {12, 22, 27, 28, 29}), allBits(ebx7, {3, 5, 8}),
         allBits(ecx81, {5}), allBits(xcr0, {1, 2})});
    // v4: AVX512 F, DQ, CD, BW, VL; the OS saves the opmask and ZMM
    // registers (XCR0 bits 5-7).
    llvm::Value *v4 = b.CreateAnd(
        {v3, allBits(ebx7, {16, 17, 28, 30, 31}), allBits(xcr0, {5, 6, 7})});
    llvm::Type *i32 = b.getInt32Ty();
    return b.CreateAdd(
        b.getInt32(1),
        b.CreateAdd(b.CreateZExt(v2, i32),
                    b.CreateAdd(b.CreateZExt(v3, i32), b.CreateZExt(v4, i32))));
  }

private:
  llvm::IRBuilder<> &b;
};

} // namespace

llvm::Function *getOrCreateCpuLevelFunction(llvm::Module &module) {
  constexpr const char *kName = "seqc_cpu_level";
  if (llvm::Function *existing = module.getFunction(kName))
    return existing;
  llvm::LLVMContext &ctx = module.getContext();
  llvm::Type *i32 = llvm::Type::getInt32Ty(ctx);
  llvm::Type *ptr = llvm::PointerType::getUnqual(ctx);
  auto *f = llvm::Function::Create(llvm::FunctionType::get(i32, false),
                                   llvm::GlobalValue::InternalLinkage, kName,
                                   module);
  // Detection runs on any x86-64 CPU: baseline code whatever the module's
  // other functions target.
  f->addFnAttr("target-cpu", "x86-64");
  auto *cache = new llvm::GlobalVariable(
      module, i32, /*isConstant=*/false, llvm::GlobalValue::InternalLinkage,
      llvm::ConstantInt::get(i32, 0), "seqc_cpu_level.cache");

  llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", f));
  // 0 until detected; threads racing to fill it store the same value (a
  // relaxed atomic: plain moves on x86-64, which valgrind's race tools
  // cannot tell from a race). The environment is read with the CPU, once:
  // not at every model creation, where a setenv on another thread would
  // race with getenv.
  llvm::LoadInst *cached = b.CreateAlignedLoad(i32, cache, llvm::Align(4));
  cached->setAtomic(llvm::AtomicOrdering::Monotonic);
  CpuidReader reader(b);
  llvm::Value *level = reader.conditional(
      b.CreateICmpEQ(cached, b.getInt32(0)), [&] {
        llvm::Value *detected = reader.detectLevel();
        // SEQC_MAX_CPU_LEVEL=N, N a single digit 1-4, lowers the level.
        // p[1] is read only once p[0] is known not to be the terminator.
        llvm::FunctionCallee getenv = module.getOrInsertFunction(
            "getenv", llvm::FunctionType::get(ptr, {ptr}, false));
        llvm::Value *env = b.CreateCall(
            getenv, {b.CreateGlobalString("SEQC_MAX_CPU_LEVEL",
                                          "seqc_cpu_level.env", 0, &module)});
        llvm::Value *capOr0 = reader.conditional(b.CreateIsNotNull(env), [&] {
          llvm::Value *first = b.CreateLoad(b.getInt8Ty(), env);
          llvm::Value *digit =
              b.CreateSub(b.CreateZExt(first, i32), b.getInt32('0'));
          llvm::Value *isLevel =
              b.CreateICmpULT(b.CreateSub(digit, b.getInt32(1)), b.getInt32(4));
          return reader.conditional(isLevel, [&] {
            llvm::Value *second = b.CreateLoad(
                b.getInt8Ty(), b.CreateConstGEP1_64(b.getInt8Ty(), env, 1));
            return b.CreateSelect(b.CreateICmpEQ(second, b.getInt8(0)), digit,
                                  b.getInt32(0));
          });
        });
        llvm::Value *capped =
            b.CreateSelect(b.CreateAnd(b.CreateICmpNE(capOr0, b.getInt32(0)),
                                       b.CreateICmpULT(capOr0, detected)),
                           capOr0, detected);
        b.CreateAlignedStore(capped, cache, llvm::Align(4))
            ->setAtomic(llvm::AtomicOrdering::Monotonic);
        return capped;
      });
  level = b.CreateSelect(b.CreateICmpEQ(level, b.getInt32(0)), cached, level);
  b.CreateRet(level);
  return f;
}

} // namespace seqc
