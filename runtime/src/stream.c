//===- stream.c - Thread a causal model's states from chunk to chunk ------===//
//
// A stream is a parsed step api (a seqc_model with states), the extents of
// the dims its states name, and one dense buffer per state. A step is the
// model runner's invoke core (model.c) with the state buffers appended to the
// arguments; the core validates, runs and delivers exactly as for
// seqc_rt_model_run and copies the next states into the buffers last, when
// nothing can fail any more.
//
//===----------------------------------------------------------------------===//

#include "seqc/stream.h"

#include "model_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

// "[" + 8 * (20 digits + ",") + "]" + NUL, with room to spare.
#define SHAPE_TEXT_SIZE 192
// The state dim names quoted in an error ("B, H, ...").
#define NAME_LIST_SIZE 160

struct seqc_stream {
  seqc_model *model;
  // The dims the states name, preset for every step; bound_by is the first
  // state naming each (model.c words a mismatch "the stream was opened
  // with ...").
  model_dim_bindings bindings;
  size_t num_states;
  seqc_tensor *states; // the buffers, as passed to the model
  seqc_tensor *views;  // what seqc_rt_stream_state hands out
};

void seqc_rt_stream_set_thread_pool(seqc_stream *stream,
                                    seqc_thread_pool *pool) {
  if (stream)
    seqc_rt_model_set_thread_pool(stream->model, pool);
}

void seqc_rt_stream_close(seqc_stream *stream) {
  if (!stream)
    return;
  for (size_t k = 0; stream->states && k < stream->num_states; ++k)
    seqc_rt_free(stream->states[k].data);
  free(stream->states);
  seqc_rt_model_close(stream->model);
  free(stream);
}

void seqc_rt_stream_memory_stats(const seqc_stream *stream,
                                 seqc_memory_stats *stats) {
  seqc_rt_model_memory_stats(stream ? stream->model : NULL, stats);
}

void seqc_rt_stream_trim(const seqc_stream *stream) {
  if (stream)
    seqc_rt_model_trim(stream->model);
}

// The dim names the states use, in first-use order, for error messages.
static void state_dim_list(const seqc_model *m, const int *used, char *buf,
                           size_t size) {
  size_t len = 0;
  buf[0] = '\0';
  for (size_t id = 0; id < m->num_dim_names && len < size; ++id)
    if (used[id])
      len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? ", " : "",
                              m->dim_names[id]);
  if (len == 0)
    snprintf(buf, size, "none");
}

static int find_dim_name(const seqc_model *m, const char *name) {
  for (size_t id = 0; id < m->num_dim_names; ++id)
    if (strcmp(m->dim_names[id], name) == 0)
      return (int)id;
  return -1;
}

// Binds `dims` into s->bindings; every name must be one the states use.
static seqc_status bind_dims(seqc_stream *s, const seqc_dim_binding *dims,
                             size_t num_dims, seqc_error *err) {
  const seqc_model *m = s->model;
  const char *name = m->api->name;
  int used[SEQC_RT_MODEL_MAX_DIM_NAMES] = {0};
  int first_state[SEQC_RT_MODEL_MAX_DIM_NAMES];
  for (size_t k = 0; k < m->num_states; ++k) {
    const model_tensor *t = model_state_tensor(m, k);
    for (int32_t d = 0; d < t->info.rank; ++d) {
      int id = t->dim_ids[d];
      if (id >= 0 && !used[id]) {
        used[id] = 1;
        first_state[id] = (int)model_state_index(m, k);
      }
    }
  }
  char names[NAME_LIST_SIZE];
  state_dim_list(m, used, names, sizeof(names));

  seqc_model_bindings_clear(&s->bindings);
  for (size_t j = 0; j < num_dims; ++j) {
    const char *dim = dims[j].name;
    if (!dim)
      return seqc_rt_set_error(err, SEQC_ERR_INVALID_ARGUMENT,
                               "model '%s': dimension binding %zu has a NULL "
                               "name",
                               name, j);
    int id = find_dim_name(m, dim);
    if (id < 0)
      return seqc_rt_set_error(
          err, SEQC_ERR_INVALID_ARGUMENT,
          "model '%s' has no dimension named '%s' (its states use: %s)", name,
          dim, names);
    if (!used[id])
      return seqc_rt_set_error(
          err, SEQC_ERR_INVALID_ARGUMENT,
          "model '%s': dimension '%s' is not used by any state, so a stream "
          "does not bind it (bind only: %s)",
          name, dim, names);
    if (s->bindings.bound_by[id] >= 0)
      return seqc_rt_set_error(err, SEQC_ERR_INVALID_ARGUMENT,
                               "model '%s': dimension '%s' is bound twice",
                               name, dim);
    if (dims[j].extent < 0)
      return seqc_rt_set_error(err, SEQC_ERR_INVALID_ARGUMENT,
                               "model '%s': dimension '%s' has a negative "
                               "extent %lld",
                               name, dim, (long long)dims[j].extent);
    // A key/value cache of no steps could take no chunk: refused here
    // rather than at the first step.
    if (dims[j].extent == 0 && strcmp(dim, "capacity") == 0)
      return seqc_rt_set_error(err, SEQC_ERR_INVALID_ARGUMENT,
                               "model '%s': capacity is 0, but the key/value "
                               "cache must hold at least 1 step",
                               name);
    s->bindings.value[id] = dims[j].extent;
    s->bindings.bound_by[id] = (int16_t)first_state[id];
  }
  for (size_t k = 0; k < m->num_states; ++k) {
    const model_tensor *t = model_state_tensor(m, k);
    for (int32_t d = 0; d < t->info.rank; ++d) {
      int id = t->dim_ids[d];
      if (id >= 0 && s->bindings.bound_by[id] < 0)
        return seqc_rt_set_error(
            err, SEQC_ERR_INVALID_ARGUMENT,
            "model '%s': dimension '%s' (state '%s' dimension %d) is not "
            "bound; pass its extent to seqc_rt_stream_open (bind: %s)",
            name, m->dim_names[id], t->info.name, d, names);
    }
  }
  return SEQC_OK;
}

