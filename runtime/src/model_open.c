//===- model_open.c - Parse a model's signature and bind its weights ------===//
//
// The signature is parsed once at open into seqc_tensor_info records plus a
// small table of dimension names; external weights are memory-mapped and
// checked against it. Everything a run needs is ready after open.
//
//===----------------------------------------------------------------------===//

#include "model_internal.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Longest line excerpt quoted in a signature error.
#define MAX_QUOTED_LINE 96
// "[" + 8 * (20 digits + ",") + "]" + NUL, with room to spare.
#define SHAPE_TEXT_SIZE 192

static int is_ident_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

static int is_ident(const char *begin, const char *end) {
  if (begin == end || !is_ident_start(*begin))
    return 0;
  for (const char *p = begin + 1; p != end; ++p)
    if (!is_ident_start(*p) && !is_digit(*p))
      return 0;
  return 1;
}

static int token_is(const char *begin, const char *end, const char *word) {
  size_t n = strlen(word);
  return (size_t)(end - begin) == n && memcmp(begin, word, n) == 0;
}

static int32_t parse_dtype(const char *begin, const char *end) {
#define SEQC_DTYPE_PARSE(name, number, word, bytes, ctype)                     \
  if (token_is(begin, end, word))                                              \
    return SEQC_DTYPE_##name;
  SEQC_DTYPE_LIST(SEQC_DTYPE_PARSE)
#undef SEQC_DTYPE_PARSE
  return 0;
}

// Everything the error reporter needs to name the offending line.
typedef struct parse_state {
  const char *model_name;
  const char *line_begin; // in the caller's (unmodified) signature
  const char *line_end;
  size_t line;
  seqc_error *err;
} parse_state;

static seqc_status line_error(const parse_state *ps, const char *what) {
  int len = (int)(ps->line_end - ps->line_begin);
  const char *ellipsis = "";
  if (len > MAX_QUOTED_LINE) {
    len = MAX_QUOTED_LINE;
    ellipsis = "...";
  }
  return seqc_rt_set_error(
      ps->err, SEQC_ERR_FORMAT, "model '%s': signature line %zu \"%.*s%s\": %s",
      ps->model_name, ps->line, len, ps->line_begin, ellipsis, what);
}

// Like line_error, with a printf-formatted reason.
#define LINE_ERROR(ps, ...)                                                    \
  do {                                                                         \
    char what_[256];                                                           \
    snprintf(what_, sizeof(what_), __VA_ARGS__);                               \
    return line_error((ps), what_);                                            \
  } while (0)

// Returns the index of dimension name [begin, end) in the model's table,
// adding it if new; -1 when the table is full.
static int dim_name_id(seqc_model *m, const char *name) {
  for (size_t i = 0; i < m->num_dim_names; ++i)
    if (strcmp(m->dim_names[i], name) == 0)
      return (int)i;
  if (m->num_dim_names == SEQC_RT_MODEL_MAX_DIM_NAMES)
    return -1;
  m->dim_names[m->num_dim_names] = name;
  return (int)m->num_dim_names++;
}

// Parses one line at `text + offset` (the in-place copy) whose original is
// ps->line_begin..ps->line_end, into *t. `role` receives ROLE_*.
enum { ROLE_INPUT, ROLE_WEIGHT, ROLE_STATE, ROLE_OUTPUT, NUM_ROLES };
static const char *const kRoleNames[] = {"input", "weight", "state", "output"};
static const char *const kRoleArticles[] = {"an input", "a weight", "a state",
                                            "an output"};

