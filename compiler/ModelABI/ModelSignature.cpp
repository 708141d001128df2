//===- ModelSignature.cpp - names, dtypes and shapes of a model ---------===//

#include "compiler/ModelABI/ModelSignature.h"
#include "compiler/ModelABI/ModelAbi.h"

#include "dialects/Seq/Transforms/StepFunction.h"
#include "seqc/abi.h"
#include "seqc/model.h"

#include "mlir/IR/BuiltinTypes.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace seqc {

std::string sanitizeIdentifier(StringRef text) {
  std::string result;
  for (char c : text)
    result.push_back(llvm::isAlnum(c) ? c : '_');
  // An empty name or one that starts with a digit gets a prefix; not "_",
  // which would make it one C reserves at file scope.
  if (result.empty() || llvm::isDigit(result.front()))
    result.insert(0, "model_");
  return result;
}

std::string sanitizeModelName(StringRef text) {
  std::string result = sanitizeIdentifier(text);
  // A model name derived from a file (`_tmp.onnx`, `-x.onnx`) must not
  // start with an underscore either.
  if (result.front() == '_')
    result.insert(0, "model");
  return result;
}

/// The abi.h dtype of an element type, or 0 for none (u8 has no MLIR
/// element type of its own: a signless i8 is i8).
static seqc_dtype getAbiDtype(Type type) {
  if (type.isF32())
    return SEQC_DTYPE_F32;
  if (type.isF64())
    return SEQC_DTYPE_F64;
  if (type.isF16())
    return SEQC_DTYPE_F16;
  if (type.isBF16())
    return SEQC_DTYPE_BF16;
  if (type.isInteger(1))
    return SEQC_DTYPE_BOOL;
  if (type.isSignlessInteger(8))
    return SEQC_DTYPE_I8;
  if (type.isSignlessInteger(32))
    return SEQC_DTYPE_I32;
  if (type.isSignlessInteger(64))
    return SEQC_DTYPE_I64;
  return seqc_dtype(0);
}

/// The abi.h dtype word and C type of `type` (SEQC_DTYPE_LIST), or failure.
static LogicalResult getDtype(Type type, std::string &dtype,
                              std::string &cType) {
  switch (getAbiDtype(type)) {
#define SEQC_DTYPE_WORDS(name, number, word, bytes, ctype)                     \
  case SEQC_DTYPE_##name:                                                      \
    dtype = word, cType = #ctype;                                              \
    return success();
    SEQC_DTYPE_LIST(SEQC_DTYPE_WORDS)
#undef SEQC_DTYPE_WORDS
  }
  return failure();
}

