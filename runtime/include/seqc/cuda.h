/*===- seqc/cuda.h - The CUDA driver, opened at run time -------------------===*
 *
 * Models compiled with `seqc --target=cuda` (SEQC_MODEL_FLAG_CUDA) run
 * their kernels through a seqc_cuda: the runtime opens NVIDIA's driver
 * library (libcuda.so.1) with dlopen when a handle is created, so nothing
 * in seqc links CUDA and a machine without a GPU runs every CPU model as
 * before. seqc_rt_model_open does all of this for a CUDA model; these calls
 * are for an application that drives a compiled entry itself.
 *
 * Memory: every buffer a CUDA model touches is CUDA managed memory
 * (cuMemAllocManaged), addressable by the CPU and the GPU alike, because
 * the model's host code (its checks, its time loop) and its kernels share
 * buffers. Kernels run on the device's primary context, one at a time, and
 * each launch returns once its kernel has finished.
 *
 *===----------------------------------------------------------------------===*/
#ifndef SEQC_CUDA_H
#define SEQC_CUDA_H

#include "seqc/runtime.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct seqc_cuda seqc_cuda;

/* Opens GPU number `device` (0-based, as CUDA counts them). Returns
 * SEQC_ERR_DEVICE, saying why, when libcuda.so.1 cannot be loaded (no
 * NVIDIA driver), lacks a needed function, cuInit fails (no device, a
 * driver and kernel module that disagree) or `device` is out of range;
 * SEQC_ERR_OUT_OF_MEMORY when the handle cannot be allocated. Several
 * handles may share a device. */
seqc_status seqc_rt_cuda_open(int device, seqc_cuda **out, seqc_error *err);

/* Frees the handle's loaded modules and weight copies and releases the
 * device; NULL is a no-op. No model may still be running on it. */
void seqc_rt_cuda_close(seqc_cuda *cuda);

/* The device's name as the driver reports it ("NVIDIA H100 80GB HBM3"). */
const char *seqc_rt_cuda_device_name(const seqc_cuda *cuda);

/* `bytes` bytes of managed memory (256-byte aligned), or NULL when out of
 * memory or `bytes` is 0. Thread-safe. */
void *seqc_rt_cuda_alloc(seqc_cuda *cuda, size_t bytes);
/* Frees a block of seqc_rt_cuda_alloc; NULL is a no-op. */
void seqc_rt_cuda_free(seqc_cuda *cuda, void *block);

/* Lets a CUDA model run with `context` (abi.h, ABI version 5): sets
 * gpu_launch, gpu_constant and gpu, and the allocator (alloc, free,
 * allocator) to managed memory. The inputs, weights and states passed to
 * the entry must be managed memory too (seqc_rt_cuda_alloc). The handle
 * must outlive the call the context is passed to. NULL context: no-op. */
void seqc_rt_cuda_attach(seqc_cuda *cuda, seqc_model_context *context);

/* The driver's name and description of a CUDA error code (a CUresult, the
 * value a failed kernel's message quotes), e.g. "CUDA_ERROR_LAUNCH_FAILED:
 * unspecified launch failure", written to `buf`; "CUDA error N" when the
 * driver does not know it or `cuda` is NULL. Returns `buf`. */
const char *seqc_rt_cuda_error_text(const seqc_cuda *cuda, int64_t code,
                                    char *buf, size_t size);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* SEQC_CUDA_H */