static seqc_status parse_line(seqc_model *m, parse_state *ps, char *line,
                              model_tensor *t, int *role) {
  char *const end = line + (ps->line_end - ps->line_begin);
  char *p = line;
  memset(t, 0, sizeof(*t));
  t->line = ps->line;

  if (p == end)
    return line_error(ps, "empty line");
  // Role.
  char *space = memchr(p, ' ', (size_t)(end - p));
  if (space && token_is(p, space, "in"))
    *role = ROLE_INPUT;
  else if (space && token_is(p, space, "weight"))
    *role = ROLE_WEIGHT;
  else if (space && token_is(p, space, "state"))
    *role = ROLE_STATE;
  else if (space && token_is(p, space, "out"))
    *role = ROLE_OUTPUT;
  else
    return line_error(ps, "expected 'in', 'weight', 'state' or 'out', a "
                          "space, then 'NAME DTYPE [DIMS]'");
  p = space + 1;

  // Name.
  space = memchr(p, ' ', (size_t)(end - p));
  if (!space)
    return line_error(ps, "expected 'NAME DTYPE [DIMS]' after the role");
  if (!is_ident(p, space))
    LINE_ERROR(ps, "tensor name '%.*s' is not an identifier", (int)(space - p),
               p);
  *space = '\0';
  t->info.name = p;
  p = space + 1;

  // Dtype.
  space = memchr(p, ' ', (size_t)(end - p));
  if (!space)
    return line_error(ps, "expected 'DTYPE [DIMS]' after the name");
  t->info.dtype = parse_dtype(p, space);
  if (t->info.dtype == 0)
    LINE_ERROR(ps,
               "unknown dtype '%.*s' (expected f32, f16, bf16, f64, i8, i32, "
               "i64, bool or u8)",
               (int)(space - p), p);
  p = space + 1;

  // Dimensions: the rest of the line is exactly "[...]".
  if (p == end || *p != '[' || end[-1] != ']' || end - p < 2)
    LINE_ERROR(ps,
               "expected the dimensions as '[d0,d1,...]' after the dtype, "
               "found '%.*s'",
               (int)(end - p), p);
  char *dims_end = end - 1;
  p += 1;
  int rank = 0;
  int has_names = 0;
  if (p != dims_end) {
    for (;;) {
      char *comma = memchr(p, ',', (size_t)(dims_end - p));
      char *dim_end = comma ? comma : dims_end;
      if (rank == SEQC_MAX_RANK)
        LINE_ERROR(ps, "more than %d dimensions", SEQC_MAX_RANK);
      if (p == dim_end)
        LINE_ERROR(ps, "dimension %d is empty", rank);
      t->dim_ids[rank] = -1;
      if (is_digit(*p)) {
        int64_t size = 0;
        for (const char *q = p; q != dim_end; ++q) {
          if (!is_digit(*q))
            LINE_ERROR(ps, "dimension %d '%.*s' is not a size, a name or '?'",
                       rank, (int)(dim_end - p), p);
          if (size > (INT64_MAX - (*q - '0')) / 10)
            LINE_ERROR(ps, "dimension %d size '%.*s' is too large", rank,
                       (int)(dim_end - p), p);
          size = size * 10 + (*q - '0');
        }
        t->shape[rank] = size;
      } else if (*role == ROLE_WEIGHT) {
        // Weights are checked against the file's shapes at open.
        LINE_ERROR(ps,
                   "weight dimension %d is '%.*s'; a weight's dimensions must "
                   "be sizes",
                   rank, (int)(dim_end - p), p);
      } else if (dim_end - p == 1 && *p == '?') {
        // A stream must know every state extent when it opens.
        if (*role == ROLE_STATE)
          LINE_ERROR(ps,
                     "state dimension %d is '?'; a state's dynamic "
                     "dimensions must be named",
                     rank);
        t->shape[rank] = SEQC_DIM_DYNAMIC;
      } else if (is_ident(p, dim_end)) {
        *dim_end = '\0'; // ',' or ']' in the copy
        int id = dim_name_id(m, p);
        if (id < 0)
          LINE_ERROR(ps, "more than %d distinct dimension names",
                     SEQC_RT_MODEL_MAX_DIM_NAMES);
        t->shape[rank] = SEQC_DIM_DYNAMIC;
        t->dim_names[rank] = m->dim_names[id];
        t->dim_ids[rank] = (int16_t)id;
        has_names = 1;
      } else {
        LINE_ERROR(ps, "dimension %d '%.*s' is not a size, a name or '?'", rank,
                   (int)(dim_end - p), p);
      }
      ++rank;
      if (!comma)
        break;
      p = comma + 1;
    }
  }
  t->info.rank = rank;
  t->info.shape = t->shape;
  t->info.dim_names = has_names ? t->dim_names : NULL;
  return SEQC_OK;
}