static FailureOr<TensorSignature>
describeTensor(func::FuncOp func, Type type, DictionaryAttr attrs,
               StringRef defaultName, StringRef role) {
  auto tensorType = dyn_cast<RankedTensorType>(type);
  if (!tensorType) {
    func.emitError() << "model " << role << " '" << defaultName
                     << "' must be a ranked tensor, found " << type;
    return failure();
  }
  TensorSignature sig;
  sig.name = defaultName.str();
  if (attrs)
    if (auto name = attrs.getAs<StringAttr>("seq.name"))
      sig.name = name.getValue().str();
  if (sig.name != sanitizeIdentifier(sig.name)) {
    func.emitError() << "model " << role << " name '" << sig.name
                     << "' is not a C identifier";
    return failure();
  }
  // An i8 port of unsigned elements (an ONNX UINT8 input) is u8.
  bool isUnsigned = attrs && attrs.get(kUnsignedAttr);
  if (isUnsigned && !tensorType.getElementType().isSignlessInteger(8)) {
    func.emitError() << "'" << kUnsignedAttr << "' of model " << role << " '"
                     << sig.name << "' marks " << tensorType.getElementType()
                     << " elements; it applies to i8 only";
    return failure();
  }
  if (isUnsigned) {
    sig.dtype = "u8";
    sig.cType = "uint8_t";
  } else if (failed(
                 getDtype(tensorType.getElementType(), sig.dtype, sig.cType))) {
    func.emitError() << "model " << role << " '" << sig.name
                     << "' has element type " << tensorType.getElementType()
                     << ", which compiled models cannot exchange (use f32, "
                        "f64, f16, bf16, i1, i8, i32 or i64)";
    return failure();
  }
  if (tensorType.getRank() > SEQC_MAX_RANK) {
    func.emitError() << "model " << role << " '" << sig.name << "' has rank "
                     << tensorType.getRank()
                     << "; the runtime's tensors have at most rank "
                     << SEQC_MAX_RANK;
    return failure();
  }
  ArrayAttr dimNames = attrs ? attrs.getAs<ArrayAttr>("seq.dims") : ArrayAttr();
  if (dimNames && dimNames.size() != static_cast<size_t>(tensorType.getRank())) {
    func.emitError() << "'seq.dims' of model " << role << " '" << sig.name
                     << "' names " << dimNames.size() << " dimension(s), but "
                     << "its rank is " << tensorType.getRank();
    return failure();
  }
  for (int64_t i = 0; i < tensorType.getRank(); ++i) {
    StringRef dimName;
    if (dimNames)
      if (auto s = dyn_cast<StringAttr>(dimNames[i]))
        dimName = s.getValue();
    if (dimName == "?") // explicitly dynamic and unconstrained
      dimName = "";
    // An output dimension alone of its size: the name the model's source
    // gave it, if any (it constrains nothing).
    if (dimName.empty() && attrs)
      if (auto hints = attrs.getAs<ArrayAttr>(kDimHintsAttr);
          hints && i < static_cast<int64_t>(hints.size()))
        if (auto s = dyn_cast<StringAttr>(hints[i]))
          dimName = s.getValue();
    if (!tensorType.isDynamicDim(i)) {
      sig.dims.push_back(std::to_string(tensorType.getDimSize(i)));
      continue;
    }
    if (!dimName.empty() && dimName != sanitizeIdentifier(dimName)) {
      func.emitError() << "dimension name '" << dimName << "' of model "
                       << role << " '" << sig.name
                       << "' is not an identifier";
      return failure();
    }
    sig.dims.push_back(dimName.empty() ? "?" : dimName.str());
  }
  return sig;
}

std::string ModelSignature::pastRuntimeLimits() const {
  auto words = [](const std::vector<TensorSignature> &list) {
    size_t total = 0;
    for (const TensorSignature &t : list)
      total += seqc_descriptor_words(t.dims.size());
    return total;
  };
  std::string reason;
  llvm::raw_string_ostream os(reason);
  size_t inCount = inputs.size() + states.size();
  size_t outCount = outputs.size() + states.size();
  if (inCount > SEQC_RT_MODEL_MAX_INPUTS ||
      outCount > SEQC_RT_MODEL_MAX_OUTPUTS ||
      weights.size() > SEQC_RT_MODEL_MAX_WEIGHTS) {
    os << "the model has " << inputs.size() << " inputs, " << weights.size()
       << " external weights, " << states.size() << " states and "
       << outputs.size() << " outputs; the runtime opens at most "
       << SEQC_RT_MODEL_MAX_INPUTS << " inputs plus states, "
       << SEQC_RT_MODEL_MAX_OUTPUTS << " outputs plus states and "
       << SEQC_RT_MODEL_MAX_WEIGHTS
       << " external weights (seqc/model.h): concatenate some";
    return reason;
  }
  // External weights' descriptors are built when the model opens.
  size_t stateWords = words(states);
  size_t inWords = words(inputs) + stateWords;
  size_t outWords = words(outputs) + stateWords;
  if (inWords > SEQC_RT_MODEL_MAX_DESCRIPTOR_WORDS ||
      outWords > SEQC_RT_MODEL_MAX_DESCRIPTOR_WORDS) {
    os << "the model's tensor descriptors (3 + 2 x rank words each, states "
          "counted on both sides) take "
       << inWords << " words for its inputs and " << outWords
       << " for its outputs; the runtime holds at most "
       << SEQC_RT_MODEL_MAX_DESCRIPTOR_WORDS
       << " each (seqc/model.h): return fewer or concatenated tensors";
    return reason;
  }
  llvm::StringSet<> names;
  for (const auto *list : {&inputs, &weights, &states, &outputs})
    for (const TensorSignature &t : *list)
      for (const std::string &d : t.dims)
        if (d != "?" && !llvm::all_of(d, llvm::isDigit))
          names.insert(d);
  if (names.size() > SEQC_RT_MODEL_MAX_DIM_NAMES)
    os << "the model names " << names.size()
       << " distinct dimensions; the runtime tracks at most "
       << SEQC_RT_MODEL_MAX_DIM_NAMES << " (seqc/model.h)";
  return reason;
}

