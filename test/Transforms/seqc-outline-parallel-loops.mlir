// RUN: seq-opt %s --seqc-outline-parallel-loops --split-input-file | FileCheck %s

// A marked loop becomes a call of seqc_parallel_for with the trip count, a
// new function that runs iterations [begin, end) (through one that takes
// the model context as its context argument) and a record, on the entry's
// stack (64-byte aligned), of the context and what the body reads from
// outside: here the memref's descriptor, the scalar and the upper bound.
// The constants (the lower bound and the step) are cloned instead.
// CHECK-LABEL: func.func @scale
// CHECK-SAME: %[[X:[a-z0-9]+]]: memref<?xf32>, %[[S:[a-z0-9]+]]: f32, %[[CTX:[a-z0-9]+]]: !llvm.ptr {seqc.model_context}
// CHECK: %[[RECORD:.+]] = llvm.alloca %{{.+}} x !llvm.struct<(ptr, struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)>, f32, i64)> {alignment = 64 : i64}
// CHECK: llvm.insertvalue %[[CTX]], %{{.+}}[0]
// CHECK: %[[DESC:.+]] = builtin.unrealized_conversion_cast %[[X]] : memref<?xf32> to !llvm.struct
// CHECK: llvm.insertvalue %[[DESC]], %{{.+}}[1]
// CHECK: llvm.insertvalue %[[S]], %{{.+}}[2]
// CHECK: llvm.store %{{.+}}, %[[RECORD]]
// CHECK: %[[TRIPS:.+]] = arith.ceildivui
// CHECK: %[[FN:.+]] = constant @scale_parallel0 : (!llvm.ptr, i64, i64) -> ()
// CHECK: %[[FNPTR:.+]] = builtin.unrealized_conversion_cast %[[FN]]
// CHECK: %[[N:.+]] = arith.index_cast %[[TRIPS]] : index to i64
// CHECK: llvm.call @seqc_parallel_for(%[[CTX]], %[[N]], %[[FNPTR]], %[[RECORD]])
// CHECK-NOT: scf.for
// CHECK: return
// CHECK: func.func private @scale_parallel0(%[[ARGS0:.+]]: !llvm.ptr, %[[BEGIN0:.+]]: i64, %[[END0:.+]]: i64)
// CHECK-SAME: llvm.linkage = #llvm.linkage<internal>
// CHECK: %[[REC0:.+]] = llvm.load %[[ARGS0]]
// CHECK: %[[CTX0:.+]] = llvm.extractvalue %[[REC0]][0]
// CHECK: call @scale_parallel0_loop(%[[ARGS0]], %[[BEGIN0]], %[[END0]], %[[CTX0]])
// CHECK: func.func private @scale_parallel0_loop(%[[ARGS:.+]]: !llvm.ptr, %[[BEGIN:.+]]: i64, %[[END:.+]]: i64, %{{.+}}: !llvm.ptr {seqc.model_context})
// CHECK-SAME: llvm.linkage = #llvm.linkage<internal>
// CHECK: %[[FIELDS:.+]] = llvm.load %[[ARGS]]
// CHECK-DAG: arith.constant 0 : index
// CHECK-DAG: arith.constant 1 : index
// CHECK: %[[D:.+]] = llvm.extractvalue %[[FIELDS]][1]
// CHECK: %[[XIN:.+]] = builtin.unrealized_conversion_cast %[[D]] : !llvm.struct<{{.+}}> to memref<?xf32>
// CHECK: %[[SIN:.+]] = llvm.extractvalue %[[FIELDS]][2]
// CHECK: scf.for %[[I:.+]] = %{{.+}} to %{{.+}} step %{{.+}} {
// CHECK:   memref.load %[[XIN]][%[[I]]]
// CHECK:   arith.mulf %{{.+}}, %[[SIN]]
// CHECK:   memref.store
// CHECK: }
// CHECK-NOT: seqc.parallel
// CHECK: llvm.func internal @seqc_parallel_for(%[[C:.+]]: !llvm.ptr, %[[TN:.+]]: i64, %[[F:.+]]: !llvm.ptr, %[[A:.+]]: !llvm.ptr)
// CHECK: %[[PFA:.+]] = llvm.getelementptr %[[C]][48]
// CHECK: %[[PF:.+]] = llvm.load %[[PFA]]
// CHECK: llvm.icmp "eq" %[[PF]]
// CHECK: llvm.call %[[F]](%[[A]], %{{.+}}, %[[TN]])
// CHECK: %[[POOLA:.+]] = llvm.getelementptr %[[C]][56]
// CHECK: %[[POOL:.+]] = llvm.load %[[POOLA]]
// CHECK: llvm.call %[[PF]](%[[POOL]], %[[TN]], %[[F]], %[[A]])
func.func @scale(%x: memref<?xf32>, %s: f32, %ctx: !llvm.ptr {seqc.model_context}) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %x, %c0 : memref<?xf32>
  scf.for %i = %c0 to %n step %c1 {
    %v = memref.load %x[%i] : memref<?xf32>
    %w = arith.mulf %v, %s : f32
    memref.store %w, %x[%i] : memref<?xf32>
  } {seqc.parallel}
  return
}