// The machine's physical memory in bytes; 0 when the system does not say.
static uint64_t physical_memory(void) {
  long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || size <= 0)
    return 0;
  return (uint64_t)pages * (uint64_t)size;
}

// Allocates and zeroes the state buffers at their bound shapes. States
// that together exceed the machine's memory fail here: Linux would grant
// the allocations (overcommit) and the zeroing would get the process
// killed, with no error to report.
static seqc_status alloc_states(seqc_stream *s, seqc_error *err) {
  const seqc_model *m = s->model;
  s->states = calloc(2 * s->num_states, sizeof(seqc_tensor));
  if (!s->states)
    return seqc_rt_set_error(err, SEQC_ERR_OUT_OF_MEMORY, "out of memory");
  s->views = s->states + s->num_states;
  uint64_t total = 0;
  for (size_t k = 0; k < s->num_states; ++k) {
    const model_tensor *t = model_state_tensor(m, k);
    int64_t shape[SEQC_MAX_RANK];
    for (int32_t d = 0; d < t->info.rank; ++d)
      shape[d] =
          t->shape[d] >= 0 ? t->shape[d] : s->bindings.value[t->dim_ids[d]];
    seqc_tensor *st = &s->states[k];
    seqc_rt_tensor_init(st, NULL, t->info.dtype, t->info.rank, shape);
    int64_t bytes = seqc_model_byte_size(seqc_rt_tensor_numel(st),
                                         seqc_rt_dtype_size(t->info.dtype));
    if (bytes < 0 || (uint64_t)bytes > SIZE_MAX) {
      char text[SHAPE_TEXT_SIZE];
      seqc_model_format_shape(text, sizeof(text), t->info.rank, shape);
      return seqc_rt_set_error(err, SEQC_ERR_INVALID_ARGUMENT,
                               "model '%s': state '%s' would have shape %s, "
                               "which is too large",
                               m->api->name, t->info.name, text);
    }
    // (Saturating: states near SIZE_MAX each could wrap the sum.)
    total = (uint64_t)bytes > UINT64_MAX - total ? UINT64_MAX
                                                 : total + (uint64_t)bytes;
  }
  const uint64_t memory = physical_memory();
  if (memory && total > memory)
    return seqc_rt_set_error(
        err, SEQC_ERR_OUT_OF_MEMORY,
        "model '%s': its states need %llu bytes at these sizes (a key/value "
        "cache holds `capacity` steps), more than this machine's %llu bytes "
        "of memory",
        m->api->name, (unsigned long long)total, (unsigned long long)memory);
  for (size_t k = 0; k < s->num_states; ++k) {
    const model_tensor *t = model_state_tensor(m, k);
    seqc_tensor *st = &s->states[k];
    const size_t bytes = (size_t)seqc_model_byte_size(
        seqc_rt_tensor_numel(st), seqc_rt_dtype_size(t->info.dtype));
    st->data = seqc_rt_alloc(bytes);
    if (!st->data)
      return seqc_rt_set_error(err, SEQC_ERR_OUT_OF_MEMORY,
                               "model '%s': out of memory allocating state "
                               "'%s' (%lld bytes)",
                               m->api->name, t->info.name, (long long)bytes);
    memset(st->data, 0, bytes);
    s->views[k] = *st;
  }
  return SEQC_OK;
}

