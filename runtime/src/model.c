//===- model.c - Validate and run a compiled model ------------------------===//
//
// A run only reads the model (opened in model_open.c) and its thread-safe
// buffer cache, so one model serves any number of threads. The model's
// temporaries and results come from that cache (buffer_cache.h); the run
// itself allocates only a dense copy of a non-contiguous input (the model
// is compiled for identity layouts), copies of outputs it cannot hand over
// as they are, and its block list when a model holds more than 32 blocks.
//
//===----------------------------------------------------------------------===//

#include "model_internal.h"

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// "[" + 8 * (20 digits + ",") + "]" + NUL, with room to spare.
#define SHAPE_TEXT_SIZE 192

//===----------------------------------------------------------------------===//
// Allocation
//===----------------------------------------------------------------------===//

void *seqc_rt_alloc(size_t size) {
  const size_t align = 64;
  if (size == 0)
    size = 1;
  if (size > SIZE_MAX - (align - 1))
    return NULL;
  // C11 aligned_alloc wants a multiple of the alignment.
  return aligned_alloc(align, (size + align - 1) / align * align);
}

void seqc_rt_free(void *ptr) { free(ptr); }

void seqc_rt_tensor_free(seqc_tensor *tensor) {
  if (!tensor)
    return;
  free(tensor->data);
  tensor->data = NULL;
}

//===----------------------------------------------------------------------===//
// Signature parsing
//===----------------------------------------------------------------------===//

void seqc_rt_model_close(seqc_model *model) {
  if (!model)
    return;
  for (size_t k = 0; model->weight_buffers && k < model->num_weights; ++k) {
    if (model->weight_buffers_managed)
      seqc_rt_cuda_free(model->cuda, model->weight_buffers[k]);
    else
      seqc_rt_free(model->weight_buffers[k]);
  }
  free(model->weight_buffers);
  free(model->weight_words);
  free(model->weight_descriptors);
  free(model->weights);
  seqc_rt_safetensors_close(model->weights_file);
  free(model->text);
  free(model->tensors);
  seqc_buffer_cache_destroy(model->buffers);
  if (model->cuda) /* (the loader may not be linked: model_internal.h) */
    seqc_rt_cuda_close(model->cuda);
  free(model);
}

void seqc_rt_model_memory_stats(const seqc_model *model,
                                seqc_memory_stats *stats) {
  if (!stats)
    return;
  seqc_buffer_cache_stats(model ? model->buffers : NULL, stats);
}

void seqc_rt_model_set_thread_pool(seqc_model *model, seqc_thread_pool *pool) {
  if (model)
    model->pool = pool;
}

void seqc_rt_model_trim(const seqc_model *model) {
  if (model)
    seqc_buffer_cache_trim(model->buffers);
}

//===----------------------------------------------------------------------===//
// Accessors
//===----------------------------------------------------------------------===//

const char *seqc_rt_model_name(const seqc_model *model) {
  return model ? model->api->name : NULL;
}

int seqc_rt_model_cpu_level(const seqc_model *model) {
  return model ? (int)((model->api->flags & SEQC_MODEL_FLAG_CPU_LEVEL_MASK) >>
                       SEQC_MODEL_FLAG_CPU_LEVEL_SHIFT)
               : 0;
}

size_t seqc_rt_model_num_inputs(const seqc_model *model) {
  return model ? model->num_inputs : 0;
}

size_t seqc_rt_model_num_weights(const seqc_model *model) {
  return model ? model->num_weights : 0;
}

size_t seqc_rt_model_num_states(const seqc_model *model) {
  return model ? model->num_states : 0;
}

size_t seqc_rt_model_num_outputs(const seqc_model *model) {
  return model ? model->num_outputs : 0;
}

const char *seqc_rt_model_stream_dim(const seqc_model *model) {
  return model ? model->stream_dim : NULL;
}

const seqc_tensor_info *seqc_rt_model_input(const seqc_model *model, size_t i) {
  if (!model || i >= model->num_inputs)
    return NULL;
  return &model_input_tensor(model, i)->info;
}

const seqc_tensor_info *seqc_rt_model_weight(const seqc_model *model,
                                             size_t k) {
  if (!model || k >= model->num_weights)
    return NULL;
  return &model_weight_tensor(model, k)->info;
}

const seqc_tensor_info *seqc_rt_model_state(const seqc_model *model, size_t k) {
  if (!model || k >= model->num_states)
    return NULL;
  return &model_state_tensor(model, k)->info;
}

const seqc_tensor_info *seqc_rt_model_output(const seqc_model *model,
                                             size_t i) {
  if (!model || i >= model->num_outputs)
    return NULL;
  return &model_output_tensor(model, i)->info;
}

static int find_tensor(const model_tensor *tensors, size_t n,
                       const char *name) {
  if (!name)
    return -1;
  for (size_t i = 0; i < n && i <= INT_MAX; ++i)
    if (strcmp(tensors[i].info.name, name) == 0)
      return (int)i;
  return -1;
}