// -----

// Loops that cannot leave their thread stay where they are, unmarked:
// without a model context; a marked loop inside another (it runs within the
// outer one's chunk). A body that checks, allocates or reads the context
// gets the context as its own; after a body that may fail (a check, an
// allocation) the entry stops when the context records a failure.
// CHECK-LABEL: func.func @no_context
// CHECK: scf.for
// CHECK-NOT: seqc.parallel
// CHECK-NOT: llvm.call
// CHECK: return
func.func @no_context(%x: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %f = arith.constant 1.0 : f32
  %n = memref.dim %x, %c0 : memref<?xf32>
  scf.for %i = %c0 to %n step %c1 {
    memref.store %f, %x[%i] : memref<?xf32>
  } {seqc.parallel}
  return
}

// CHECK-LABEL: func.func @checked
// CHECK-SAME: %[[CTX:[a-z0-9]+]]: !llvm.ptr {seqc.model_context}
// CHECK: llvm.call @seqc_parallel_for
// A shape (2) or allocation (6) failure stops the entry; a value failure
// lets it go on, as without threads.
// CHECK: %[[STATUS:.+]] = llvm.load %[[CTX]] : !llvm.ptr -> i32
// CHECK-DAG: %[[NOTSHAPE:.+]] = arith.cmpi ne, %[[STATUS]], %c2_i32 : i32
// CHECK-DAG: %[[NOTOOM:.+]] = arith.cmpi ne, %[[STATUS]], %c6_i32 : i32
// CHECK: %[[OK:.+]] = arith.andi %[[NOTSHAPE]], %[[NOTOOM]] : i1
// CHECK: seq.check %[[OK]], shape "a parallel part of the model failed"
// CHECK: func.func private @checked_parallel0_loop
// CHECK: scf.for
// CHECK:   seq.check
func.func @checked(%x: memref<?xf32>, %ctx: !llvm.ptr {seqc.model_context}) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %x, %c0 : memref<?xf32>
  scf.for %i = %c0 to %n step %c1 {
    %ok = arith.cmpi ult, %i, %n : index
    seq.check %ok, shape "index in range"
  } {seqc.parallel}
  return
}

// CHECK-LABEL: func.func @allocates
// CHECK: llvm.call @seqc_parallel_for
// CHECK: seq.check %{{.+}}, shape "a parallel part of the model failed"
// CHECK: func.func private @allocates_parallel0_loop(%{{.+}}: !llvm.ptr, %{{.+}}: i64, %{{.+}}: i64, %[[C:.+]]: !llvm.ptr {seqc.model_context})
// CHECK: scf.for
// CHECK:   memref.alloc
func.func @allocates(%x: memref<?xf32>, %ctx: !llvm.ptr {seqc.model_context}) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %x, %c0 : memref<?xf32>
  scf.for %i = %c0 to %n step %c1 {
    %t = memref.alloc() : memref<4xf32>
    memref.dealloc %t : memref<4xf32>
  } {seqc.parallel}
  return
}

// CHECK-LABEL: func.func @reads_context
// CHECK: llvm.call @seqc_parallel_for
// CHECK-NOT: seq.check
// CHECK: func.func private @reads_context_parallel0_loop(%{{.+}}: !llvm.ptr, %{{.+}}: i64, %{{.+}}: i64, %[[C:.+]]: !llvm.ptr {seqc.model_context})
// CHECK: scf.for
// CHECK:   llvm.load %[[C]]
func.func @reads_context(%x: memref<?xi64>, %ctx: !llvm.ptr {seqc.model_context}) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %x, %c0 : memref<?xi64>
  scf.for %i = %c0 to %n step %c1 {
    %v = llvm.load %ctx : !llvm.ptr -> i64
    memref.store %v, %x[%i] : memref<?xi64>
  } {seqc.parallel}
  return
}

