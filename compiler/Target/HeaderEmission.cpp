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

/// `text` in comment lines of at most 76 columns, wrapped at word
/// boundaries: the first line starts with `first`, the others with `rest`;
/// no newline after the last. A "*/" in it (a node name) would end the
/// comment: it is written "* /".
static void writeWrapped(llvm::raw_ostream &os, llvm::StringRef text,
                         llvm::StringRef first, llvm::StringRef rest) {
  std::string safe = text.str();
  for (size_t at = safe.find("*/"); at != std::string::npos;
       at = safe.find("*/", at))
    safe.insert(at + 1, " ");
  llvm::SmallVector<llvm::StringRef> words;
  llvm::StringRef(safe).split(words, ' ', -1, /*KeepEmpty=*/false);
  std::string line = first.str();
  bool empty = true;
  for (llvm::StringRef word : words) {
    if (line.size() + 1 + word.size() > 76 && !empty) {
      os << line << "\n";
      line = rest.str();
    }
    line += " " + word.str();
    empty = false;
  }
  os << line;
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
  // Declarations first: an application built with
  // -Wdeclaration-after-statement includes this header too.
  if (sig.inputs.empty())
    os << "  const seqc_tensor *seqc_in = 0;\n";
  else
    os << "  seqc_tensor seqc_in[" << sig.inputs.size() << "];\n";
  os << "  seqc_tensor seqc_out[" << sig.outputs.size() << "];\n";
  os << "  seqc_status seqc_rc;\n";
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
  for (size_t i = 0; i < sig.inputs.size(); ++i)
    os << "  seqc_in[" << i << "] = *" << cParameterName(sig.inputs[i].name)
       << ";\n";
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

/// The header's word on d0, d1, ...: the names seqc gives run-time sizes
/// of outputs that no input has (NameTiedDims), one per set of sizes it
/// knows equal (a decode step's present keys and values of one layer);
/// "" when no output has one.
static std::string computedSizesNote(const ModelSignature &sig) {
  llvm::StringSet<> inputNames;
  for (const TensorSignature &t : sig.inputs)
    for (const std::string &d : t.dims)
      inputNames.insert(d);
  auto generated = [&](const std::string &d) {
    return d.size() > 1 && d[0] == 'd' &&
           llvm::all_of(llvm::StringRef(d).drop_front(),
                        [](char c) { return llvm::isDigit(c); }) &&
           !inputNames.contains(d);
  };
  for (const TensorSignature &t : sig.outputs)
    if (llvm::any_of(t.dims, generated))
      return " * d0, d1, ... are sizes the model computes, no input's: the\n"
             " * outputs of one such name have one size; two names may still\n"
             " * be equal on a run (seqc could not prove it).\n";
  return "";
}

std::string emitHeader(const ModelSignature &sig, const ModelSignature *step,
                       llvm::StringRef source, llvm::StringRef noStepReason) {
  std::string text;
  llvm::raw_string_ostream os(text);
  // The name as it is: C names are case-sensitive, so models `conv` and
  // `Conv` are two headers (an upper-cased guard made the second skip).
  std::string guard = "SEQC_MODEL_" + sig.name + "_H";
  const std::string &n = sig.name;

  // The model's name, not the file's: -o picks the file name.
  os << "/* The C API of model '" << n << "', generated by seqc from "
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
     << " * Named dimensions (T, B, ...) are dynamic and must agree across "
        "the\n"
     << " * tensors that name them; '?' is dynamic and unconstrained. Outputs\n"
     << " * with data == NULL receive a new buffer (release it with\n"
     << " * seqc_rt_tensor_free); others must have the produced shape.\n"
     << computedSizesNote(sig) << " * One " << n
     << " handle may run on many threads at once.\n"
     << " */\n"
     << "#ifndef " << guard << "\n#define " << guard << "\n\n"
     << "#include <seqc/model.h>\n"
     << (step ? "#include <seqc/stream.h>\n" : "") << "\n"
     << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n"
     << "/* The self-describing entry: names, dtypes and shapes of every\n"
     << " * tensor, for generic tools. */\n"
     << "const seqc_model_api *" << n << "_api(void);\n\n";
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
       << " * (of any number of steps) through " << n << "_step gives the\n"
       << " * same outputs as one " << n << "_run over the whole sequence.\n";
    if (!step->streamDim.empty()) {
      os << " * A chunk is the inputs' steps along their dimension "
         << step->streamDim << ".\n";
      // (A decoder's memory, read by cross-attention in every chunk.)
      std::string whole;
      std::vector<std::string> chunkedNames, fixedNames;
      for (const TensorSignature &t : step->inputs)
        if (llvm::is_contained(t.dims, step->streamDim))
          chunkedNames.insert(chunkedNames.end(), t.dims.begin(), t.dims.end());
      // States the first chunk computes from them (seq-create-step-
      // function's docs say so): their extents (memory's S) are bound.
      std::vector<std::string> keptNames;
      for (const TensorSignature &t : step->states)
        if (llvm::StringRef(t.doc).starts_with("computed from "))
          keptNames.insert(keptNames.end(), t.dims.begin(), t.dims.end());
      for (const TensorSignature &t : step->inputs) {
        if (llvm::is_contained(t.dims, step->streamDim))
          continue;
        whole += (whole.empty() ? "" : ", ") + t.name;
        for (const std::string &d : t.dims)
          if (llvm::is_contained(keptNames, d) &&
              !llvm::is_contained(chunkedNames, d) &&
              !llvm::is_contained(fixedNames, d))
            fixedNames.push_back(d);
      }
      if (!whole.empty()) {
        std::string text = "Inputs without it (" + whole +
                           ") are given whole to every chunk: a stream gives "
                           "a run's numbers when every chunk gets the same "
                           "ones.";
        if (!fixedNames.empty())
          text += " Their projections (what the model computes from them "
                  "with weights) are computed by the first chunk and kept "
                  "in the states, which later chunks read instead: " +
                  llvm::join(fixedNames, ", ") +
                  " is fixed when the stream opens.";
        writeWrapped(os, text, " *", " *");
        os << "\n";
      }
    }
    os << " * A fresh (or reset) stream starts from the model's own initial\n"
       << " * values, as a run does: its states are zero, and an initial\n"
       << " * state the model takes as an input (an h0) or has learned is\n"
       << " * read in the first step instead (later steps ignore the input).\n"
       << " * A chunk of 0 steps gives empty outputs and leaves the state as\n"
       << " * it was, except in a model with a causal convolution or one\n"
       << " * that reads the last step (y[:, -1]), which refuses it\n"
       << " * (SEQC_ERR_SHAPE). A state belongs to one stream and one\n"
       << " * thread at a time. State tensors (seqc_rt_stream_state):\n";
    for (const TensorSignature &t : step->states) {
      os << " *   " << t.name << ": " << describe(t);
      if (!t.doc.empty()) {
        os << "\n";
        writeWrapped(os, t.doc, " *    ", " *    ");
      }
      os << "\n";
    }
    if (llvm::is_contained(dims, "capacity"))
      os << " * capacity (a " << n << "_state_create argument) is the steps\n"
         << " * a key/value cache holds: a chunk that would take the stream\n"
         << " * past it fails with SEQC_ERR_SHAPE, the state left as it was\n"
         << " * (a sliding window's cache is a ring that must hold the chunk\n"
         << " * and the window's earlier steps).\n";
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

  if (!step && !noStepReason.empty()) {
    writeWrapped(os,
                 "No streaming API (" + n +
                     "_step): seqc derives one for a causal model, and "
                     "not here: " +
                     noStepReason.str() + ".",
                 "/*", " *");
    os << " */\n\n";
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
                    abi->step ? &abi->step->signature : nullptr, source,
                    abi->noStepReason);
}

} // namespace seqc