static seqc_status bind_weights(seqc_model *m, const char *path,
                                seqc_error *err);
static seqc_status stage_weights(seqc_model *m, seqc_error *err);
static seqc_status describe_weights(seqc_model *m, seqc_error *err);

seqc_status seqc_rt_model_open(const seqc_model_api *api, seqc_model **out,
                               seqc_error *err) {
  return seqc_model_open(api, NULL, "seqc_rt_model_open", out, err);
}

seqc_status seqc_rt_model_open_weights(const seqc_model_api *api,
                                       const char *weights_path,
                                       seqc_model **out, seqc_error *err) {
  if (out)
    *out = NULL;
  if (!weights_path)
    return seqc_rt_set_error(err, SEQC_ERR_INVALID_ARGUMENT,
                             "seqc_rt_model_open_weights: weights_path must "
                             "not be NULL");
  return seqc_model_open(api, weights_path, "seqc_rt_model_open", out, err);
}

static void *managed_alloc(void *cuda, size_t alignment, size_t size) {
  return alignment <= 256 ? seqc_rt_cuda_alloc(cuda, size) : NULL;
}

static void managed_free(void *cuda, void *block) {
  seqc_rt_cuda_free(cuda, block);
}

/* A CUDA model's GPU (device SEQC_CUDA_DEVICE, default 0) and its cache of
 * managed blocks. */
static seqc_status open_gpu(seqc_model *m, seqc_error *err) {
  const char *name = m->api->name;
  const char *env = getenv("SEQC_CUDA_DEVICE");
  int device = 0;
  if (env && *env) {
    char *end;
    long parsed = strtol(env, &end, 10);
    if (*end || parsed < 0 || parsed > INT32_MAX)
      return seqc_rt_set_error(err, SEQC_ERR_INVALID_ARGUMENT,
                               "SEQC_CUDA_DEVICE='%s' is not a device number",
                               env);
    device = (int)parsed;
  }
  if (!seqc_rt_cuda_open)
    return seqc_rt_set_error(
        err, SEQC_ERR_INVALID_ARGUMENT,
        "model '%s' was compiled with --target=cuda, but this program was "
        "linked without the runtime's CUDA loader (a model object compiled "
        "with --target=cuda links it from libseqc_runtime.a; a model loaded "
        "at run time needs the program to link it: reference "
        "seqc_rt_cuda_open, or use libseqc_runtime.so)",
        name);
  seqc_error why;
  seqc_rt_clear_error(&why);
  seqc_status status = seqc_rt_cuda_open(device, &m->cuda, &why);
  if (status != SEQC_OK)
    return seqc_rt_set_error(err, status,
                             "model '%s' was compiled with --target=cuda and "
                             "needs an NVIDIA GPU: %s",
                             name, why.message);
  buffer_source managed = {managed_alloc, managed_free, m->cuda};
  m->buffers = seqc_buffer_cache_create_with_source(&managed);
  return m->buffers ? SEQC_OK
                    : seqc_rt_set_error(err, SEQC_ERR_OUT_OF_MEMORY,
                                        "out of memory");
}

static const char *cpu_level_name(unsigned level) {
  return seqc_rt_cpu_level_name(level > 15 ? -1 : (int)level);
}

/* Code for an x86-64 level this CPU lacks would stop at its first such
 * instruction (SIGILL); refuse it here instead. */