static seqc_status stream_open(const seqc_model_api *step_api,
                               const char *weights_path,
                               const seqc_dim_binding *dims, size_t num_dims,
                               seqc_stream **out, seqc_error *err) {
  if (out)
    *out = NULL;
  if (!step_api || !out || (num_dims && !dims))
    return seqc_rt_set_error(err, SEQC_ERR_INVALID_ARGUMENT,
                             "seqc_rt_stream_open%s: step_api and out must "
                             "not be NULL, nor dims when num_dims > 0",
                             weights_path ? "_weights" : "");
  seqc_stream *s = calloc(1, sizeof(*s));
  if (!s)
    return seqc_rt_set_error(err, SEQC_ERR_OUT_OF_MEMORY, "out of memory");
  seqc_status status = seqc_model_open(step_api, weights_path,
                                       "seqc_rt_stream_open", &s->model, err);
  if (status != SEQC_OK) {
    seqc_rt_stream_close(s);
    return status;
  }
  if (s->model->num_states == 0) {
    const char *name = s->model->api->name;
    seqc_rt_stream_close(s);
    return seqc_rt_set_error(
        err, SEQC_ERR_INVALID_ARGUMENT,
        "model '%s' has no states, so it cannot be streamed: open its step "
        "api (%s_step_api) instead",
        name, name);
  }
  s->num_states = s->model->num_states;
  status = bind_dims(s, dims, num_dims, err);
  if (status == SEQC_OK)
    status = alloc_states(s, err);
  if (status != SEQC_OK) {
    seqc_rt_stream_close(s);
    return status;
  }
  *out = s;
  seqc_rt_clear_error(err);
  return SEQC_OK;
}

seqc_status seqc_rt_stream_open(const seqc_model_api *step_api,
                                const seqc_dim_binding *dims, size_t num_dims,
                                seqc_stream **out, seqc_error *err) {
  return stream_open(step_api, NULL, dims, num_dims, out, err);
}

seqc_status seqc_rt_stream_open_weights(const seqc_model_api *step_api,
                                        const char *weights_path,
                                        const seqc_dim_binding *dims,
                                        size_t num_dims, seqc_stream **out,
                                        seqc_error *err) {
  if (out)
    *out = NULL;
  if (!weights_path)
    return seqc_rt_set_error(err, SEQC_ERR_INVALID_ARGUMENT,
                             "seqc_rt_stream_open_weights: weights_path must "
                             "not be NULL");
  return stream_open(step_api, weights_path, dims, num_dims, out, err);
}

seqc_status seqc_rt_stream_reset(seqc_stream *stream) {
  if (!stream)
    return SEQC_ERR_INVALID_ARGUMENT;
  for (size_t k = 0; k < stream->num_states; ++k) {
    seqc_tensor *st = &stream->states[k];
    memset(st->data, 0,
           (size_t)seqc_model_byte_size(seqc_rt_tensor_numel(st),
                                        seqc_rt_dtype_size(st->dtype)));
  }
  return SEQC_OK;
}

size_t seqc_rt_stream_num_states(const seqc_stream *stream) {
  return stream ? stream->num_states : 0;
}

seqc_tensor *seqc_rt_stream_state(seqc_stream *stream, size_t k) {
  if (!stream || k >= stream->num_states)
    return NULL;
  stream->views[k] = stream->states[k]; // undo any edit of the descriptor
  return &stream->views[k];
}

// A generated check that ends "... the stream was opened with" (a full
// key/value cache) gets the extents it means: "(B = 2, capacity = 64)".
static void append_stream_dims(const seqc_stream *stream, seqc_error *err) {
  static const char kTail[] = "the stream was opened with";
  if (!err)
    return;
  size_t len = strlen(err->message), tail = sizeof(kTail) - 1;
  if (len < tail || strcmp(err->message + len - tail, kTail) != 0)
    return;
  const seqc_model *m = stream->model;
  const char *sep = " (";
  for (size_t id = 0; id < m->num_dim_names && len < sizeof(err->message);
       ++id) {
    if (stream->bindings.bound_by[id] < 0)
      continue;
    len += (size_t)snprintf(err->message + len, sizeof(err->message) - len,
                            "%s%s = %lld", sep, m->dim_names[id],
                            (long long)stream->bindings.value[id]);
    sep = ", ";
  }
  if (len < sizeof(err->message) && sep[0] == ',')
    snprintf(err->message + len, sizeof(err->message) - len, ")");
}

seqc_status seqc_rt_stream_step(seqc_stream *stream, const seqc_tensor *inputs,
                                size_t num_inputs, seqc_tensor *outputs,
                                size_t num_outputs, seqc_error *err) {
  if (!stream)
    return seqc_rt_set_error(err, SEQC_ERR_INVALID_ARGUMENT,
                             "seqc_rt_stream_step: stream is NULL");
  model_dim_bindings b = stream->bindings;
  seqc_status status =
      seqc_model_invoke(stream->model, inputs, num_inputs, outputs, num_outputs,
                        stream->states, &b, err);
  if (status == SEQC_ERR_SHAPE)
    append_stream_dims(stream, err);
  return status;
}