FailureOr<ModelSignature> extractSignature(func::FuncOp func,
                                           StringRef modelName) {
  ModelSignature sig;
  sig.name = modelName.str();
  if (auto time = func->getAttrOfType<StringAttr>(seqc::seq::kStreamDimAttr))
    sig.streamDim = time.getValue().str();
  FunctionType type = func.getFunctionType();
  if (type.getNumResults() == 0) {
    func.emitError() << "a model must return at least one tensor";
    return failure();
  }
  // Tensor names as the header's parameters: distinct, or the header
  // would not compile.
  llvm::StringMap<std::string> seen;
  // A dimension name says its dimensions are one size. The header prints
  // static sizes as numbers, so a name on static dimensions of different
  // sizes is an error here, not dropped.
  llvm::StringMap<std::pair<int64_t, std::string>> namedSizes;
  auto checkNamedSizes = [&](const TensorSignature &tensor, Type t,
                             DictionaryAttr attrs,
                             StringRef role) -> LogicalResult {
    ArrayAttr names = attrs ? attrs.getAs<ArrayAttr>("seq.dims") : ArrayAttr();
    auto shaped = cast<RankedTensorType>(t);
    for (int64_t d = 0; names && d < shaped.getRank(); ++d) {
      auto name = dyn_cast<StringAttr>(names[d]);
      // (A run-time size under a static one's name is allowed: the front
      // ends name a broadcast [T, 4] + [3, 4] result T, and the model
      // checks T = 3 before it runs.)
      if (!name || name.getValue().empty() || name.getValue() == "?" ||
          shaped.isDynamicDim(d))
        continue;
      std::string where =
          (role + " '" + tensor.name + "' dimension " + Twine(d) + " (size " +
           Twine(shaped.getDimSize(d)) + ")")
              .str();
      auto [it, inserted] =
          namedSizes.try_emplace(name.getValue(), shaped.getDimSize(d), where);
      if (!inserted && it->second.first != shaped.getDimSize(d)) {
        func.emitError() << "dimension name '" << name.getValue() << "' labels "
                         << it->second.second << " and " << where
                         << "; one name is one size";
        return failure();
      }
    }
    return success();
  };
  auto add = [&](std::vector<TensorSignature> &list, Type t,
                 DictionaryAttr attrs, const std::string &fallback,
                 StringRef role) -> LogicalResult {
    FailureOr<TensorSignature> tensor =
        describeTensor(func, t, attrs, fallback, role);
    if (failed(tensor) || failed(checkNamedSizes(*tensor, t, attrs, role)))
      return failure();
    auto [it, inserted] =
        seen.try_emplace(cParameterName(tensor->name), tensor->name);
    if (!inserted) {
      InFlightDiagnostic diag = func.emitError();
      if (it->second == tensor->name)
        diag << "two model inputs/outputs are named '" << tensor->name << "'";
      else
        diag << "model inputs/outputs '" << it->second << "' and '"
             << tensor->name << "' would both be the parameter '" << it->first()
             << "' of the generated C functions ('"
             << (cParameterName(it->second) == it->second ? tensor->name
                                                          : it->second)
             << "' is a C keyword, a reserved name or a C library macro); "
                "rename one";
      return failure();
    }
    list.push_back(std::move(*tensor));
    return success();
  };
  auto isState = [](DictionaryAttr attrs) {
    return attrs && attrs.contains("seq.state");
  };
  unsigned numInputs = type.getNumInputs(), numResults = type.getNumResults();
  unsigned stateArgs = 0, stateResults = 0;
  while (stateArgs < numInputs &&
         isState(func.getArgAttrDict(numInputs - 1 - stateArgs)))
    ++stateArgs;
  while (stateResults < numResults &&
         isState(func.getResultAttrDict(numResults - 1 - stateResults)))
    ++stateResults;
  if (stateArgs != stateResults) {
    func.emitError() << "a step function must return each of its "
                     << stateArgs << " state argument(s), found "
                     << stateResults << " state result(s)";
    return failure();
  }
  if (stateResults == numResults) {
    func.emitError() << "a model must return at least one tensor besides "
                        "its states (all "
                     << numResults << " results are marked seq.state)";
    return failure();
  }
  auto isWeight = [](DictionaryAttr attrs) {
    return attrs && attrs.contains("seq.weight");
  };
  unsigned weightArgs = 0;
  while (weightArgs < numInputs - stateArgs &&
         isWeight(func.getArgAttrDict(numInputs - stateArgs - 1 - weightArgs)))
    ++weightArgs;
  unsigned plainInputs = numInputs - stateArgs - weightArgs;
  for (unsigned i = 0; i < plainInputs; ++i) {
    if (isWeight(func.getArgAttrDict(i))) {
      func.emitError() << "weight argument #" << i
                       << " must come after every input";
      return failure();
    }
    if (failed(add(sig.inputs, type.getInput(i), func.getArgAttrDict(i),
                   "input" + std::to_string(i), "input")))
      return failure();
  }
  for (unsigned i = plainInputs; i < plainInputs + weightArgs; ++i)
    if (failed(add(sig.weights, type.getInput(i), func.getArgAttrDict(i),
                   "weight" + std::to_string(i - plainInputs), "weight")))
      return failure();
  for (unsigned i = 0; i < numResults - stateResults; ++i)
    if (failed(add(sig.outputs, type.getResult(i), func.getResultAttrDict(i),
                   "output" + std::to_string(i), "output")))
      return failure();
  for (unsigned k = 0; k < stateArgs; ++k) {
    unsigned arg = numInputs - stateArgs + k;
    unsigned result = numResults - stateResults + k;
    if (type.getInput(arg) != type.getResult(result)) {
      func.emitError() << "state #" << k << " enters as "
                       << type.getInput(arg) << " but leaves as "
                       << type.getResult(result);
      return failure();
    }
    if (failed(add(sig.states, type.getInput(arg), func.getArgAttrDict(arg),
                   "state" + std::to_string(k), "state")))
      return failure();
    if (auto docs = func->getAttrOfType<ArrayAttr>(seqc::seq::kStateDocsAttr);
        docs && k < docs.size())
      if (auto doc = dyn_cast<StringAttr>(docs[k]))
        sig.states.back().doc = doc.str();
  }
  return sig;
}