static seqc_status check_cpu_level(const seqc_model_api *api, const char *name,
                                   seqc_error *err) {
  unsigned needed = (api->flags & SEQC_MODEL_FLAG_CPU_LEVEL_MASK) >>
                    SEQC_MODEL_FLAG_CPU_LEVEL_SHIFT;
  if (needed == 0)
    return SEQC_OK;
  int level = seqc_rt_cpu_level();
  const char *cap = getenv("SEQC_MAX_CPU_LEVEL");
  if (level < 0)
    return seqc_rt_set_error(err, SEQC_ERR_INVALID_ARGUMENT,
                             "SEQC_MAX_CPU_LEVEL='%s' is not a level 1-4",
                             cap);
  if ((unsigned)level >= needed)
    return SEQC_OK;
  int detected = seqc_cpu_detected_level();
  if (detected == 0)
    return seqc_rt_set_error(err, SEQC_ERR_UNSUPPORTED,
                             "model '%s' was compiled for %s, and this CPU "
                             "is not x86-64",
                             name, cpu_level_name(needed));
  if ((unsigned)detected >= needed)
    return seqc_rt_set_error(
        err, SEQC_ERR_UNSUPPORTED,
        "model '%s' was compiled for %s, but SEQC_MAX_CPU_LEVEL=%s allows at "
        "most %s (this CPU runs %s)",
        name, cpu_level_name(needed), cap, cpu_level_name((unsigned)level),
        cpu_level_name((unsigned)detected));
  return seqc_rt_set_error(
      err, SEQC_ERR_UNSUPPORTED,
      "model '%s' was compiled for %s, but this CPU runs %s; recompile it "
      "with seqc's default --mcpu (a version per x86-64 level, picked at run "
      "time) or --mcpu=%s",
      name, cpu_level_name(needed), cpu_level_name((unsigned)detected),
      cpu_level_name((unsigned)detected));
}

