//===- cuda.c - The CUDA driver API through dlopen ------------------------===//
//
// See seqc/cuda.h. The driver's types and functions are declared here from
// NVIDIA's documented ABI (cuda.h of the CUDA driver API), so building the
// runtime needs no CUDA headers and linking it needs no CUDA library. The
// versioned entry points (_v2) are the ones the driver's own header maps
// the plain names to.
//
//===----------------------------------------------------------------------===//

#include "seqc/cuda.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int CUresult; // CUDA_SUCCESS = 0
typedef int CUdevice;
typedef struct CUctx_st *CUcontext;
typedef struct CUmod_st *CUmodule;
typedef struct CUfunc_st *CUfunction;
typedef struct CUstream_st *CUstream;
typedef unsigned long long CUdeviceptr;

enum { CU_MEM_ATTACH_GLOBAL = 1, CUDA_ERROR_INVALID_VALUE = 1 };

// The driver functions seqc calls, each with the symbol it is loaded from.
#define SEQC_CUDA_FUNCTIONS(X)                                                 \
  X(cuInit, "cuInit", CUresult, (unsigned int))                                \
  X(cuDeviceGetCount, "cuDeviceGetCount", CUresult, (int *))                   \
  X(cuDeviceGet, "cuDeviceGet", CUresult, (CUdevice *, int))                   \
  X(cuDeviceGetName, "cuDeviceGetName", CUresult, (char *, int, CUdevice))     \
  X(cuDevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain", CUresult,            \
    (CUcontext *, CUdevice))                                                   \
  X(cuDevicePrimaryCtxRelease, "cuDevicePrimaryCtxRelease_v2", CUresult,       \
    (CUdevice))                                                                \
  X(cuCtxPushCurrent, "cuCtxPushCurrent_v2", CUresult, (CUcontext))            \
  X(cuCtxPopCurrent, "cuCtxPopCurrent_v2", CUresult, (CUcontext *))            \
  X(cuCtxSynchronize, "cuCtxSynchronize", CUresult, (void))                    \
  X(cuModuleLoadDataEx, "cuModuleLoadDataEx", CUresult,                        \
    (CUmodule *, const void *, unsigned int, int *, void **))                  \
  X(cuModuleUnload, "cuModuleUnload", CUresult, (CUmodule))                    \
  X(cuModuleGetFunction, "cuModuleGetFunction", CUresult,                      \
    (CUfunction *, CUmodule, const char *))                                    \
  X(cuLaunchKernel, "cuLaunchKernel", CUresult,                                \
    (CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned,   \
     unsigned, CUstream, void **, void **))                                    \
  X(cuMemAllocManaged, "cuMemAllocManaged", CUresult,                          \
    (CUdeviceptr *, size_t, unsigned int))                                     \
  X(cuMemFree, "cuMemFree_v2", CUresult, (CUdeviceptr))                        \
  X(cuGetErrorName, "cuGetErrorName", CUresult, (CUresult, const char **))     \
  X(cuGetErrorString, "cuGetErrorString", CUresult, (CUresult, const char **))

typedef struct cuda_driver {
#define SEQC_CUDA_POINTER(name, symbol, result, params) result(*name) params;
  SEQC_CUDA_FUNCTIONS(SEQC_CUDA_POINTER)
#undef SEQC_CUDA_POINTER
} cuda_driver;

// A loaded PTX module, a kernel of one, a weight's device copy.
typedef struct cached_module {
  const char *ptx;
  CUmodule module;
} cached_module;
typedef struct cached_function {
  const char *ptx, *kernel;
  CUfunction function;
} cached_function;
typedef struct cached_constant {
  const void *host;
  int64_t bytes;
  void *device;
} cached_constant;

struct seqc_cuda {
  void *library; // dlopen handle
  cuda_driver driver;
  CUdevice device;
  CUcontext context; // the device's primary context, retained
  char name[256];
  pthread_mutex_t lock; // guards the caches below
  cached_module *modules;
  size_t num_modules, modules_capacity;
  cached_function *functions;
  size_t num_functions, functions_capacity;
  cached_constant *constants;
  size_t num_constants, constants_capacity;
};

// The library seqc opens: libcuda.so.1 (the driver's soname), or the file
// SEQC_CUDA_DRIVER names (tests substitute a fake driver this way).
static const char *driver_library(void) {
  const char *path = getenv("SEQC_CUDA_DRIVER");
  return path && *path ? path : "libcuda.so.1";
}

static void describe(const seqc_cuda *cuda, CUresult code, char *buf,
                     size_t size) {
  const char *name = NULL, *text = NULL;
  if (cuda && cuda->driver.cuGetErrorName &&
      cuda->driver.cuGetErrorName(code, &name) == 0 && name &&
      cuda->driver.cuGetErrorString(code, &text) == 0 && text)
    snprintf(buf, size, "%s: %s", name, text);
  else
    snprintf(buf, size, "CUDA error %d", code);
}

const char *seqc_rt_cuda_error_text(const seqc_cuda *cuda, int64_t code,
                                    char *buf, size_t size) {
  if (buf && size)
    describe(cuda, (CUresult)code, buf, size);
  return buf;
}

// Grows *items (of *capacity elements of `size` bytes) to hold one more.
static int reserve(void **items, size_t count, size_t *capacity, size_t size) {
  if (count < *capacity)
    return 1;
  size_t grown = *capacity ? 2 * *capacity : 8;
  void *larger = realloc(*items, grown * size);
  if (!larger)
    return 0;
  *items = larger;
  *capacity = grown;
  return 1;
}

seqc_status seqc_rt_cuda_open(int device, seqc_cuda **out, seqc_error *err) {
  if (!out)
    return seqc_rt_set_error(err, SEQC_ERR_INVALID_ARGUMENT,
                             "seqc_rt_cuda_open: out is NULL");
  *out = NULL;
  const char *library = driver_library();
  // Never unloaded (RTLD_NODELETE): the driver's own threads may outlive
  // the last handle.
  void *handle = dlopen(library, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
  if (!handle) {
    const char *why = dlerror();
    return seqc_rt_set_error(err, SEQC_ERR_DEVICE,
                             "no CUDA driver: cannot load %s (%s)",
                             library, why ? why : "unknown reason");
  }
  seqc_cuda *cuda = calloc(1, sizeof(*cuda));
  if (!cuda) {
    dlclose(handle);
    return seqc_rt_set_error(err, SEQC_ERR_OUT_OF_MEMORY, "out of memory");
  }
  cuda->library = handle;
  cuda->device = -1; // nothing to release until the device is retained
#define SEQC_CUDA_LOAD(name, symbol, result, params)                           \
  *(void **)&cuda->driver.name = dlsym(handle, symbol);                        \
  if (!cuda->driver.name) {                                                    \
    seqc_rt_cuda_close(cuda);                                                  \
    return seqc_rt_set_error(err, SEQC_ERR_DEVICE,                             \
                             "the CUDA driver %s has no %s (too old?)",        \
                             library, symbol);                                 \
  }
  SEQC_CUDA_FUNCTIONS(SEQC_CUDA_LOAD)
#undef SEQC_CUDA_LOAD
  char why[256];
  CUresult rc = cuda->driver.cuInit(0);
  if (rc != 0) {
    describe(cuda, rc, why, sizeof(why));
    seqc_rt_cuda_close(cuda);
    return seqc_rt_set_error(err, SEQC_ERR_DEVICE,
                             "the CUDA driver did not start (cuInit: %s)", why);
  }
  int count = 0;
  rc = cuda->driver.cuDeviceGetCount(&count);
  if (rc != 0 || device < 0 || device >= count) {
    seqc_rt_cuda_close(cuda);
    return seqc_rt_set_error(err, SEQC_ERR_DEVICE,
                             "no CUDA device %d: the driver sees %d", device,
                             rc == 0 ? count : 0);
  }
  CUdevice dev;
  rc = cuda->driver.cuDeviceGet(&dev, device);
  if (rc == 0)
    rc = cuda->driver.cuDevicePrimaryCtxRetain(&cuda->context, dev);
  if (rc != 0) {
    describe(cuda, rc, why, sizeof(why));
    seqc_rt_cuda_close(cuda);
    return seqc_rt_set_error(err, SEQC_ERR_DEVICE,
                             "cannot use CUDA device %d: %s", device, why);
  }
  if (pthread_mutex_init(&cuda->lock, NULL) != 0) {
    cuda->driver.cuDevicePrimaryCtxRelease(dev);
    seqc_rt_cuda_close(cuda);
    return seqc_rt_set_error(err, SEQC_ERR_OUT_OF_MEMORY, "out of memory");
  }
  cuda->device = dev; // from here on close releases it and the lock
  if (cuda->driver.cuDeviceGetName(cuda->name, (int)sizeof(cuda->name), dev))
    snprintf(cuda->name, sizeof(cuda->name), "CUDA device %d", device);
  *out = cuda;
  seqc_rt_clear_error(err);
  return SEQC_OK;
}

void seqc_rt_cuda_close(seqc_cuda *cuda) {
  if (!cuda)
    return;
  if (cuda->device >= 0) {
    CUcontext popped;
    if (cuda->driver.cuCtxPushCurrent(cuda->context) == 0) {
      for (size_t i = 0; i < cuda->num_modules; ++i)
        cuda->driver.cuModuleUnload(cuda->modules[i].module);
      for (size_t i = 0; i < cuda->num_constants; ++i)
        cuda->driver.cuMemFree((CUdeviceptr)(uintptr_t)cuda->constants[i].device);
      cuda->driver.cuCtxPopCurrent(&popped);
    }
    cuda->driver.cuDevicePrimaryCtxRelease(cuda->device);
    pthread_mutex_destroy(&cuda->lock);
  }
  free(cuda->modules);
  free(cuda->functions);
  free(cuda->constants);
  if (cuda->library)
    dlclose(cuda->library);
  free(cuda);
}

const char *seqc_rt_cuda_device_name(const seqc_cuda *cuda) {
  return cuda ? cuda->name : "";
}

void *seqc_rt_cuda_alloc(seqc_cuda *cuda, size_t bytes) {
  if (!cuda || bytes == 0)
    return NULL;
  CUdeviceptr block = 0;
  CUcontext popped;
  if (cuda->driver.cuCtxPushCurrent(cuda->context) != 0)
    return NULL;
  CUresult rc = cuda->driver.cuMemAllocManaged(&block, bytes,
                                               CU_MEM_ATTACH_GLOBAL);
  cuda->driver.cuCtxPopCurrent(&popped);
  return rc == 0 ? (void *)(uintptr_t)block : NULL;
}

void seqc_rt_cuda_free(seqc_cuda *cuda, void *block) {
  if (!cuda || !block)
    return;
  CUcontext popped;
  if (cuda->driver.cuCtxPushCurrent(cuda->context) != 0)
    return;
  cuda->driver.cuMemFree((CUdeviceptr)(uintptr_t)block);
  cuda->driver.cuCtxPopCurrent(&popped);
}

// seqc_model_context.alloc / .free over managed memory. Managed blocks are
// at least 256-byte aligned; a model never asks for more.
static void *context_alloc(void *allocator, size_t alignment, size_t size) {
  if (alignment > 256)
    return NULL;
  return seqc_rt_cuda_alloc(allocator, size);
}

static void context_free(void *allocator, void *block) {
  seqc_rt_cuda_free(allocator, block);
}

// The kernel `kernel` of module `ptx`, loading the module on first use.
// Called with the lock held and the context current.
static CUresult find_function(seqc_cuda *cuda, const char *ptx,
                              const char *kernel, CUfunction *out) {
  for (size_t i = 0; i < cuda->num_functions; ++i)
    if (cuda->functions[i].ptx == ptx && cuda->functions[i].kernel == kernel) {
      *out = cuda->functions[i].function;
      return 0;
    }
  CUmodule module = NULL;
  for (size_t i = 0; i < cuda->num_modules && !module; ++i)
    if (cuda->modules[i].ptx == ptx)
      module = cuda->modules[i].module;
  CUresult rc;
  if (!module) {
    if (!reserve((void **)&cuda->modules, cuda->num_modules,
                 &cuda->modules_capacity, sizeof(cached_module)))
      return 2; // CUDA_ERROR_OUT_OF_MEMORY
    // The driver compiles the PTX for this GPU (JIT).
    rc = cuda->driver.cuModuleLoadDataEx(&module, ptx, 0, NULL, NULL);
    if (rc != 0)
      return rc;
    cuda->modules[cuda->num_modules++] = (cached_module){ptx, module};
  }
  if (!reserve((void **)&cuda->functions, cuda->num_functions,
               &cuda->functions_capacity, sizeof(cached_function)))
    return 2;
  rc = cuda->driver.cuModuleGetFunction(out, module, kernel);
  if (rc != 0)
    return rc;
  cuda->functions[cuda->num_functions++] =
      (cached_function){ptx, kernel, *out};
  return 0;
}

static int32_t context_launch(void *gpu, const char *ptx, const char *kernel,
                              const int64_t dims[6], void **params) {
  seqc_cuda *cuda = gpu;
  // An empty grid (a loop over an empty tensor) has nothing to run; CUDA
  // would reject it.
  for (int d = 0; d < 6; ++d)
    if (dims[d] == 0)
      return 0;
  const int64_t limit[6] = {INT32_MAX, 65535, 65535, 1024, 1024, 64};
  for (int d = 0; d < 6; ++d)
    if (dims[d] < 0 || dims[d] > limit[d])
      return CUDA_ERROR_INVALID_VALUE;
  CUcontext popped;
  CUresult rc = cuda->driver.cuCtxPushCurrent(cuda->context);
  if (rc != 0)
    return rc;
  CUfunction function;
  pthread_mutex_lock(&cuda->lock);
  rc = find_function(cuda, ptx, kernel, &function);
  pthread_mutex_unlock(&cuda->lock);
  if (rc == 0)
    rc = cuda->driver.cuLaunchKernel(
        function, (unsigned)dims[0], (unsigned)dims[1], (unsigned)dims[2],
        (unsigned)dims[3], (unsigned)dims[4], (unsigned)dims[5], 0, NULL,
        params, NULL);
  // The host code may read what the kernel wrote right after the call.
  if (rc == 0)
    rc = cuda->driver.cuCtxSynchronize();
  cuda->driver.cuCtxPopCurrent(&popped);
  return rc;
}

static const void *context_constant(void *gpu, const void *host,
                                    int64_t bytes) {
  seqc_cuda *cuda = gpu;
  if (bytes <= 0)
    return host; // nothing to read; any non-NULL pointer will do
  void *device = NULL;
  pthread_mutex_lock(&cuda->lock);
  for (size_t i = 0; i < cuda->num_constants && !device; ++i)
    if (cuda->constants[i].host == host && cuda->constants[i].bytes == bytes)
      device = cuda->constants[i].device;
  if (!device &&
      reserve((void **)&cuda->constants, cuda->num_constants,
              &cuda->constants_capacity, sizeof(cached_constant))) {
    device = seqc_rt_cuda_alloc(cuda, (size_t)bytes);
    if (device) {
      memcpy(device, host, (size_t)bytes);
      cuda->constants[cuda->num_constants++] =
          (cached_constant){host, bytes, device};
    }
  }
  pthread_mutex_unlock(&cuda->lock);
  return device;
}

void seqc_rt_cuda_attach(seqc_cuda *cuda, seqc_model_context *context) {
  if (!context || !cuda)
    return;
  context->alloc = context_alloc;
  context->free = context_free;
  context->allocator = cuda;
  context->gpu_launch = context_launch;
  context->gpu_constant = context_constant;
  context->gpu = cuda;
}
