//===- HeaderEmission.cpp - the C header of a compiled model ------------===//
//
// The typed API is a set of static inline wrappers over the generic runtime
// entry, so the object exports only its getters (<name>_api and, for causal
// models, <name>_step_api) and the header
// stays valid C99 and C++.
//
//===----------------------------------------------------------------------===//

#include "compiler/Target/HeaderEmission.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

namespace seqc {

static std::string describe(const TensorSignature &t) {
  std::string text = t.dtype + " [";
  text += llvm::join(t.dims, ", ");
  return text + "]";
}

/// The distinct names of dynamic state dimensions, in order of appearance:
/// the extents a stream is created with.
static std::vector<std::string> stateDimNames(const ModelSignature &step) {
  std::vector<std::string> names;
  for (const TensorSignature &t : step.states)
    for (const std::string &d : t.dims)
      if (!d.empty() && !llvm::isDigit(d.front()) && d != "?" &&
          !llvm::is_contained(names, d))
        names.push_back(d);
  return names;
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
      // The wrappers' own parameters.
      "model", "state", "err", "weights", "dims"};
  // seqc_ names belong to the runtime and the wrappers' locals.
  if (keywords.contains(name) || name.starts_with("seqc_") ||
      name.starts_with("__") ||
      (name.size() > 1 && name[0] == '_' && llvm::isUpper(name[1])))
    return name.str() + "_";
  return name.str();
}

/// `<name>_<verb>(handle, inputs..., outputs..., err)` over a generic
/// runtime call taking input and output arrays.
static void emitRunWrapper(llvm::raw_ostream &os, const std::string &function,
                           const std::string &handle,
                           const ModelSignature &sig,
                           const std::string &runtimeCall) {
  os << "static inline seqc_status " << function << "(" << handle;
  for (const TensorSignature &t : sig.inputs)
    os << ",\n    const seqc_tensor *" << cParameterName(t.name);
  for (const TensorSignature &t : sig.outputs)
    os << ",\n    seqc_tensor *" << cParameterName(t.name);
  os << ",\n    seqc_error *err) {\n";
  // A NULL descriptor is the caller's error, reported before anything is
  // read through it.
  auto nullCheck = [&](const TensorSignature &t, const char *role) {
    os << "  if (!" << cParameterName(t.name)
       << ")\n    return seqc_rt_set_error(err, SEQC_ERR_INVALID_ARGUMENT, \""
       << function << ": " << role << " '" << t.name << "' is NULL\");\n";
  };
  for (const TensorSignature &t : sig.inputs)
    nullCheck(t, "input");
  for (const TensorSignature &t : sig.outputs)
    nullCheck(t, "output");
  if (sig.inputs.empty())
    os << "  const seqc_tensor *seqc_in = 0;\n";
  else {
    os << "  const seqc_tensor seqc_in[" << sig.inputs.size() << "] = {";
    for (size_t i = 0; i < sig.inputs.size(); ++i)
      os << (i ? ", " : "") << "*" << cParameterName(sig.inputs[i].name);
    os << "};\n";
  }
  os << "  seqc_tensor seqc_out[" << sig.outputs.size() << "];\n";
  os << "  seqc_status seqc_rc;\n";
  for (size_t i = 0; i < sig.outputs.size(); ++i)
    os << "  seqc_out[" << i << "] = *" << cParameterName(sig.outputs[i].name)
       << ";\n";
  os << "  seqc_rc = " << runtimeCall << ", seqc_in, " << sig.inputs.size()
     << ", seqc_out, " << sig.outputs.size() << ", err);\n";
  for (size_t i = 0; i < sig.outputs.size(); ++i)
    os << "  *" << cParameterName(sig.outputs[i].name) << " = seqc_out[" << i
       << "];\n";
  os << "  return seqc_rc;\n}\n\n";
}