seqc_status seqc_model_open(const seqc_model_api *api, const char *weights_path,
                            const char *caller, seqc_model **out,
                            seqc_error *err) {
  if (out)
    *out = NULL;
  if (!api || !out)
    return seqc_rt_set_error(err, SEQC_ERR_INVALID_ARGUMENT,
                             "%s%s: api and out must not be NULL", caller,
                             weights_path ? "_weights" : "");
  const char *name = api->name ? api->name : "(unnamed)";
  if (api->abi_version != SEQC_ABI_VERSION)
    return seqc_rt_set_error(
        err, SEQC_ERR_UNSUPPORTED,
        "model '%s' was compiled for seqc ABI version %u, but this runtime "
        "implements ABI version %d; recompile the model with a matching seqc",
        name, api->abi_version, SEQC_ABI_VERSION);
  if (api->flags & ~(SEQC_MODEL_FLAG_CUDA | SEQC_MODEL_FLAG_CPU_LEVEL_MASK))
    return seqc_rt_set_error(err, SEQC_ERR_UNSUPPORTED,
                             "model '%s': api flags 0x%x has bits this "
                             "runtime does not know",
                             name, api->flags);
  seqc_status cpu_status = check_cpu_level(api, name, err);
  if (cpu_status != SEQC_OK)
    return cpu_status;
  if (!api->name || !is_ident(api->name, api->name + strlen(api->name)))
    return seqc_rt_set_error(
        err, SEQC_ERR_FORMAT, "model name %s%s%s is not an identifier",
        api->name ? "'" : "", api->name ? api->name : "(NULL)",
        api->name ? "'" : "");
  if (!api->invoke)
    return seqc_rt_set_error(err, SEQC_ERR_INVALID_ARGUMENT,
                             "model '%s' has no invoke function", name);
  if (!api->signature)
    return seqc_rt_set_error(err, SEQC_ERR_FORMAT,
                             "model '%s' has no signature", name);
  if (api->num_outputs == 0)
    return seqc_rt_set_error(err, SEQC_ERR_FORMAT,
                             "model '%s' declares no outputs", name);
  if (api->num_inputs > SEQC_RT_MODEL_MAX_INPUTS ||
      api->num_outputs > SEQC_RT_MODEL_MAX_OUTPUTS)
    return seqc_rt_set_error(
        err, SEQC_ERR_UNSUPPORTED,
        "model '%s' has %u inputs and %u outputs; this runtime supports at "
        "most %d and %d",
        name, api->num_inputs, api->num_outputs, SEQC_RT_MODEL_MAX_INPUTS,
        SEQC_RT_MODEL_MAX_OUTPUTS);

  const char *sig = api->signature;
  size_t sig_len = strlen(sig);
  // Lines: '\n'-separated, the final newline optional.
  size_t num_lines = 0;
  for (size_t i = 0; i < sig_len; ++i)
    if (sig[i] == '\n')
      ++num_lines;
  if (sig_len > 0 && sig[sig_len - 1] != '\n')
    ++num_lines;

  seqc_model *m = calloc(1, sizeof(*m));
  if (!m)
    return seqc_rt_set_error(err, SEQC_ERR_OUT_OF_MEMORY, "out of memory");
  m->api = api;
  m->num_inputs = api->num_inputs;
  m->num_outputs = api->num_outputs; // m->num_states once parsed
  m->text = malloc(sig_len + 1);
  m->tensors = calloc(num_lines ? num_lines : 1, sizeof(model_tensor));
  if (api->flags & SEQC_MODEL_FLAG_CUDA) {
    seqc_status status = open_gpu(m, err);
    if (status != SEQC_OK) {
      seqc_rt_model_close(m);
      return status;
    }
  } else {
    m->buffers = seqc_buffer_cache_create();
  }
  if (!m->text || !m->tensors || !m->buffers) {
    seqc_rt_model_close(m);
    return seqc_rt_set_error(err, SEQC_ERR_OUT_OF_MEMORY, "out of memory");
  }
  memcpy(m->text, sig, sig_len + 1);

  parse_state ps = {name, NULL, NULL, 0, err};
  size_t counts[NUM_ROLES] = {0, 0, 0, 0}; // by role
  size_t offset = 0;
  // A step api's first line may name its time dimension: "time T".
  size_t first = 0;
  if (sig_len >= 5 && memcmp(sig, "time ", 5) == 0) {
    const char *nl = memchr(sig, '\n', sig_len);
    size_t line_len = nl ? (size_t)(nl - sig) : sig_len;
    ps.line = 1;
    ps.line_begin = sig;
    ps.line_end = sig + line_len;
    if (!is_ident(m->text + 5, m->text + line_len)) {
      seqc_rt_model_close(m);
      return line_error(&ps, "expected 'time NAME', NAME the dimension a "
                             "stream's chunks split");
    }
    m->text[line_len] = '\0';
    m->stream_dim = m->text + 5;
    offset = line_len + 1;
    first = 1;
  }
  for (size_t line = first; line < num_lines; ++line) {
    const char *nl = memchr(sig + offset, '\n', sig_len - offset);
    size_t line_len = nl ? (size_t)(nl - (sig + offset)) : sig_len - offset;
    ps.line = line + 1;
    ps.line_begin = sig + offset;
    ps.line_end = sig + offset + line_len;
    m->text[offset + line_len] = '\0';
    model_tensor *t = &m->tensors[line - first];
    int role = ROLE_INPUT;
    seqc_status status = parse_line(m, &ps, m->text + offset, t, &role);
    if (status != SEQC_OK) {
      seqc_rt_model_close(m);
      return status;
    }
    // Line order is the argument order: in, weight, state, out.
    for (int later = ROLE_OUTPUT; later > role; --later) {
      if (counts[later] > 0) {
        char what[160];
        snprintf(what, sizeof(what),
                 "%s '%s' follows %s (the order is in, weight, state, out)",
                 kRoleNames[role], t->info.name, kRoleArticles[later]);
        seqc_rt_model_close(m);
        return line_error(&ps, what);
      }
    }
    for (size_t j = 0; j < line - first; ++j) {
      if (strcmp(m->tensors[j].info.name, t->info.name) == 0) {
        char what[160];
        snprintf(what, sizeof(what),
                 "tensor name '%s' is also used on line "
                 "%zu",
                 t->info.name, m->tensors[j].line);
        seqc_rt_model_close(m);
        return line_error(&ps, what);
      }
    }
    ++counts[role];
    offset += line_len + 1;
  }
  const size_t num_in = counts[ROLE_INPUT], num_weights = counts[ROLE_WEIGHT],
               num_states = counts[ROLE_STATE], num_out = counts[ROLE_OUTPUT];
  if (num_in != api->num_inputs || num_out != api->num_outputs) {
    seqc_rt_model_close(m);
    return seqc_rt_set_error(
        err, SEQC_ERR_FORMAT,
        "model '%s': signature lists %zu input(s) and %zu output(s), but the "
        "api record declares %u input(s) and %u output(s)",
        name, num_in, num_out, api->num_inputs, api->num_outputs);
  }
  m->num_weights = num_weights;
  m->num_states = num_states;
  if (m->stream_dim) {
    int named = 0;
    for (size_t i = 0; i < num_in && !named; ++i) {
      const model_tensor *t = model_input_tensor(m, i);
      for (int32_t d = 0; d < t->info.rank; ++d)
        named |= t->dim_names[d] && strcmp(t->dim_names[d], m->stream_dim) == 0;
    }
    if (num_states == 0 || !named) {
      // (The name lives in m's text: report before closing m.)
      seqc_status status = seqc_rt_set_error(
          err, SEQC_ERR_FORMAT, "model '%s': its signature's 'time %s' line %s",
          name, m->stream_dim,
          num_states == 0 ? "belongs to a step api, and it has no states"
                          : "names a dimension no input has");
      seqc_rt_model_close(m);
      return status;
    }
  }
  // States travel both ways: after the inputs and weights as arguments,
  // after the outputs in the results record.
  if (num_in + num_states > SEQC_RT_MODEL_MAX_INPUTS ||
      num_out + num_states > SEQC_RT_MODEL_MAX_OUTPUTS ||
      num_weights > SEQC_RT_MODEL_MAX_WEIGHTS) {
    seqc_rt_model_close(m);
    return seqc_rt_set_error(
        err, SEQC_ERR_UNSUPPORTED,
        "model '%s' has %zu inputs, %zu weights, %zu states and %zu outputs; "
        "this runtime supports at most %d inputs plus states, %d outputs "
        "plus states and %d weights",
        name, num_in, num_weights, num_states, num_out,
        SEQC_RT_MODEL_MAX_INPUTS, SEQC_RT_MODEL_MAX_OUTPUTS,
        SEQC_RT_MODEL_MAX_WEIGHTS);
  }
  size_t in_words = 0, out_words = 0, state_words = 0;
  for (size_t i = 0; i < num_in; ++i)
    in_words += descriptor_words(model_input_tensor(m, i)->info.rank);
  for (size_t k = 0; k < num_states; ++k)
    state_words += descriptor_words(model_state_tensor(m, k)->info.rank);
  for (size_t o = 0; o < num_out; ++o)
    out_words += descriptor_words(model_output_tensor(m, o)->info.rank);
  in_words += state_words;
  out_words += state_words;
  if (in_words > SEQC_RT_MODEL_MAX_DESCRIPTOR_WORDS ||
      out_words > SEQC_RT_MODEL_MAX_DESCRIPTOR_WORDS) {
    seqc_rt_model_close(m);
    return seqc_rt_set_error(
        err, SEQC_ERR_UNSUPPORTED,
        "model '%s': its descriptors need %zu input and %zu output words; "
        "this runtime supports at most %d each",
        name, in_words, out_words, SEQC_RT_MODEL_MAX_DESCRIPTOR_WORDS);
  }
  // Where the weights live decides how the model opens.
  if (num_weights > 0 && !weights_path) {
    seqc_rt_model_close(m);
    return seqc_rt_set_error(err, SEQC_ERR_INVALID_ARGUMENT,
                             "model '%s' keeps its weights in a file; open it "
                             "with %s_weights",
                             name, caller);
  }
  if (num_weights == 0 && weights_path) {
    seqc_rt_model_close(m);
    return seqc_rt_set_error(err, SEQC_ERR_INVALID_ARGUMENT,
                             "model '%s' has no weights file (its weights, if "
                             "any, are compiled in); open it with %s",
                             name, caller);
  }
  if (num_weights > 0) {
    seqc_status status = bind_weights(m, weights_path, err);
    if (status != SEQC_OK) {
      seqc_rt_model_close(m);
      return status;
    }
  }
  *out = m;
  seqc_rt_clear_error(err);
  return SEQC_OK;
}