std::string ModelSignature::toText() const {
  std::string text;
  llvm::raw_string_ostream os(text);
  auto print = [&](StringRef role, const TensorSignature &t) {
    os << role << " " << t.name << " " << t.dtype << " [";
    llvm::interleave(t.dims, os, ",");
    os << "]\n";
  };
  if (!streamDim.empty())
    os << "time " << streamDim << "\n";
  for (const TensorSignature &t : inputs)
    print("in", t);
  for (const TensorSignature &t : weights)
    print("weight", t);
  for (const TensorSignature &t : states)
    print("state", t);
  for (const TensorSignature &t : outputs)
    print("out", t);
  return text;
}

FailureOr<ModelSignature> ModelSignature::fromText(StringRef modelName,
                                                   StringRef text,
                                                   std::string &error) {
  ModelSignature sig;
  sig.name = modelName.str();
  SmallVector<StringRef> lines;
  text.split(lines, '\n', /*MaxSplit=*/-1, /*KeepEmpty=*/false);
  for (auto [number, line] : llvm::enumerate(lines)) {
    auto fail = [&, number = number, line = line](const Twine &why) {
      error = ("signature line " + Twine(number + 1) + " '" + line +
               "': " + why)
                  .str();
      return failure();
    };
    SmallVector<StringRef> words;
    line.split(words, ' ', /*MaxSplit=*/-1, /*KeepEmpty=*/false);
    if (words.size() == 2 && words[0] == "time") {
      sig.streamDim = words[1].str();
      continue;
    }
    if (words.size() != 4 || !words[3].starts_with("[") ||
        !words[3].ends_with("]"))
      return fail("expected 'in|weight|state|out NAME DTYPE [DIMS]'");
    std::vector<TensorSignature> *list =
        llvm::StringSwitch<std::vector<TensorSignature> *>(words[0])
            .Case("in", &sig.inputs)
            .Case("weight", &sig.weights)
            .Case("state", &sig.states)
            .Case("out", &sig.outputs)
            .Default(nullptr);
    if (!list)
      return fail("unknown role '" + words[0] + "'");
    TensorSignature tensor;
    tensor.name = words[1].str();
    tensor.dtype = words[2].str();
#define SEQC_DTYPE_CTYPE(name, number, word, bytes, ctype)                     \
  if (tensor.dtype == word)                                                    \
    tensor.cType = #ctype;
    SEQC_DTYPE_LIST(SEQC_DTYPE_CTYPE)
#undef SEQC_DTYPE_CTYPE
    if (tensor.cType.empty())
      return fail("unknown dtype '" + words[2] + "'");
    SmallVector<StringRef> dims;
    words[3].drop_front().drop_back().split(dims, ',', -1,
                                            /*KeepEmpty=*/false);
    for (StringRef dim : dims)
      tensor.dims.push_back(dim.str());
    list->push_back(std::move(tensor));
  }
  return sig;
}

