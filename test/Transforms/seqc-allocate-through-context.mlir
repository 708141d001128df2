// RUN: seq-opt %s --split-input-file --seqc-allocate-through-context | FileCheck %s

// An entry's aligned_alloc and free go through its model context; a
// function without a context keeps libc. The helpers call the context's
// alloc (offset 24) / free (offset 32) with its allocator (offset 40), or
// libc when alloc / free is null.

// CHECK-LABEL: llvm.func @entry(
// CHECK-SAME: %[[CTX:[^:]+]]: !llvm.ptr {seqc.model_context}
// CHECK: %[[P:.+]] = llvm.call @seqc_model_alloc(%[[CTX]], %{{.+}}, %{{.+}}) : (!llvm.ptr, i64, i64) -> !llvm.ptr
// CHECK: llvm.call @seqc_model_free(%[[CTX]], %[[P]]) : (!llvm.ptr, !llvm.ptr) -> ()
// CHECK-NOT: @aligned_alloc
// CHECK-LABEL: llvm.func @helper(
// CHECK: llvm.call @aligned_alloc(
// CHECK: llvm.call @free(

// CHECK-LABEL: llvm.func internal @seqc_model_alloc(
// CHECK-SAME: %[[C:[^:]+]]: !llvm.ptr, %[[A:[^:]+]]: i64, %[[S:[^:]+]]: i64) -> !llvm.ptr
// CHECK: %[[FA:.+]] = llvm.getelementptr %[[C]][24] : (!llvm.ptr) -> !llvm.ptr, i8
// CHECK: %[[F:.+]] = llvm.load %[[FA]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[NONE:.+]] = llvm.icmp "eq" %[[F]]
// CHECK: llvm.cond_br %[[NONE]], ^[[PLAIN:.+]], ^[[CUSTOM:[^ ]+]]
// CHECK: ^[[CUSTOM]]:
// CHECK: %[[SA:.+]] = llvm.getelementptr %[[C]][40]
// CHECK: %[[STATE:.+]] = llvm.load %[[SA]]
// CHECK: %[[R:.+]] = llvm.call %[[F]](%[[STATE]], %[[A]], %[[S]]) : !llvm.ptr, (!llvm.ptr, i64, i64) -> !llvm.ptr
// CHECK: llvm.return %[[R]]
// CHECK: ^[[PLAIN]]:
// CHECK: llvm.call @aligned_alloc(%[[A]], %[[S]])
// CHECK-LABEL: llvm.func internal @seqc_model_free(
// CHECK: llvm.getelementptr %{{.+}}[32]
// CHECK: llvm.call @free(
llvm.func @aligned_alloc(i64, i64) -> !llvm.ptr
llvm.func @free(!llvm.ptr)
llvm.func @entry(%n: i64, %ctx: !llvm.ptr {seqc.model_context}) {
  %a = llvm.mlir.constant(64 : i64) : i64
  %p = llvm.call @aligned_alloc(%a, %n) : (i64, i64) -> !llvm.ptr
  llvm.call @free(%p) : (!llvm.ptr) -> ()
  llvm.return
}
llvm.func @helper(%n: i64) {
  %a = llvm.mlir.constant(64 : i64) : i64
  %p = llvm.call @aligned_alloc(%a, %n) : (i64, i64) -> !llvm.ptr
  llvm.call @free(%p) : (!llvm.ptr) -> ()
  llvm.return
}

// -----

// Nothing to route: no helpers are added.
// CHECK-LABEL: llvm.func @no_allocation(
// CHECK-NOT: seqc_model_alloc
llvm.func @no_allocation(%ctx: !llvm.ptr {seqc.model_context}) {
  llvm.return
}

// -----

// free, which the free helper calls, is declared.
// CHECK: llvm.func @free(!llvm.ptr)
// CHECK-LABEL: llvm.func @entry_without_declarations(
// CHECK: llvm.call @seqc_model_alloc(
llvm.func @aligned_alloc(i64, i64) -> !llvm.ptr
llvm.func @entry_without_declarations(%n: i64, %ctx: !llvm.ptr {seqc.model_context}) -> !llvm.ptr {
  %a = llvm.mlir.constant(64 : i64) : i64
  %p = llvm.call @aligned_alloc(%a, %n) : (i64, i64) -> !llvm.ptr
  llvm.return %p : !llvm.ptr
}