//===----------------------------------------------------------------------===//
// External weights
//===----------------------------------------------------------------------===//

// Maps the weights file and binds one dense, element-aligned tensor per
// `weight` line: the file's data where it fits as is, else an owned copy
// (f16/bf16 converted to an f32 weight, or data the file left unaligned).
static seqc_status bind_weights(seqc_model *m, const char *path,
                                seqc_error *err) {
  const size_t nw = m->num_weights;
  seqc_status status = seqc_rt_safetensors_open(path, &m->weights_file, err);
  if (status != SEQC_OK) {
    if (!err)
      return status;
    char detail[SEQC_ERROR_MESSAGE_SIZE];
    snprintf(detail, sizeof(detail), "%s", err->message);
    return seqc_rt_set_error(err, status, "weights '%s' of model '%s': %s",
                             path, m->api->name, detail);
  }
  m->weights = calloc(nw, sizeof(seqc_tensor));
  m->weight_buffers = calloc(nw, sizeof(void *));
  if (!m->weights || !m->weight_buffers)
    return seqc_rt_set_error(err, SEQC_ERR_OUT_OF_MEMORY, "out of memory");

  // Every missing tensor at once, so that one message says what to fix:
  // as many whole names as fit, then how many more.
  char missing[256];
  size_t used = 0, num_missing = 0, listed = 0;
  missing[0] = '\0';
  for (size_t k = 0; k < nw; ++k) {
    const char *wname = model_weight_tensor(m, k)->info.name;
    if (seqc_rt_safetensors_find(m->weights_file, wname))
      continue;
    ++num_missing;
    // Room for this name and for " and N more" after it.
    if (listed == num_missing - 1 &&
        used + strlen(wname) + 4 + 32 < sizeof(missing)) {
      used += (size_t)snprintf(missing + used, sizeof(missing) - used,
                               "%s'%s'", used ? ", " : "", wname);
      ++listed;
    }
  }
  if (num_missing > listed)
    snprintf(missing + used, sizeof(missing) - used, " and %zu more",
             num_missing - listed);
  if (num_missing > 0)
    return seqc_rt_set_error(
        err, SEQC_ERR_FORMAT,
        "weights '%s': %zu tensor(s) that model '%s' expects are missing: "
        "%s%s",
        path, num_missing, m->api->name, missing,
        num_missing == nw
            ? " (none of its weights is in the file: is it another model's?)"
            : "");

  for (size_t k = 0; k < nw; ++k) {
    const model_tensor *mt = model_weight_tensor(m, k);
    const char *wname = mt->info.name;
    const seqc_safetensors_tensor *ft =
        seqc_rt_safetensors_find(m->weights_file, wname);
    const int32_t want = mt->info.dtype;
    const int convert = want == SEQC_DTYPE_F32 &&
                        (ft->dtype == SEQC_DTYPE_F16 ||
                         ft->dtype == SEQC_DTYPE_BF16);
    if (ft->dtype != want && !convert)
      return seqc_rt_set_error(
          err, SEQC_ERR_DTYPE,
          "weights '%s': tensor '%s' has dtype %s, the model expects %s%s",
          path, wname, seqc_rt_dtype_name(ft->dtype), seqc_rt_dtype_name(want),
          want == SEQC_DTYPE_F32 ? " (or f16/bf16, converted at open)" : "");
    int same_shape = ft->rank == mt->info.rank;
    for (int32_t d = 0; same_shape && d < ft->rank; ++d)
      same_shape = ft->shape[d] == mt->shape[d];
    if (!same_shape) {
      char have[SHAPE_TEXT_SIZE], expected[SHAPE_TEXT_SIZE];
      seqc_model_format_shape(have, sizeof(have), ft->rank, ft->shape);
      seqc_model_format_shape(expected, sizeof(expected), mt->info.rank,
                              mt->shape);
      return seqc_rt_set_error(
          err, SEQC_ERR_SHAPE,
          "weights '%s': tensor '%s' has shape %s, the model expects %s", path,
          wname, have, expected);
    }
    seqc_tensor *t = &m->weights[k];
    seqc_rt_tensor_init(t, (void *)ft->data, want, mt->info.rank, mt->shape);
    const size_t esize = seqc_rt_dtype_size(want);
    const size_t bytes = (size_t)ft->numel * esize; // the reader checked it
    if (convert) {
      float *buf = seqc_rt_alloc(bytes);
      if (!buf)
        return seqc_rt_set_error(err, SEQC_ERR_OUT_OF_MEMORY,
                                 "out of memory converting weight '%s' to f32",
                                 wname);
      m->weight_buffers[k] = buf;
      status = seqc_rt_safetensors_read_f32(ft, buf, (size_t)ft->numel, err);
      if (status != SEQC_OK)
        return status;
      t->data = buf;
    } else if ((uintptr_t)ft->data % esize != 0) {
      // The file's data section need not keep elements aligned.
      void *buf = seqc_rt_alloc(bytes);
      if (!buf)
        return seqc_rt_set_error(err, SEQC_ERR_OUT_OF_MEMORY,
                                 "out of memory aligning weight '%s'", wname);
      m->weight_buffers[k] = buf;
      memcpy(buf, ft->data, bytes);
      t->data = buf;
    }
  }
  if (m->cuda) {
    status = stage_weights(m, err);
    if (status != SEQC_OK)
      return status;
  }
  return describe_weights(m, err);
}