int seqc_rt_model_find_input(const seqc_model *model, const char *name) {
  return model ? find_tensor(model->tensors, model->num_inputs, name) : -1;
}

int seqc_rt_model_find_output(const seqc_model *model, const char *name) {
  return model && model->num_outputs
             ? find_tensor(model_output_tensor(model, 0), model->num_outputs,
                           name)
             : -1;
}

//===----------------------------------------------------------------------===//
// Running
//===----------------------------------------------------------------------===//

void seqc_model_bindings_clear(model_dim_bindings *b) {
  for (size_t i = 0; i < SEQC_RT_MODEL_MAX_DIM_NAMES; ++i) {
    b->value[i] = 0;
    b->bound_by[i] = -1;
  }
}

static int is_state(const seqc_model *m, size_t tensor) {
  return tensor >= model_state_index(m, 0) &&
         tensor < model_state_index(m, m->num_states);
}

static const char *role(const seqc_model *m, size_t tensor) {
  return tensor < m->num_inputs                 ? "input"
         : tensor < model_state_index(m, 0)     ? "weight"
         : is_state(m, tensor)                  ? "state"
                                                : "output";
}

void seqc_model_format_shape(char *buf, size_t size, int64_t rank,
                             const int64_t *shape) {
  size_t used = (size_t)snprintf(buf, size, "[");
  for (int64_t d = 0; d < rank && used < size; ++d)
    used += (size_t)snprintf(buf + used, size - used, "%s%lld", d ? "," : "",
                             (long long)shape[d]);
  if (used < size)
    snprintf(buf + used, size - used, "]");
}

// The shape tensor `t` must have given the bindings so far; '?' where the
// signature leaves an extent open.
static void format_expected(char *buf, size_t size, const model_tensor *t,
                            const model_dim_bindings *b) {
  size_t used = (size_t)snprintf(buf, size, "[");
  for (int32_t d = 0; d < t->info.rank && used < size; ++d) {
    const char *sep = d ? "," : "";
    int id = t->dim_ids[d];
    if (t->shape[d] >= 0)
      used += (size_t)snprintf(buf + used, size - used, "%s%lld", sep,
                               (long long)t->shape[d]);
    else if (id >= 0 && b->bound_by[id] >= 0)
      used += (size_t)snprintf(buf + used, size - used, "%s%lld", sep,
                               (long long)b->value[id]);
    else
      used += (size_t)snprintf(buf + used, size - used, "%s?", sep);
  }
  if (used < size)
    snprintf(buf + used, size - used, "]");
}

// Checks `shape` against tensor `index`'s signature, binding names as it
// goes. `bind` is 0 for caller output buffers: they may only be checked
// against names the inputs bound.
static seqc_status check_dims(const seqc_model *m, size_t index,
                              const int64_t *shape, model_dim_bindings *b,
                              int bind, const char *what, seqc_status code,
                              seqc_error *err) {
  const model_tensor *t = &m->tensors[index];
  for (int32_t d = 0; d < t->info.rank; ++d) {
    int64_t extent = shape[d];
    if (t->shape[d] >= 0 && extent != t->shape[d])
      return seqc_rt_set_error(
          err, code,
          "%s '%s'%s dimension %d is %lld, but the model expects %lld",
          role(m, index), t->info.name, what, d, (long long)extent,
          (long long)t->shape[d]);
    int id = t->dim_ids[d];
    if (id < 0)
      continue;
    if (b->bound_by[id] < 0) {
      if (bind) {
        b->value[id] = extent;
        b->bound_by[id] = (int16_t)index;
      }
    } else if (b->value[id] != extent) {
      size_t by = (size_t)b->bound_by[id];
      // Only a stream binds names through its states, when it opens.
      if (is_state(m, by))
        return seqc_rt_set_error(
            err, code,
            "%s '%s'%s dimension %d (%s) is %lld, but the stream was opened "
            "with %s = %lld",
            role(m, index), t->info.name, what, d, m->dim_names[id],
            (long long)extent, m->dim_names[id], (long long)b->value[id]);
      return seqc_rt_set_error(
          err, code,
          "%s '%s'%s dimension %d (%s) is %lld, but %s '%s' set %s = %lld",
          role(m, index), t->info.name, what, d, m->dim_names[id],
          (long long)extent, role(m, by), m->tensors[by].info.name,
          m->dim_names[id], (long long)b->value[id]);
    }
  }
  return SEQC_OK;
}