std::string emitHeader(const ModelSignature &sig, const ModelSignature *step,
                       llvm::StringRef source) {
  std::string text;
  llvm::raw_string_ostream os(text);
  std::string guard = "SEQC_MODEL_" + llvm::StringRef(sig.name).upper() + "_H";
  const std::string &n = sig.name;

  os << "/* " << n << ".h - generated by seqc from "
     << llvm::sys::path::filename(source) << ". Do not edit.\n"
     << " *\n"
     << " * Inputs:\n";
  for (const TensorSignature &t : sig.inputs)
    os << " *   " << t.name << ": " << describe(t) << "\n";
  os << " * Outputs:\n";
  for (const TensorSignature &t : sig.outputs)
    os << " *   " << t.name << ": " << describe(t) << "\n";
  if (!sig.weights.empty())
    os << " * Weights: " << sig.weights.size()
       << " tensor(s) in an external safetensors file\n";
  os << " *\n"
     << " * Named dimensions (T, B, ...) are dynamic and must agree across the\n"
     << " * tensors that name them; '?' is dynamic and unconstrained. Outputs\n"
     << " * with data == NULL receive a new buffer (release it with\n"
     << " * seqc_rt_tensor_free); others must have the produced shape.\n"
     << " * One " << n << " handle may run on many threads at once.\n"
     << " */\n"
     << "#ifndef " << guard << "\n#define " << guard << "\n\n"
     << "#include <seqc/model.h>\n"
     << (step ? "#include <seqc/stream.h>\n" : "") << "\n"
     << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n"
     << "/* The self-describing entry: names, dtypes and shapes of every\n"
     << " * tensor, for generic tools. */\n"
     << "const seqc_model_api *" << n << "_api(void);\n\n"
     ;
  bool external = !sig.weights.empty();
  if (external)
    os << "/* The weights live in a safetensors file (seqc --external-weights)\n"
       << " * that create memory-maps and checks; it must stay in place while\n"
       << " * the model is open. */\n"
       << "static inline seqc_status " << n
       << "_create(const char *weights, seqc_model **model,\n"
       << "    seqc_error *err) {\n"
       << "  return seqc_rt_model_open_weights(" << n
       << "_api(), weights, model, err);\n}\n\n";
  else
    os << "static inline seqc_status " << n
       << "_create(seqc_model **model, seqc_error *err) {\n"
       << "  return seqc_rt_model_open(" << n << "_api(), model, err);\n}\n\n";
  os
     << "static inline void " << n << "_destroy(seqc_model *model) {\n"
     << "  seqc_rt_model_close(model);\n}\n\n";

  emitRunWrapper(os, n + "_run", "const seqc_model *model", sig,
                 "seqc_rt_model_run(model");

  if (step) {
    std::vector<std::string> dims = stateDimNames(*step);
    os << "/* Streaming. The model is causal: feeding it a sequence in chunks\n"
       << " * (of one or more steps) through " << n << "_step gives the\n"
       << " * same outputs as one " << n << "_run over the whole sequence.\n"
       << " * A state starts at zero: a fresh stream, which starts from the\n"
       << " * model's own initial values. It belongs to one stream and one\n"
       << " * thread at a time. State tensors:\n";
    for (const TensorSignature &t : step->states)
      os << " *   " << t.name << ": " << describe(t) << "\n";
    os << " */\n"
       << "const seqc_model_api *" << n << "_step_api(void);\n\n"
       << "static inline seqc_status " << n << "_state_create(";
    if (external)
      os << "const char *weights, ";
    for (const std::string &d : dims)
      os << "int64_t " << cParameterName(d) << ", ";
    os << "seqc_stream **state,\n    seqc_error *err) {\n";
    std::string open = external ? "seqc_rt_stream_open_weights(" + n +
                                      "_step_api(), weights, "
                                : "seqc_rt_stream_open(" + n + "_step_api(), ";
    if (dims.empty()) {
      os << "  return " << open << "0, 0, state, err);\n}\n\n";
    } else {
      os << "  const seqc_dim_binding dims[" << dims.size() << "] = {";
      for (size_t i = 0; i < dims.size(); ++i)
        os << (i ? ", " : "") << "{\"" << dims[i] << "\", "
           << cParameterName(dims[i]) << "}";
      os << "};\n  return " << open << "dims, " << dims.size()
         << ", state, err);\n}\n\n";
    }
    os << "static inline seqc_status " << n
       << "_state_reset(seqc_stream *state) {\n"
       << "  return seqc_rt_stream_reset(state);\n}\n\n"
       << "static inline void " << n
       << "_state_destroy(seqc_stream *state) {\n"
       << "  seqc_rt_stream_close(state);\n}\n\n";
    emitRunWrapper(os, n + "_step", "seqc_stream *state", *step,
                   "seqc_rt_stream_step(state");
  }

  os << "#ifdef __cplusplus\n} /* extern \"C\" */\n#endif\n\n"
     << "#endif /* " << guard << " */\n";
  return text;
}

mlir::FailureOr<std::string> emitHeader(mlir::ModuleOp module,
                                        llvm::StringRef source) {
  mlir::FailureOr<ModelAbi> abi = readModelAbi(module);
  if (mlir::failed(abi))
    return mlir::failure();
  return emitHeader(abi->forward.signature,
                    abi->step ? &abi->step->signature : nullptr, source);
}

} // namespace seqc