// A CUDA model's kernels read only managed memory: each weight is copied
// there once. All or nothing, so that weight_buffers stays of one kind.
static seqc_status stage_weights(seqc_model *m, seqc_error *err) {
  const size_t nw = m->num_weights;
  void **staged = calloc(nw, sizeof(void *));
  if (!staged)
    return seqc_rt_set_error(err, SEQC_ERR_OUT_OF_MEMORY, "out of memory");
  for (size_t k = 0; k < nw; ++k) {
    seqc_tensor *t = &m->weights[k];
    const size_t bytes =
        (size_t)seqc_rt_tensor_numel(t) * seqc_rt_dtype_size(t->dtype);
    if (bytes == 0)
      continue;
    staged[k] = seqc_rt_cuda_alloc(m->cuda, bytes);
    if (!staged[k]) {
      for (size_t j = 0; j < k; ++j)
        seqc_rt_cuda_free(m->cuda, staged[j]);
      free(staged);
      return seqc_rt_set_error(err, SEQC_ERR_OUT_OF_MEMORY,
                               "out of GPU memory copying weight '%s'",
                               model_weight_tensor(m, k)->info.name);
    }
    memcpy(staged[k], t->data, bytes);
  }
  for (size_t k = 0; k < nw; ++k) {
    seqc_rt_free(m->weight_buffers[k]);
    m->weight_buffers[k] = staged[k];
    if (staged[k])
      m->weights[k].data = staged[k];
  }
  free(staged);
  m->weight_buffers_managed = 1;
  return SEQC_OK;
}

// The weights' memref descriptors, as seqc_rt_model_run passes them: the
// data (allocated and aligned), offset 0, the shape, dense strides.
static seqc_status describe_weights(seqc_model *m, seqc_error *err) {
  const size_t nw = m->num_weights;
  size_t words = 0;
  for (size_t k = 0; k < nw; ++k)
    words += descriptor_words(m->weights[k].rank);
  m->weight_words = calloc(words, sizeof(intptr_t));
  m->weight_descriptors = calloc(nw, sizeof(intptr_t *));
  if (!m->weight_words || !m->weight_descriptors)
    return seqc_rt_set_error(err, SEQC_ERR_OUT_OF_MEMORY, "out of memory");
  intptr_t *w = m->weight_words;
  for (size_t k = 0; k < nw; ++k) {
    const seqc_tensor *t = &m->weights[k];
    m->weight_descriptors[k] = w;
    seqc_model_write_descriptor(w, t->data, t->rank, t->shape);
    w += descriptor_words(t->rank);
  }
  return SEQC_OK;
}