// Copies a strided tensor of `rank` dims (extents `shape`) element by
// element; rows whose both strides are 1 go through memcpy.
static void copy_strided(char *dst, const int64_t *dst_strides, const char *src,
                         const int64_t *src_strides, int64_t rank,
                         const int64_t *shape, size_t esize) {
  for (int64_t d = 0; d < rank; ++d)
    if (shape[d] == 0)
      return;
  if (rank == 0) {
    memcpy(dst, src, esize);
    return;
  }
  int64_t index[SEQC_MAX_RANK] = {0};
  const int64_t inner = shape[rank - 1];
  const int64_t ds = dst_strides[rank - 1], ss = src_strides[rank - 1];
  for (;;) {
    int64_t doff = 0, soff = 0;
    for (int64_t d = 0; d < rank - 1; ++d) {
      doff += index[d] * dst_strides[d];
      soff += index[d] * src_strides[d];
    }
    char *drow = dst + doff * (int64_t)esize;
    const char *srow = src + soff * (int64_t)esize;
    if (ds == 1 && ss == 1) {
      memcpy(drow, srow, (size_t)inner * esize);
    } else {
      for (int64_t i = 0; i < inner; ++i)
        memcpy(drow + i * ds * (int64_t)esize, srow + i * ss * (int64_t)esize,
               esize);
    }
    int64_t d = rank - 2;
    for (; d >= 0; --d) {
      if (++index[d] < shape[d])
        break;
      index[d] = 0;
    }
    if (d < 0)
      return;
  }
}

// Dense row-major strides for `shape`, as memref lowering computes them.
static void dense_strides(int64_t rank, const int64_t *shape,
                          int64_t *strides) {
  int64_t stride = 1;
  for (int64_t d = rank - 1; d >= 0; --d) {
    strides[d] = stride;
    stride *= shape[d] == 0 ? 1 : shape[d];
  }
}

void seqc_model_write_descriptor(intptr_t *w, void *data, int64_t rank,
                                 const int64_t *shape) {
  w[0] = (intptr_t)data;
  w[1] = (intptr_t)data;
  w[2] = 0;
  int64_t strides[SEQC_MAX_RANK];
  dense_strides(rank, shape, strides);
  for (int64_t d = 0; d < rank; ++d) {
    w[3 + d] = (intptr_t)shape[d];
    w[3 + rank + d] = (intptr_t)strides[d];
  }
}

int64_t seqc_model_byte_size(int64_t numel, size_t esize) {
  if (numel < 0 || (numel > 0 && (uint64_t)numel > (uint64_t)INT64_MAX / esize))
    return -1;
  return numel * (int64_t)esize;
}

// The views the results record holds for one output.
typedef struct out_view {
  void *allocated;
  char *aligned;
  int64_t offset;
  const int64_t *sizes;
  const int64_t *strides;
} out_view;

/* Whether the model updated state `s` in place: the next state is the
 * state's own dense buffer (a key/value cache the step appended to), so
 * there is nothing to copy. */
static int updated_in_place(const out_view *v, const seqc_tensor *s) {
  if (v->aligned != (const char *)s->data || v->offset != 0 || !s->data)
    return 0;
  int64_t strides[SEQC_MAX_RANK];
  dense_strides(s->rank, s->shape, strides);
  for (int64_t d = 0; d < s->rank; ++d)
    if (v->sizes[d] != s->shape[d] ||
        (s->shape[d] > 1 && v->strides[d] != strides[d]))
      return 0;
  return 1;
}

static out_view read_view(const intptr_t *words, int64_t rank) {
  out_view v;
  v.allocated = (void *)words[0];
  v.aligned = (char *)words[1];
  v.offset = (int64_t)words[2];
  // intptr_t is int64_t-sized on every host the runtime supports (abi.h pins
  // the layouts for 64-bit hosts only).
  v.sizes = (const int64_t *)(words + 3);
  v.strides = (const int64_t *)(words + 3 + rank);
  return v;
}

_Static_assert(sizeof(intptr_t) == sizeof(int64_t),
               "model descriptors assume 64-bit pointers");

// The results record holds the outputs, then the next states: the tensor
// (index into m->tensors) behind result r.
static size_t result_tensor(const seqc_model *m, size_t r) {
  return r < m->num_outputs ? model_state_index(m, m->num_states) + r
                            : model_state_index(m, r - m->num_outputs);
}

static size_t num_results(const seqc_model *m) {
  return m->num_outputs + m->num_states;
}

// Inputs, weights, states: also their order in m->tensors.
static size_t num_args(const seqc_model *m) {
  return m->num_inputs + m->num_weights + m->num_states;
}

// Whether `p` is an argument's buffer: an input's or a state's as the model
// got it (arg_buffers: the inputs, then the states), or a weight's.
static int is_argument_buffer(const seqc_model *m, void *const *arg_buffers,
                              const void *p) {
  for (size_t a = 0; a < m->num_inputs + m->num_states; ++a)
    if (arg_buffers[a] == p)
      return 1;
  for (size_t k = 0; k < m->num_weights; ++k)
    if (m->weights[k].data == p)
      return 1;
  return 0;
}

// Whether result r's allocation is also another result's or an argument's.
static int result_is_shared(const seqc_model *m, const intptr_t *out, size_t r,
                            void *const *arg_buffers) {
  size_t off = 0;
  for (size_t p = 0; p < r; ++p)
    off += descriptor_words(m->tensors[result_tensor(m, p)].info.rank);
  const void *allocated = (const void *)out[off];
  size_t poff = 0;
  for (size_t p = 0; p < num_results(m); ++p) {
    if (p != r && (const void *)out[poff] == allocated)
      return 1;
    poff += descriptor_words(m->tensors[result_tensor(m, p)].info.rank);
  }
  return is_argument_buffer(m, arg_buffers, allocated);
}