/// Whether `name` may be an object-like macro of the C library headers
/// that the generated header includes (stddef.h, stdint.h) or that an
/// application commonly includes before it (stdio.h, stdlib.h, errno.h,
/// limits.h, float.h, math.h, signal.h, time.h): as a parameter name it
/// would expand (`const seqc_tensor *NULL`). The runtime's own macros are
/// SEQC_ names.
static bool mayBeLibraryMacro(llvm::StringRef name) {
  static const llvm::StringSet<> macros = {
      "NULL", "EOF", "BUFSIZ", "FILENAME_MAX", "FOPEN_MAX", "TMP_MAX",
      "L_tmpnam", "SEEK_SET", "SEEK_CUR", "SEEK_END", "stdin", "stdout",
      "stderr", "errno", "EXIT_SUCCESS", "EXIT_FAILURE", "RAND_MAX",
      "MB_CUR_MAX", "MB_LEN_MAX", "CHAR_BIT", "CHAR_MIN", "CHAR_MAX",
      "SCHAR_MIN", "SCHAR_MAX", "UCHAR_MAX", "SHRT_MIN", "SHRT_MAX",
      "USHRT_MAX", "INT_MIN", "INT_MAX", "UINT_MAX", "LONG_MIN", "LONG_MAX",
      "ULONG_MAX", "LLONG_MIN", "LLONG_MAX", "ULLONG_MAX", "SIZE_MAX",
      "PTRDIFF_MIN", "PTRDIFF_MAX", "SIG_ATOMIC_MIN", "SIG_ATOMIC_MAX",
      "WCHAR_MIN", "WCHAR_MAX", "WINT_MIN", "WINT_MAX", "INTPTR_MIN",
      "INTPTR_MAX", "UINTPTR_MAX", "INTMAX_MIN", "INTMAX_MAX", "UINTMAX_MAX",
      "INFINITY", "NAN", "HUGE_VAL", "HUGE_VALF", "HUGE_VALL", "FP_NAN",
      "FP_INFINITE", "FP_ZERO", "FP_SUBNORMAL", "FP_NORMAL", "MATH_ERRNO",
      "MATH_ERREXCEPT", "math_errhandling", "CLOCKS_PER_SEC", "TIME_UTC",
      "SIG_DFL", "SIG_IGN", "SIG_ERR", "SIGINT", "SIGTERM", "SIGSEGV",
      "SIGABRT", "SIGFPE", "SIGILL", "NDEBUG", "DECIMAL_DIG", "PATH_MAX",
      // complex.h's imaginary unit; GNU C predefines the others without
      // any include.
      "I", "linux", "unix", "i386"};
  if (macros.contains(name) || name.starts_with("SEQC_"))
    return true;
  // [U]INT{N,_LEASTN,_FASTN}_{MIN,MAX}; FLT_, DBL_, LDBL_ limits; M_PI and
  // the other math.h constants; errno's codes (E2BIG, EDOM, ERANGE, ...).
  llvm::StringRef rest = name;
  rest.consume_front("U");
  if (rest.starts_with("INT") &&
      (rest.ends_with("_MIN") || rest.ends_with("_MAX")))
    return true;
  auto upperTail = [](llvm::StringRef tail) {
    return !tail.empty() && llvm::all_of(tail, [](char c) {
      return llvm::isUpper(c) || llvm::isDigit(c) || c == '_';
    });
  };
  for (llvm::StringRef prefix : {"FLT_", "DBL_", "LDBL_", "M_"})
    if (name.starts_with(prefix) && upperTail(name.drop_front(prefix.size())))
      return true;
  return name.size() >= 3 && name[0] == 'E' && upperTail(name.drop_front());
}