// CHECK-LABEL: func.func @nested
// CHECK: llvm.call @seqc_parallel_for
// CHECK: func.func private @nested_parallel0
// CHECK: scf.for
// CHECK: scf.for
// CHECK-NOT: seqc.parallel
// CHECK: return
func.func @nested(%x: memref<?x?xf32>, %ctx: !llvm.ptr {seqc.model_context}) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %f = arith.constant 1.0 : f32
  %n = memref.dim %x, %c0 : memref<?x?xf32>
  %m = memref.dim %x, %c1 : memref<?x?xf32>
  scf.for %i = %c0 to %n step %c1 {
    scf.for %j = %c0 to %m step %c1 {
      memref.store %f, %x[%i, %j] : memref<?x?xf32>
    } {seqc.parallel}
  } {seqc.parallel}
  return
}

// -----

// A buffer allocated outside the loop and used only in it (buffer-loop
// hoisting moved a per-iteration temporary out) becomes each iteration's
// own again; one used after the loop too stays shared.
// CHECK-LABEL: func.func @scratch
// CHECK-NOT: memref.alloc() : memref<4xf32>
// CHECK: %[[SHARED:.+]] = memref.alloc(%{{.+}}) : memref<?xf32>
// CHECK: llvm.call @seqc_parallel_for
// CHECK-NOT: memref.dealloc %{{.+}} : memref<4xf32>
// CHECK: memref.load %[[SHARED]]
// CHECK: func.func private @scratch_parallel0_loop
// CHECK: scf.for
// CHECK:   %[[OWN:.+]] = memref.alloc() : memref<4xf32>
// CHECK:   memref.store %{{.+}}, %[[OWN]]
// CHECK:   memref.dealloc %[[OWN]] : memref<4xf32>
// CHECK: }
func.func @scratch(%x: memref<?xf32>, %ctx: !llvm.ptr {seqc.model_context}) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %x, %c0 : memref<?xf32>
  %tmp = memref.alloc() : memref<4xf32>
  %shared = memref.alloc(%n) : memref<?xf32>
  scf.for %i = %c0 to %n step %c1 {
    %v = memref.load %x[%i] : memref<?xf32>
    memref.store %v, %tmp[%c0] : memref<4xf32>
    %w = memref.load %tmp[%c0] : memref<4xf32>
    memref.store %w, %shared[%i] : memref<?xf32>
  } {seqc.parallel}
  memref.dealloc %tmp : memref<4xf32>
  %r = memref.load %shared[%c0] : memref<?xf32>
  memref.dealloc %shared : memref<?xf32>
  return %r : f32
}

// A temporary hoisted further out than the loop's own block (here out of an
// enclosing loop, whose iterations it might carry data across) or reached
// through a view made outside cannot safely become the iterations' own:
// those loops stay on one thread.
// CHECK-LABEL: func.func @scratch_outer
// CHECK-NOT: seqc_parallel_for
// CHECK: scf.for
// CHECK: scf.for
// CHECK-NOT: seqc.parallel
// CHECK: return
func.func @scratch_outer(%x: memref<?xf32>, %ctx: !llvm.ptr {seqc.model_context}) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %n = memref.dim %x, %c0 : memref<?xf32>
  %tmp = memref.alloc() : memref<4xf32>
  scf.for %t = %c0 to %c4 step %c1 {
    scf.for %i = %c0 to %n step %c1 {
      %v = memref.load %x[%i] : memref<?xf32>
      memref.store %v, %tmp[%t] : memref<4xf32>
    } {seqc.parallel}
  }
  memref.dealloc %tmp : memref<4xf32>
  return
}

// CHECK-LABEL: func.func @scratch_view
// CHECK-NOT: seqc_parallel_for
// CHECK: memref.subview
// CHECK: scf.for
// CHECK-NOT: seqc.parallel
// CHECK: return
func.func @scratch_view(%x: memref<?xf32>, %ctx: !llvm.ptr {seqc.model_context}) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %x, %c0 : memref<?xf32>
  %tmp = memref.alloc() : memref<8xf32>
  %view = memref.subview %tmp[0] [4] [1] : memref<8xf32> to memref<4xf32, strided<[1]>>
  scf.for %i = %c0 to %n step %c1 {
    %v = memref.load %x[%i] : memref<?xf32>
    memref.store %v, %view[%c0] : memref<4xf32, strided<[1]>>
  } {seqc.parallel}
  memref.dealloc %tmp : memref<8xf32>
  return
}