// Releases every model buffer that was not handed to the caller, once each,
// and never one that is really an argument's (a model must not return those,
// but freeing caller or stream memory would be far worse than leaking).
static void release_model_buffers(const seqc_model *m, const intptr_t *out,
                                  const int *handed_over,
                                  void *const *arg_buffers,
                                  run_allocations *run) {
  size_t off = 0;
  for (size_t r = 0; r < num_results(m); ++r) {
    void *allocated = (void *)out[off];
    off += descriptor_words(m->tensors[result_tensor(m, r)].info.rank);
    if (!allocated || (handed_over && r < m->num_outputs && handed_over[r]))
      continue;
    int seen = 0;
    size_t poff = 0;
    for (size_t p = 0; p < r && !seen; ++p) {
      seen = (void *)out[poff] == allocated;
      poff += descriptor_words(m->tensors[result_tensor(m, p)].info.rank);
    }
    if (!seen && !is_argument_buffer(m, arg_buffers, allocated))
      seqc_run_allocations_free(run, allocated);
  }
}

/* "model 'm': <message>", with the context's value in place of "{}". */
static seqc_status report_check_failure(const seqc_model *m,
                                        const seqc_model_context *context,
                                        seqc_error *err) {
  seqc_status code = (seqc_status)context->status;
  if (code != SEQC_ERR_SHAPE && code != SEQC_ERR_INVALID_ARGUMENT &&
      code != SEQC_ERR_OUT_OF_MEMORY && code != SEQC_ERR_DEVICE)
    code = SEQC_ERR_INTERNAL;
  const char *message = context->message ? context->message
                                         : "a run-time check failed";
  char value[160] = "";
  if (context->has_value && code == SEQC_ERR_DEVICE && m->cuda &&
      strstr(message, "CUDA error {}")) {
    // The driver's name for the code: "CUDA error 700
    // (CUDA_ERROR_ILLEGAL_ADDRESS: an illegal memory access ...)".
    char text[128];
    snprintf(value, sizeof(value), "%lld (%s)", (long long)context->value,
             seqc_rt_cuda_error_text(m->cuda, context->value, text,
                                     sizeof(text)));
  } else if (context->has_value) {
    snprintf(value, sizeof(value), "%lld", (long long)context->value);
  }
  const char *hole = context->has_value ? strstr(message, "{}") : NULL;
  if (!hole)
    return seqc_rt_set_error(err, code, "model '%s': %s", m->api->name,
                             message);
  return seqc_rt_set_error(err, code, "model '%s': %.*s%s%s", m->api->name,
                           (int)(hole - message), message, value, hole + 2);
}

static void free_all(void **buffers, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    free(buffers[i]);
    buffers[i] = NULL;
  }
}

/* The copies of arguments made for the call (packed or, for a CUDA model,
 * staged into managed memory). */
static void free_staged(const seqc_model *m, void **buffers, size_t n) {
  if (!m->cuda) {
    free_all(buffers, n);
    return;
  }
  for (size_t i = 0; i < n; ++i) {
    seqc_rt_cuda_free(m->cuda, buffers[i]);
    buffers[i] = NULL;
  }
}

seqc_status seqc_rt_model_run(const seqc_model *m, const seqc_tensor *inputs,
                              size_t num_inputs, seqc_tensor *outputs,
                              size_t num_outputs, seqc_error *err) {
  if (!m)
    return seqc_rt_set_error(err, SEQC_ERR_INVALID_ARGUMENT,
                             "seqc_rt_model_run: model is NULL");
  if (m->num_states > 0)
    return seqc_rt_set_error(err, SEQC_ERR_INVALID_ARGUMENT,
                             "model '%s' is a streaming step; run it through "
                             "seqc_rt_stream_*",
                             m->api->name);
  model_dim_bindings b;
  seqc_model_bindings_clear(&b);
  return seqc_model_invoke(m, inputs, num_inputs, outputs, num_outputs, NULL,
                           &b, err);
}

static seqc_status deliver_results(const seqc_model *m, seqc_tensor *outputs,
                                   const seqc_tensor *states,
                                   model_dim_bindings *b,
                                   const intptr_t *out_words,
                                   void *const *arg_buffers,
                                   const seqc_model_context *context,
                                   run_allocations *run, seqc_error *err);