std::string cParameterName(llvm::StringRef name) {
  // C11 and C++17 keywords (and the alternative tokens), which a tensor or
  // dimension name may well be ("int", "for", "new", "and").
  static const llvm::StringSet<> keywords = {
      "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand",
      "bitor", "bool", "break", "case", "catch", "char", "char16_t",
      "char32_t", "class", "compl", "const", "const_cast", "constexpr",
      "continue", "decltype", "default", "delete", "do", "double",
      "dynamic_cast", "else", "enum", "explicit", "export", "extern", "false",
      "float", "for", "friend", "goto", "if", "inline", "int", "long",
      "mutable", "namespace", "new", "noexcept", "not", "not_eq", "nullptr",
      "operator", "or", "or_eq", "private", "protected", "public", "register",
      "reinterpret_cast", "restrict", "return", "short", "signed", "sizeof",
      "static", "static_assert", "static_cast", "struct", "switch",
      "template", "this", "thread_local", "throw", "true", "try", "typedef",
      "typeid", "typename", "union", "unsigned", "using", "virtual", "void",
      "volatile", "wchar_t", "while", "xor", "xor_eq", "_Alignas",
      "_Alignof", "_Atomic", "_Bool", "_Complex", "_Generic", "_Imaginary",
      "_Noreturn", "_Static_assert", "_Thread_local",
      // C++20 and C23.
      "char8_t", "concept", "consteval", "constinit", "co_await",
      "co_return", "co_yield", "requires", "typeof", "typeof_unqual",
      "_BitInt",
      // The wrappers' own parameters.
      "model", "state", "err", "weights", "dims"};
  // seqc_ names belong to the runtime and the wrappers' locals.
  if (keywords.contains(name) || mayBeLibraryMacro(name) ||
      name.starts_with("seqc_") || name.starts_with("__") ||
      (name.size() > 1 && name[0] == '_' && llvm::isUpper(name[1])))
    return name.str() + "_";
  return name.str();
}

} // namespace seqc
