//===- LoadModel.cpp - a compiled model's library, opened -----------------===//

#include "tools/tooling/LoadModel.h"

#include "tools/tooling/CompileModel.h"
#include "tools/tooling/Files.h"
#include "tools/tooling/Messages.h"

#include "seqc/cuda.h"

#include <cerrno>
#include <cstring>

#include <dlfcn.h>
#include <elf.h>
#include <sys/stat.h>
#include <unistd.h>

// A model loaded at run time may have been compiled with --target=cuda:
// the tools link the runtime's CUDA loader, which the runtime's own model
// code references only weakly (runtime/src/model_internal.h).
__attribute__((used)) static seqc_status (*const kCudaLoader)(
    int, seqc_cuda **, seqc_error *) = &seqc_rt_cuda_open;

#include <fstream>

namespace seqc::tooling {

LoadedModel::~LoadedModel() {
  seqc_rt_model_close(model);
  seqc_rt_thread_pool_destroy(pool);
  if (handle)
    dlclose(handle);
}

/// Whether every segment dlopen maps lies inside the file: glibc maps a
/// truncated library's segments past the end of the file, and the first
/// touch of them is a SIGBUS instead of an error. Files that are not 64-bit
/// ELF are left to dlopen's own message.
static bool segmentsInsideFile(const std::string &path, std::string &why) {
  struct stat info;
  std::ifstream in(path, std::ios::binary);
  Elf64_Ehdr header;
  if (stat(path.c_str(), &info) != 0 || !in ||
      !in.read(reinterpret_cast<char *>(&header), sizeof(header)) ||
      std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0 ||
      header.e_ident[EI_CLASS] != ELFCLASS64)
    return true;
  const uint64_t size = static_cast<uint64_t>(info.st_size);
  if (header.e_phentsize != sizeof(Elf64_Phdr) || header.e_phoff > size ||
      header.e_phnum > (size - header.e_phoff) / sizeof(Elf64_Phdr)) {
    why = "its program headers lie past the end of the file (" +
          std::to_string(size) + " bytes): is it truncated?";
    return false;
  }
  in.seekg(static_cast<std::streamoff>(header.e_phoff));
  for (unsigned i = 0; i < header.e_phnum; ++i) {
    Elf64_Phdr segment;
    if (!in.read(reinterpret_cast<char *>(&segment), sizeof(segment)))
      return true;
    if (segment.p_type == PT_LOAD &&
        (segment.p_offset > size ||
         segment.p_filesz > size - segment.p_offset)) {
      why = "its segment " + std::to_string(i) + " ends at byte " +
            std::to_string(segment.p_offset + segment.p_filesz) +
            ", past the end of the file (" + std::to_string(size) +
            " bytes): is it truncated?";
      return false;
    }
  }
  return true;
}

bool loadModel(const LoadOptions &options, LoadedModel &loaded) {
  std::string library = options.model;
  TempDir tmp;
  // Whether seqc compiled options.weights into the library.
  bool compiledWeights = false;
  if (access(options.model.c_str(), R_OK) != 0) {
    printError("cannot read model '%s': %s", options.model.c_str(),
               std::strerror(errno));
    return false;
  }
  if (!isSharedLibrary(options.model)) {
    if (!endsWith(options.model, ".mlir") && !endsWith(options.model, ".seq") &&
        !endsWith(options.model, ".onnx")) {
      printError("'%s' is neither a compiled model (.so) nor a model file "
                 "(.mlir, .seq, .onnx)",
                 options.model.c_str());
      return false;
    }
    if (!tmp.create()) {
      printError("cannot create a temporary directory: %s",
                 std::strerror(errno));
      return false;
    }
    // A model file's --weights are the ones seqc compiles in (a .seq's
    // safetensors), not an --external-weights file to open it with.
    if (!compileModel(options.model, options.weights, tmp, library))
      return false;
    compiledWeights = !options.weights.empty();
  }
  // dlopen searches the library path for a name without a slash.
  if (library.find('/') == std::string::npos)
    library = "./" + library;
  if (std::string why; !segmentsInsideFile(library, why)) {
    printError("cannot load model '%s': %s", options.model.c_str(),
               why.c_str());
    return false;
  }
  loaded.handle = dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
  tmp.remove(); // the mapping outlives the file
  if (!loaded.handle) {
    const char *why = dlerror();
    printError("cannot load model '%s': %s", options.model.c_str(),
               why ? why : "unknown dlopen error");
    return false;
  }
  dlerror();
  void *sym = dlsym(loaded.handle, options.symbol.c_str());
  if (!sym) {
    // A model file (not a .so) can say why it has no step: its header; a
    // shared library says it in seqc_default_model_no_step_reason.
    std::string whyNoStep;
    if (options.symbol == kDefaultStepSymbol && !isSharedLibrary(options.model))
      whyNoStep = noStepReason(options.model, options.weights);
    else if (options.symbol == kDefaultStepSymbol)
      if (auto *text = static_cast<const char *>(
              dlsym(loaded.handle, "seqc_default_model_no_step_reason")))
        whyNoStep = std::string(text) + "."; // as the header ends it
    if (options.symbol == kDefaultSymbol)
      printError("'%s' has no symbol '%s': is it a model built with 'seqc "
                 "--emit=shared'? (--symbol NAME_api picks another entry)",
                 options.model.c_str(), options.symbol.c_str());
    else if (!whyNoStep.empty())
      printError("'%s' has no step api to stream: %s", options.model.c_str(),
                 whyNoStep.c_str());
    else if (options.symbol == kDefaultStepSymbol)
      printError("'%s' has no symbol '%s': only a causal model has a step "
                 "api to stream (the header of 'seqc MODEL --emit=header' "
                 "says why this one has none; --symbol NAME_step_api picks "
                 "another entry)",
                 options.model.c_str(), options.symbol.c_str());
    else
      printError("'%s' has no symbol '%s'", options.model.c_str(),
                 options.symbol.c_str());
    return false;
  }
  using Getter = const seqc_model_api *(*)();
  Getter getter;
  static_assert(sizeof(getter) == sizeof(sym), "function pointer size");
  std::memcpy(&getter, &sym, sizeof(getter));
  const seqc_model_api *api = loaded.api = getter();
  if (!api) {
    printError("'%s' in '%s' returned no model", options.symbol.c_str(),
               options.model.c_str());
    return false;
  }
  seqc_error err{};
  if (!compiledWeights)
    loaded.weights = options.weights;
  seqc_status opened =
      loaded.weights.empty()
          ? seqc_rt_model_open(api, &loaded.model, &err)
          : seqc_rt_model_open_weights(api, loaded.weights.c_str(),
                                       &loaded.model, &err);
  if (opened != SEQC_OK) {
    // A `weight` line of the signature (seqc/model.h): the model was
    // compiled with --external-weights.
    std::string signature = api->signature ? api->signature : "";
    bool external = signature.rfind("weight ", 0) == 0 ||
                    signature.find("\nweight ") != std::string::npos;
    // The runtime's message names the C API; say what to do here.
    const char *hint = "";
    if (external && options.weights.empty())
      hint = " (pass the safetensors file seqc wrote beside it with "
             "--weights FILE)";
    else if (!external && !options.weights.empty())
      hint = " (drop --weights: seqc compiled its weights in, which it does "
             "unless given --external-weights)";
    printError("cannot open model '%s': %s%s", options.model.c_str(),
               err.message, hint);
    return false;
  }
  if (options.threads > 1) {
    if (seqc_rt_thread_pool_create(static_cast<int>(options.threads),
                                   &loaded.pool, &err) != SEQC_OK) {
      printError("--threads %ld: %s", options.threads, err.message);
      return false;
    }
    seqc_rt_model_set_thread_pool(loaded.model, loaded.pool);
  }
  if (options.streaming && seqc_rt_model_num_states(loaded.model) == 0) {
    printError("'%s' in '%s' is not a step api (it has no states), so it "
               "cannot be streamed: pass a causal model's NAME_step_api to "
               "--symbol, or drop --stream-chunk",
               options.symbol.c_str(), options.model.c_str());
    return false;
  }
  if (!options.streaming && seqc_rt_model_num_states(loaded.model) > 0) {
    printError("'%s' in '%s' is a step api (it has states): stream it with "
               "--stream-chunk N, or pass NAME_api to --symbol",
               options.symbol.c_str(), options.model.c_str());
    return false;
  }
  return true;
}

} // namespace seqc::tooling