seqc_status seqc_model_invoke(const seqc_model *m, const seqc_tensor *inputs,
                              size_t num_inputs, seqc_tensor *outputs,
                              size_t num_outputs, const seqc_tensor *states,
                              model_dim_bindings *b, seqc_error *err) {
  const char *name = m->api->name;
  const size_t num_states = m->num_states;
  ptrdiff_t k; /* a state an input or output buffer meets */
  if (num_inputs != m->num_inputs || num_outputs != m->num_outputs)
    return seqc_rt_set_error(
        err, SEQC_ERR_INVALID_ARGUMENT,
        "model '%s' takes %zu input(s) and %zu output(s), but %zu and %zu "
        "were passed",
        name, m->num_inputs, m->num_outputs, num_inputs, num_outputs);
  if ((num_inputs && !inputs) || (num_outputs && !outputs))
    return seqc_rt_set_error(
        err, SEQC_ERR_INVALID_ARGUMENT, "%s: inputs or outputs is NULL",
        num_states ? "seqc_rt_stream_step" : "seqc_rt_model_run");
  if (num_states && !states)
    return seqc_rt_set_error(err, SEQC_ERR_INTERNAL,
                             "model '%s': no state buffers", name);

  // Inputs.
  for (size_t i = 0; i < num_inputs; ++i) {
    const seqc_tensor *t = &inputs[i];
    const model_tensor *mt = model_input_tensor(m, i);
    const char *tname = mt->info.name;
    if (t->reserved != 0)
      return seqc_rt_set_error(err, SEQC_ERR_INVALID_ARGUMENT,
                               "input '%s': reserved field is %d, must be 0",
                               tname, t->reserved);
    if (t->dtype != mt->info.dtype)
      return seqc_rt_set_error(
          err, SEQC_ERR_DTYPE,
          "input '%s' has dtype %s, but the model expects %s", tname,
          seqc_rt_dtype_name(t->dtype), seqc_rt_dtype_name(mt->info.dtype));
    if (t->rank != mt->info.rank)
      return seqc_rt_set_error(
          err, SEQC_ERR_SHAPE,
          "input '%s' has rank %lld, but the model expects "
          "rank %d",
          tname, (long long)t->rank, mt->info.rank);
    int64_t numel = seqc_rt_tensor_numel(t);
    if (numel < 0 ||
        seqc_model_byte_size(numel, seqc_rt_dtype_size(t->dtype)) < 0) {
      char shape[SHAPE_TEXT_SIZE];
      seqc_model_format_shape(shape, sizeof(shape), t->rank, t->shape);
      return seqc_rt_set_error(err, SEQC_ERR_SHAPE,
                               "input '%s' has an invalid shape %s (negative "
                               "or overflowing)",
                               tname, shape);
    }
    seqc_status status =
        check_dims(m, i, t->shape, b, 1, "", SEQC_ERR_SHAPE, err);
    if (status != SEQC_OK)
      return status;
    if (!t->data && numel > 0)
      return seqc_rt_set_error(
          err, SEQC_ERR_INVALID_ARGUMENT,
          "input '%s' has %lld element(s) but its data pointer is NULL", tname,
          (long long)numel);
    if (numel > 0 && !seqc_model_addressable(t))
      return seqc_model_refuse_strides("input", tname, t, err);
    // A step updates its states in place (a cache the step appends to):
    // an input read from a state's buffer would change under the model.
    if (numel > 0 && (k = seqc_model_state_meeting(states, num_states, t)) >= 0)
      return seqc_rt_set_error(
          err, SEQC_ERR_INVALID_ARGUMENT,
          "input '%s' shares memory with the stream's state '%s', which "
          "the step updates (pass a copy)",
          tname, model_state_tensor(m, (size_t)k)->info.name);
  }

  // Caller-provided output buffers, as far as the inputs (and a stream's
  // bound dims) determine them.
  for (size_t o = 0; o < num_outputs; ++o) {
    const seqc_tensor *t = &outputs[o];
    const model_tensor *mt = model_output_tensor(m, o);
    const char *tname = mt->info.name;
    if (!t->data)
      continue;
    if (t->reserved != 0)
      return seqc_rt_set_error(err, SEQC_ERR_INVALID_ARGUMENT,
                               "output '%s': reserved field is %d, must be 0",
                               tname, t->reserved);
    if (t->dtype != mt->info.dtype)
      return seqc_rt_set_error(
          err, SEQC_ERR_DTYPE,
          "output '%s' buffer has dtype %s, but the model produces %s", tname,
          seqc_rt_dtype_name(t->dtype), seqc_rt_dtype_name(mt->info.dtype));
    if (t->rank != mt->info.rank)
      return seqc_rt_set_error(
          err, SEQC_ERR_SHAPE,
          "output '%s' buffer has rank %lld, but the model produces rank %d",
          tname, (long long)t->rank, mt->info.rank);
    int64_t numel = seqc_rt_tensor_numel(t);
    if (numel < 0 ||
        seqc_model_byte_size(numel, seqc_rt_dtype_size(t->dtype)) < 0)
      return seqc_rt_set_error(err, SEQC_ERR_SHAPE,
                               "output '%s' buffer has an invalid shape "
                               "(negative or overflowing)",
                               tname);
    if (numel > 0 && !seqc_model_addressable(t))
      return seqc_model_refuse_strides("output", tname, t, err);
    if (numel > 0 && (k = seqc_model_state_meeting(states, num_states, t)) >= 0)
      return seqc_rt_set_error(
          err, SEQC_ERR_INVALID_ARGUMENT,
          "output '%s' buffer shares memory with the stream's state '%s' "
          "(each output needs its own)",
          tname, model_state_tensor(m, (size_t)k)->info.name);
    if (seqc_model_strides_overlap(t)) {
      char strides[SHAPE_TEXT_SIZE];
      seqc_model_format_shape(strides, sizeof(strides), t->rank, t->strides);
      return seqc_rt_set_error(
          err, SEQC_ERR_INVALID_ARGUMENT,
          "output '%s' buffer has strides %s, under which elements may "
          "share memory (an output needs one slot per element)",
          tname, strides);
    }
    for (int32_t d = 0; d < mt->info.rank; ++d) {
      int id = mt->dim_ids[d];
      int64_t want = mt->shape[d] >= 0                 ? mt->shape[d]
                     : id >= 0 && b->bound_by[id] >= 0 ? b->value[id]
                                                       : -1;
      if (want >= 0 && t->shape[d] != want) {
        char have[SHAPE_TEXT_SIZE], expected[SHAPE_TEXT_SIZE];
        seqc_model_format_shape(have, sizeof(have), t->rank, t->shape);
        format_expected(expected, sizeof(expected), mt, b);
        return seqc_rt_set_error(
            err, SEQC_ERR_SHAPE,
            "output '%s' buffer has shape %s, but the model produces %s for "
            "these inputs",
            tname, have, expected);
      }
    }
  }

  // Two outputs in one stretch of memory would overwrite each other (y and
  // h_n given the same buffer): each needs its own. Conservative: views
  // that interleave without sharing an element are refused too.
  for (size_t o = 0; o < num_outputs; ++o) {
    if (!outputs[o].data || seqc_rt_tensor_numel(&outputs[o]) <= 0)
      continue;
    for (size_t p = 0; p < o; ++p) {
      if (!outputs[p].data || seqc_rt_tensor_numel(&outputs[p]) <= 0)
        continue;
      if (seqc_model_ranges_meet(&outputs[o], &outputs[p]))
        return seqc_rt_set_error(
            err, SEQC_ERR_INVALID_ARGUMENT,
            "output buffers '%s' and '%s' share memory (each output needs "
            "its own)",
            model_output_tensor(m, p)->info.name,
            model_output_tensor(m, o)->info.name);
    }
  }

  // Descriptors: the inputs, then the states. Non-contiguous inputs are
  // packed: the model is compiled for identity layouts and ignores
  // descriptor strides. States are the stream's dense buffers. The
  // weights' descriptors were built when the model opened.
  intptr_t in_words[SEQC_RT_MODEL_MAX_DESCRIPTOR_WORDS];
  intptr_t out_words[SEQC_RT_MODEL_MAX_DESCRIPTOR_WORDS];
  const size_t nargs = num_args(m), nresults = num_results(m);
  // The results, one descriptor per argument, the context: at most
  // 2 + MAX_INPUTS + MAX_WEIGHTS pointers (34 KiB), sized to the model.
  void *args[2 + nargs];
  // The inputs' and states' buffers as the model gets them, and the copies
  // made for it (packed or staged), in argument order.
  void *arg_buffers[SEQC_RT_MODEL_MAX_INPUTS];
  void *packed[SEQC_RT_MODEL_MAX_INPUTS];
  size_t off = 0, n = 0;
  args[0] = out_words;
  const size_t first_state = model_state_index(m, 0);
  for (size_t a = 0; a < nargs; ++a) {
    if (a >= num_inputs && a < first_state) {
      args[1 + a] = m->weight_descriptors[a - num_inputs];
      continue;
    }
    const seqc_tensor *t =
        a < num_inputs ? &inputs[a] : &states[a - first_state];
    void *data = t->data;
    packed[n] = NULL;
    const size_t esize = seqc_rt_dtype_size(t->dtype);
    const int64_t bytes =
        seqc_model_byte_size(seqc_rt_tensor_numel(t), esize);
    // A CUDA model's kernels read only managed memory: every input and
    // state is staged there (the weights were when the model opened).
    const int stage = m->cuda && bytes > 0;
    if (stage || !seqc_rt_tensor_is_contiguous(t)) {
      packed[n] = stage ? seqc_rt_cuda_alloc(m->cuda, (size_t)bytes)
                        : seqc_rt_alloc((size_t)bytes);
      if (!packed[n]) {
        free_staged(m, packed, n);
        return seqc_rt_set_error(err, SEQC_ERR_OUT_OF_MEMORY,
                                 "out of memory %s %s '%s'",
                                 stage ? "copying to GPU memory" : "packing",
                                 role(m, a), m->tensors[a].info.name);
      }
      int64_t strides[SEQC_MAX_RANK];
      dense_strides(t->rank, t->shape, strides);
      copy_strided(packed[n], strides, t->data, t->strides, t->rank, t->shape,
                   esize);
      data = packed[n];
    }
    arg_buffers[n++] = data;
    args[1 + a] = in_words + off;
    seqc_model_write_descriptor(in_words + off, data, t->rank, t->shape);
    off += descriptor_words(t->rank);
  }
  size_t total_out_words = 0;
  for (size_t r = 0; r < nresults; ++r)
    total_out_words +=
        descriptor_words(m->tensors[result_tensor(m, r)].info.rank);
  memset(out_words, 0, total_out_words * sizeof(intptr_t));

  seqc_model_context context;
  memset(&context, 0, sizeof(context));
  run_allocations run;
  seqc_run_allocations_init(&run, m->buffers);
  // The GPU first: the run's allocator below replaces its plain managed
  // allocations with the model's cache of managed blocks.
  if (m->cuda)
    seqc_rt_cuda_attach(m->cuda, &context);
  seqc_run_allocations_attach(&run, &context);
  seqc_rt_thread_pool_attach(m->pool, &context);
  args[1 + nargs] = &context;
  m->api->invoke(args);

  // A next state may be an argument's copy (a cache updated in place):
  // the copies go after the delivery.
  seqc_status status =
      deliver_results(m, outputs, states, b, out_words, arg_buffers, &context,
                      &run, err);
  free_staged(m, packed, n);
  // Whatever the model left allocated (an early return) goes back too.
  seqc_run_allocations_finish(&run);
  return status;
}

/* Checks the results of a run and delivers them: outputs to the caller,
 * next states into the stream's buffers; everything else goes back to the
 * run's allocator. Either all of it happens or, on failure, none. */
static seqc_status deliver_results(const seqc_model *m, seqc_tensor *outputs,
                                   const seqc_tensor *states,
                                   model_dim_bindings *b,
                                   const intptr_t *out_words,
                                   void *const *arg_buffers,
                                   const seqc_model_context *context,
                                   run_allocations *run, seqc_error *err) {
  const char *name = m->api->name;
  const size_t num_states = m->num_states, num_outputs = m->num_outputs;
  const size_t nresults = num_results(m);
  size_t off;
  if (context->status != SEQC_OK) {
    // A check in the generated code failed: nothing is delivered.
    release_model_buffers(m, out_words, NULL, arg_buffers, run);
    return report_check_failure(m, context, err);
  }

  // Pass 1: check every result before touching any output or state, so
  // that a failure leaves nothing half-delivered. A next state that lives in
  // an argument's buffer (a state's own, say) is snapshotted now, since the
  // state copies below may overwrite it.
  void *snapshots[SEQC_RT_MODEL_MAX_OUTPUTS];
  for (size_t k = 0; k < num_states; ++k)
    snapshots[k] = NULL;
  seqc_status status = SEQC_OK;
  off = 0;
  for (size_t r = 0; r < nresults && status == SEQC_OK; ++r) {
    const size_t index = result_tensor(m, r);
    const model_tensor *mt = &m->tensors[index];
    const int64_t rank = mt->info.rank;
    const size_t esize = seqc_rt_dtype_size(mt->info.dtype);
    const char *what = r < num_outputs ? "output" : "next state";
    out_view v = read_view(out_words + off, rank);
    off += descriptor_words(rank);
    int64_t numel = 1;
    for (int64_t d = 0; d < rank && numel >= 0; ++d) {
      if (v.sizes[d] < 0 || (v.sizes[d] > 0 && numel > INT64_MAX / v.sizes[d]))
        numel = -1;
      else
        numel *= v.sizes[d];
    }
    if (numel < 0 || seqc_model_byte_size(numel, esize) < 0 ||
        (numel > 0 && !v.aligned)) {
      status = seqc_rt_set_error(
          err, SEQC_ERR_INTERNAL,
          "model '%s' returned a malformed descriptor for %s '%s'", name, what,
          mt->info.name);
      break;
    }
    status = check_dims(m, index, v.sizes, b, 1, "", SEQC_ERR_INTERNAL, err);
    if (status != SEQC_OK) {
      // Say it is the model that broke its own signature.
      char have[SHAPE_TEXT_SIZE];
      seqc_model_format_shape(have, sizeof(have), rank, v.sizes);
      char detail[SEQC_ERROR_MESSAGE_SIZE];
      snprintf(detail, sizeof(detail), "%s", err ? err->message : "");
      // (An output whose axis an export named after an input's, with
      // another length, is the usual cause: torch.onnx.export's
      // dynamic_axes giving y = x[:, ::2] the name of x's T.)
      status = seqc_rt_set_error(
          err, SEQC_ERR_INTERNAL,
          "model '%s' broke its signature: it produced %s '%s' with "
          "shape %s (%s)%s",
          name, what, mt->info.name, have, detail,
          r < num_outputs
              ? "; a model whose export named this output's axis after an "
                "input's while their lengths differ does this: name it apart"
              : "");
      break;
    }
    if (r >= num_outputs) {
      const size_t k = r - num_outputs;
      if (updated_in_place(&v, &states[k]))
        continue;
      if (is_argument_buffer(m, arg_buffers, v.allocated) && numel > 0) {
        snapshots[k] =
            seqc_rt_alloc((size_t)seqc_model_byte_size(numel, esize));
        if (!snapshots[k]) {
          status = seqc_rt_set_error(err, SEQC_ERR_OUT_OF_MEMORY,
                                     "out of memory copying next state '%s'",
                                     mt->info.name);
          break;
        }
        int64_t strides[SEQC_MAX_RANK];
        dense_strides(rank, v.sizes, strides);
        copy_strided(snapshots[k], strides,
                     v.aligned + v.offset * (int64_t)esize, v.strides, rank,
                     v.sizes, esize);
      }
      continue;
    }
    const seqc_tensor *t = &outputs[r];
    if (t->data) {
      for (int64_t d = 0; d < rank; ++d) {
        if (t->shape[d] != v.sizes[d]) {
          char have[SHAPE_TEXT_SIZE], produced[SHAPE_TEXT_SIZE];
          seqc_model_format_shape(have, sizeof(have), rank, t->shape);
          seqc_model_format_shape(produced, sizeof(produced), rank, v.sizes);
          status = seqc_rt_set_error(
              err, SEQC_ERR_SHAPE,
              "output '%s' buffer has shape %s, but the model produced %s",
              mt->info.name, have, produced);
          break;
        }
      }
    }
  }
  if (status != SEQC_OK) {
    free_all(snapshots, num_states);
    release_model_buffers(m, out_words, NULL, arg_buffers, run);
    return status;
  }

  // Pass 2: deliver the outputs. A dense, unshared model buffer whose
  // allocation starts at its first element is handed over as is; anything
  // else is copied.
  int handed_over[SEQC_RT_MODEL_MAX_OUTPUTS];
  int runtime_owned[SEQC_RT_MODEL_MAX_OUTPUTS];
  for (size_t o = 0; o < num_outputs; ++o)
    handed_over[o] = runtime_owned[o] = 0;
  off = 0;
  for (size_t o = 0; o < num_outputs; ++o) {
    const model_tensor *mt = model_output_tensor(m, o);
    const int64_t rank = mt->info.rank;
    const size_t esize = seqc_rt_dtype_size(mt->info.dtype);
    out_view v = read_view(out_words + off, rank);
    off += descriptor_words(rank);
    seqc_tensor *t = &outputs[o];
    const char *src = v.aligned ? v.aligned + v.offset * (int64_t)esize : NULL;
    if (t->data) {
      copy_strided(t->data, t->strides, src, v.strides, rank, v.sizes, esize);
      continue;
    }
    seqc_tensor produced;
    seqc_rt_tensor_init(&produced, NULL, mt->info.dtype, rank, v.sizes);
    const int shared = result_is_shared(m, out_words, o, arg_buffers);
    memcpy(produced.strides, v.strides, sizeof(int64_t) * (size_t)rank);
    // A CUDA model's blocks are managed memory, which free() cannot take.
    if (!m->cuda && !shared && v.allocated && v.allocated == (void *)v.aligned &&
        v.offset == 0 && seqc_rt_tensor_is_contiguous(&produced)) {
      dense_strides(rank, v.sizes, produced.strides);
      produced.data = v.allocated;
      handed_over[o] = 1;
      seqc_run_allocations_hand_over(run, v.allocated);
    } else {
      int64_t numel = seqc_rt_tensor_numel(&produced);
      produced.data = seqc_rt_alloc((size_t)seqc_model_byte_size(numel, esize));
      if (!produced.data) {
        // Undo the deliveries so far; the caller gets nothing half-done.
        for (size_t p = 0; p < o; ++p) {
          if (runtime_owned[p]) {
            free(outputs[p].data);
            outputs[p].data = NULL;
          }
        }
        free_all(snapshots, num_states);
        release_model_buffers(m, out_words, handed_over, arg_buffers, run);
        return seqc_rt_set_error(err, SEQC_ERR_OUT_OF_MEMORY,
                                 "out of memory delivering output '%s'",
                                 mt->info.name);
      }
      int64_t strides[SEQC_MAX_RANK];
      dense_strides(rank, v.sizes, strides);
      copy_strided(produced.data, strides, src, v.strides, rank, v.sizes,
                   esize);
      memcpy(produced.strides, strides, sizeof(int64_t) * (size_t)rank);
    }
    *t = produced;
    runtime_owned[o] = 1;
  }

  // Pass 3: the next states into the stream's buffers. Nothing here can
  // fail, so a failed step never leaves the states half-advanced.
  for (size_t k = 0; k < num_states; ++k) {
    const model_tensor *mt = model_state_tensor(m, k);
    const int64_t rank = mt->info.rank;
    const size_t esize = seqc_rt_dtype_size(mt->info.dtype);
    out_view v = read_view(out_words + off, rank);
    off += descriptor_words(rank);
    const seqc_tensor *s = &states[k];
    if (updated_in_place(&v, s))
      continue;
    if (snapshots[k]) {
      int64_t strides[SEQC_MAX_RANK];
      dense_strides(rank, v.sizes, strides);
      copy_strided(s->data, s->strides, snapshots[k], strides, rank, v.sizes,
                   esize);
    } else if (v.aligned) {
      copy_strided(s->data, s->strides, v.aligned + v.offset * (int64_t)esize,
                   v.strides, rank, v.sizes, esize);
    }
  }
  free_all(snapshots, num_states);
  release_model_buffers(m, out_words, handed_over, arg_buffers, run);
  seqc_rt_clear_error(err);
  return SEQC_OK;
}
