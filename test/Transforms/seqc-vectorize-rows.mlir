// RUN: seq-opt %s --seqc-vectorize-rows=vector-width=8 | FileCheck %s
// RUN: not seq-opt %s --seqc-vectorize-rows=vector-width=0 2>&1 | FileCheck %s --check-prefix=BAD

// BAD: seqc-vectorize-rows: vector-width must be >= 1

// An elementwise generic: whole vectors along the row, then one masked
// vector; the row-invariant input read once per row, only for a row that
// is not empty; positions as lanes.
// CHECK-LABEL: func.func @scale_mask
// CHECK-SAME: %[[M:[^:]+]]: memref<?xf32>, %[[ROW:[^:]+]]: memref<2xf32>
// CHECK: %[[S:.+]] = memref.alloc
// CHECK: scf.for %[[I:.+]] = {{.+}} {
// CHECK: %[[NON_EMPTY:.+]] = arith.cmpi sgt, %[[EXTENT:.+]], %{{.+}} : index
// CHECK: scf.if %[[NON_EMPTY]] {
// CHECK: %[[R:.+]] = memref.load %[[ROW]][%[[I]]] : memref<2xf32>
// CHECK: scf.for %[[J:.+]] = %{{.+}} to %[[WHOLE:.+]] step %{{.+}} {
// CHECK: %[[MV:.+]] = vector.load %[[M]][%[[J]]] : memref<?xf32>, vector<8xf32>
// CHECK: %[[SV:.+]] = vector.load %[[S]][%[[I]], %[[J]]] : memref<2x?xf32>, vector<8xf32>
// CHECK: %[[STEP:.+]] = vector.step : vector<8xindex>
// CHECK: %[[JB:.+]] = vector.broadcast %[[J]] : index to vector<8xindex>
// CHECK: %[[JV:.+]] = arith.addi %[[JB]], %[[STEP]] : vector<8xindex>
// CHECK: %[[IB:.+]] = vector.broadcast %[[I]] : index to vector<8xindex>
// CHECK: %[[VIS:.+]] = arith.cmpi sle, %[[JV]], %[[IB]] : vector<8xindex>
// CHECK: arith.mulf %[[SV]], %{{.+}} : vector<8xf32>
// CHECK: %[[RB:.+]] = vector.broadcast %[[R]] : f32 to vector<8xf32>
// CHECK: arith.subf %{{.+}}, %[[RB]] : vector<8xf32>
// CHECK: math.exp %{{.+}} : vector<8xf32>
// CHECK: %[[W:.+]] = arith.select %[[VIS]], %{{.+}}, %{{.+}} : vector<8xi1>, vector<8xf32>
// CHECK: vector.store %[[W]], %[[S]][%[[I]], %[[J]]] : memref<2x?xf32>, vector<8xf32>
// CHECK: }
// CHECK: %[[REST:.+]] = arith.subi %[[EXTENT]], %[[WHOLE]] : index
// CHECK: %[[MASK:.+]] = vector.create_mask %[[REST]] : vector<8xi1>
// CHECK: vector.maskedload %[[M]][%[[WHOLE]]], %[[MASK]]
// CHECK: vector.maskedstore %[[S]][%[[I]], %[[WHOLE]]], %[[MASK]]
// CHECK-NOT: linalg.generic
func.func @scale_mask(%m: memref<?xf32>, %row: memref<2xf32>, %n: index) -> memref<2x?xf32> {
  %s = memref.alloc(%n) : memref<2x?xf32>
  %c = arith.constant 0.5 : f32
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%m, %row : memref<?xf32>, memref<2xf32>) outs(%s : memref<2x?xf32>) {
  ^bb0(%in: f32, %r: f32, %out: f32):
    %j = linalg.index 1 : index
    %i = linalg.index 0 : index
    %vis = arith.cmpi sle, %j, %i : index
    %x = arith.mulf %out, %c : f32
    %y = arith.addf %x, %in : f32
    %z = arith.subf %y, %r : f32
    %e = math.exp %z : f32
    %ninf = arith.constant 0xFF800000 : f32
    %w = arith.select %vis, %e, %ninf : f32
    linalg.yield %w : f32
  }
  return %s : memref<2x?xf32>
}

// A row max: a vector accumulator from -inf (masked lanes add -inf), one
// reduction across lanes per row, combined into the output.
// CHECK-LABEL: func.func @row_max
// CHECK: %[[NEG_INF:.+]] = arith.constant dense<0xFF800000> : vector<8xf32>
// CHECK: %[[ACC:.+]] = scf.for {{.+}} iter_args(%[[A:.+]] = %[[NEG_INF]]) -> (vector<8xf32>)
// CHECK: %[[X:.+]] = vector.load
// CHECK: %[[NEXT:.+]] = arith.maximumf %[[A]], %[[X]] : vector<8xf32>
// CHECK: scf.yield %[[NEXT]]
// CHECK: %[[MASK:.+]] = vector.create_mask
// CHECK: %[[TAIL:.+]] = vector.maskedload
// CHECK: %[[NEUTRAL:.+]] = arith.constant dense<0xFF800000> : vector<8xf32>
// CHECK: %[[KEPT:.+]] = arith.select %[[MASK]], %[[TAIL]], %[[NEUTRAL]]
// CHECK: %[[ALL:.+]] = arith.maximumf %[[ACC]], %[[KEPT]] : vector<8xf32>
// CHECK: %[[LANES:.+]] = vector.reduction <maximumf>, %[[ALL]]
// CHECK: %[[OLD:.+]] = memref.load
// CHECK: %[[NEW:.+]] = arith.maximumf %[[OLD]], %[[LANES]] : f32
// CHECK: memref.store %[[NEW]]
func.func @row_max(%s: memref<2x?xf32>) -> memref<2xf32> {
  %m = memref.alloc() : memref<2xf32>
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%s : memref<2x?xf32>) outs(%m : memref<2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %x = arith.maximumf %in, %out : f32
    linalg.yield %x : f32
  }
  return %m : memref<2xf32>
}

// A sum whose addf allows reassociation: from -0.0, the body applied to
// the lanes, masked lanes adding -0.0.
// CHECK-LABEL: func.func @row_sum
// CHECK: %[[ZERO:.+]] = arith.constant dense<-0.000000e+00> : vector<8xf32>
// CHECK: scf.for {{.+}} iter_args(%[[A:.+]] = %[[ZERO]]) -> (vector<8xf32>)
// CHECK: %[[X:.+]] = vector.load
// CHECK: %[[SQ:.+]] = arith.mulf %[[X]], %[[X]] : vector<8xf32>
// CHECK: arith.addf %[[A]], %[[SQ]] fastmath<reassoc> : vector<8xf32>
// CHECK: %[[MASK:.+]] = vector.create_mask
// CHECK: %[[NEUTRAL:.+]] = arith.constant dense<-0.000000e+00> : vector<8xf32>
// CHECK: arith.select %[[MASK]], %{{.+}}, %[[NEUTRAL]]
// CHECK: vector.reduction <add>, %{{.+}} fastmath<reassoc> : vector<8xf32> into f32
func.func @row_sum(%s: memref<2x?xf32>) -> memref<2xf32> {
  %m = memref.alloc() : memref<2xf32>
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%s : memref<2x?xf32>) outs(%m : memref<2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %x = arith.mulf %in, %in : f32
    %y = arith.addf %out, %x fastmath<reassoc> : f32
    linalg.yield %y : f32
  }
  return %m : memref<2xf32>
}

// In place, element for element: allowed.
// CHECK-LABEL: func.func @in_place
// CHECK: vector.load
// CHECK-NOT: linalg.generic
func.func @in_place(%n: index) -> memref<?xf32> {
  %a = memref.alloc(%n) : memref<?xf32>
  linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%a : memref<?xf32>) outs(%a : memref<?xf32>) {
  ^bb0(%in: f32, %out: f32):
    %x = arith.addf %in, %in : f32
    linalg.yield %x : f32
  }
  return %a : memref<?xf32>
}

// Refused: a sum that must keep its order.
// CHECK-LABEL: func.func @ordered_sum
// CHECK: linalg.generic
func.func @ordered_sum(%s: memref<2x?xf32>) -> memref<2xf32> {
  %m = memref.alloc() : memref<2xf32>
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%s : memref<2x?xf32>) outs(%m : memref<2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %y = arith.addf %out, %in : f32
    linalg.yield %y : f32
  }
  return %m : memref<2xf32>
}

// Refused: the combined value has another use.
// CHECK-LABEL: func.func @combiner_used_twice
// CHECK: linalg.generic
func.func @combiner_used_twice(%s: memref<2x?xf32>) -> memref<2xf32> {
  %m = memref.alloc() : memref<2xf32>
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%s : memref<2x?xf32>) outs(%m : memref<2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %y = arith.maximumf %in, %out : f32
    %z = arith.mulf %y, %y : f32
    linalg.yield %y : f32
  }
  return %m : memref<2xf32>
}

// Refused: the output is the input's buffer one element further on.
// CHECK-LABEL: func.func @shifted_alias
// CHECK: linalg.generic
func.func @shifted_alias(%n: index, %m: index) -> memref<?xf32> {
  %a = memref.alloc(%m) : memref<?xf32>
  %src = memref.subview %a[1] [%n] [1] : memref<?xf32> to memref<?xf32, strided<[1], offset: 1>>
  %dst = memref.subview %a[0] [%n] [1] : memref<?xf32> to memref<?xf32, strided<[1]>>
  linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%src : memref<?xf32, strided<[1], offset: 1>>) outs(%dst : memref<?xf32, strided<[1]>>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  return %a : memref<?xf32>
}

// Refused: two outputs overlap.
// CHECK-LABEL: func.func @outputs_overlap
// CHECK: linalg.generic
func.func @outputs_overlap(%x: memref<?xf32>, %n: index, %m: index) -> memref<?xf32> {
  %a = memref.alloc(%m) : memref<?xf32>
  %y0 = memref.subview %a[0] [%n] [1] : memref<?xf32> to memref<?xf32, strided<[1]>>
  %y1 = memref.subview %a[1] [%n] [1] : memref<?xf32> to memref<?xf32, strided<[1], offset: 1>>
  linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%x : memref<?xf32>) outs(%y0, %y1 : memref<?xf32, strided<[1]>>, memref<?xf32, strided<[1], offset: 1>>) {
  ^bb0(%in: f32, %o0: f32, %o1: f32):
    %s = arith.addf %in, %o0 : f32
    linalg.yield %s, %s : f32, f32
  }
  return %a : memref<?xf32>
}

// Refused: two arguments, which may be views of one buffer.
// CHECK-LABEL: func.func @arguments_may_overlap
// CHECK: linalg.generic
func.func @arguments_may_overlap(%x: memref<?xf32>, %y: memref<?xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%x : memref<?xf32>) outs(%y : memref<?xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  return
}

// Refused: an integer division, which traps on masked-off lanes.
// CHECK-LABEL: func.func @integer_division
// CHECK: linalg.generic
func.func @integer_division(%x: memref<?xf32>, %n: index) -> memref<?xf32> {
  %y = memref.alloc(%n) : memref<?xf32>
  linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%x : memref<?xf32>) outs(%y : memref<?xf32>) {
  ^bb0(%in: f32, %out: f32):
    %c7 = arith.constant 7 : i32
    %i = arith.fptosi %in : f32 to i32
    %q = arith.divsi %c7, %i : i32
    %f = arith.sitofp %q : i32 to f32
    linalg.yield %f : f32
  }
  return %y : memref<?xf32>
}

// Refused: the row loop walks a column of the input (stride 4).
// CHECK-LABEL: func.func @column
// CHECK: linalg.generic
func.func @column(%a: memref<?x4xf32>, %n: index) -> memref<4x?xf32> {
  %b = memref.alloc(%n) : memref<4x?xf32>
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d1, d0)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%a : memref<?x4xf32>) outs(%b : memref<4x?xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  return %b : memref<4x?xf32>
}

// Refused: i1 buffers (a byte per element, not a vector<8xi1> in memory).
// CHECK-LABEL: func.func @bool_mask
// CHECK: linalg.generic
func.func @bool_mask(%m: memref<?xi1>, %n: index) -> memref<?xf32> {
  %s = memref.alloc(%n) : memref<?xf32>
  linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%m : memref<?xi1>) outs(%s : memref<?xf32>) {
  ^bb0(%in: i1, %out: f32):
    %z = arith.constant 0.0 : f32
    %x = arith.select %in, %out, %z : f32
    linalg.yield %x : f32
  }
  return %s : memref<?xf32>
}

// In a function with a model context, the rows split over its threads:
// the work (elements x (body ops + operands), here mulf, addf, math.exp,
// which counts as the 16 operations of its polynomial, and the two
// operands read and written element by element, 4 each: 26) is compared
// with
// 2^17 per thread, the rows [B x T] are one flat range in at most `threads`
// shares, and a share finds its first row's indices once (an empty extent
// divides as 1), then steps them from row to row (the last index, and the
// first when the last wraps).
// CHECK-LABEL: func.func @threaded_rows
// CHECK-SAME: %[[X:[a-z0-9]+]]: memref<?x?x?xf32>, %{{.+}}: index, %{{.+}}: index, %{{.+}}: index, %[[CTX:[a-z0-9]+]]: !llvm.ptr {seqc.model_context}
// CHECK: %[[Y:.+]] = memref.alloc
// CHECK: %[[B:.+]] = memref.dim %[[X]], %c0
// CHECK: %[[T:.+]] = memref.dim %[[X]], %c1
// CHECK: %[[D:.+]] = memref.dim %[[X]], %c2
// CHECK: llvm.getelementptr %[[CTX]][48]
// CHECK: %[[THREADS:.+]] = arith.select
// CHECK: %[[ROWS:.+]] = arith.muli %[[B]], %[[T]]
// CHECK: %[[ELEMENTS:.+]] = arith.muli %[[ROWS]], %[[D]]
// CHECK: %[[WORK:.+]] = arith.muli %[[ELEMENTS]], %c26
// CHECK: %[[MIN:.+]] = arith.muli %[[THREADS]], %c131072
// CHECK: %[[WORTH:.+]] = arith.cmpi uge, %[[WORK]], %[[MIN]]
// CHECK: %[[FEW:.+]] = arith.minui %[[THREADS]], %[[ROWS]]
// CHECK: %[[SHARES:.+]] = arith.select %[[WORTH]], %[[FEW]], %c1
// CHECK: scf.for %[[S:.+]] = %c0{{(_[0-9]+)?}} to %[[SHARES]] step
// CHECK: %[[R0:.+]] = arith.divui {{.+}}, %[[SHARES]]
// CHECK: %[[R1:.+]] = arith.divui {{.+}}, %[[SHARES]]
// CHECK: %[[TNZ:.+]] = arith.maxui %[[T]], %c1
// CHECK: %[[T0:.+]] = arith.remui %[[R0]], %[[TNZ]]
// CHECK: %[[REST:.+]] = arith.divui %[[R0]], %[[TNZ]]
// CHECK: %[[BNZ:.+]] = arith.maxui %[[B]], %c1
// CHECK: %[[B0:.+]] = arith.remui %[[REST]], %[[BNZ]]
// CHECK: scf.for %{{.+}} = %[[R0]] to %[[R1]] step %{{.+}} iter_args(%[[I:.+]] = %[[B0]], %[[J:.+]] = %[[T0]]) -> (index, index)
// CHECK: vector.load %[[X]][%[[I]], %[[J]], %{{.+}}]
// CHECK: vector.store %{{.+}}, %[[Y]][%[[I]], %[[J]], %{{.+}}]
// CHECK: vector.maskedstore %[[Y]][%[[I]], %[[J]],
// CHECK: %[[J1:.+]] = arith.addi %[[J]], %c1
// CHECK: %[[JWRAP:.+]] = arith.cmpi eq, %[[J1]], %[[T]]
// CHECK: %[[JNEXT:.+]] = arith.select %[[JWRAP]], %c0{{(_[0-9]+)?}}, %[[J1]]
// CHECK: %[[I1:.+]] = arith.addi %[[I]], %c1
// CHECK: %[[ISTEP:.+]] = arith.select %[[JWRAP]], %[[I1]], %[[I]]
// CHECK: %[[IWRAP:.+]] = arith.cmpi eq, %[[ISTEP]], %[[B]]
// CHECK: %[[INEXT:.+]] = arith.select %[[IWRAP]], %c0{{(_[0-9]+)?}}, %[[ISTEP]]
// CHECK: scf.yield %[[INEXT]], %[[JNEXT]]
// CHECK: } {seqc.parallel}
func.func @threaded_rows(%x: memref<?x?x?xf32>, %b: index, %t: index, %d: index,
                         %ctx: !llvm.ptr {seqc.model_context}) -> memref<?x?x?xf32> {
  %y = memref.alloc(%b, %t, %d) : memref<?x?x?xf32>
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%x : memref<?x?x?xf32>) outs(%y : memref<?x?x?xf32>) {
  ^bb0(%in: f32, %out: f32):
    %c = arith.constant 0.5 : f32
    %a = arith.mulf %in, %c : f32
    %e = math.exp %a : f32
    %s = arith.addf %e, %in : f32
    linalg.yield %s : f32
  }
  return %y : memref<?x?x?xf32>
}

// A row reduction splits its rows, never a row: one outer loop needs no
// index stepping.
// CHECK-LABEL: func.func @threaded_row_sum
// CHECK: scf.for %{{.+}} = %c0{{(_[0-9]+)?}} to %[[SHARES:[^ ]+]] step
// CHECK: %[[R0:.+]] = arith.divui {{.+}}, %[[SHARES]]
// CHECK: %[[R1:.+]] = arith.divui {{.+}}, %[[SHARES]]
// CHECK: scf.for %[[I:.+]] = %[[R0]] to %[[R1]] step
// CHECK: vector.reduction <add>
// CHECK: memref.store %{{.+}}, %{{.+}}[%[[I]]]
// CHECK: } {seqc.parallel}
func.func @threaded_row_sum(%x: memref<?x?xf32>, %n: index,
                            %ctx: !llvm.ptr {seqc.model_context}) -> memref<?xf32> {
  %y = memref.alloc(%n) : memref<?xf32>
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%x : memref<?x?xf32>) outs(%y : memref<?xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %out, %in fastmath<reassoc> : f32
    linalg.yield %s : f32
  }
  return %y : memref<?xf32>
}

// No split where none can pay: static extents whose work (4 x 64 elements
// x 24) is below 2 x 2^17, and a generic inside a loop that is already
// split (its shares would run one after another on that loop's thread).
// CHECK-LABEL: func.func @never_split
// CHECK-NOT: llvm.getelementptr
// CHECK: scf.for
// CHECK-NOT: seqc.parallel
// CHECK: scf.for
// CHECK: } {seqc.parallel}
// CHECK-NOT: seqc.parallel
// CHECK: return
func.func @never_split(%x: memref<4x64xf32>, %big: memref<?x?xf32>, %n: index,
                       %ctx: !llvm.ptr {seqc.model_context}) -> (memref<4x64xf32>, memref<?x?xf32>) {
  %y = memref.alloc() : memref<4x64xf32>
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x : memref<4x64xf32>) outs(%y : memref<4x64xf32>) {
  ^bb0(%in: f32, %out: f32):
    %e = math.exp %in : f32
    linalg.yield %e : f32
  }
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %d0 = memref.dim %big, %c0 : memref<?x?xf32>
  %d1 = memref.dim %big, %c1 : memref<?x?xf32>
  %z = memref.alloc(%d0, %d1) : memref<?x?xf32>
  scf.for %s = %c0 to %c2 step %c1 {
    linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%big : memref<?x?xf32>) outs(%z : memref<?x?xf32>) {
    ^bb0(%in: f32, %out: f32):
      %e = math.exp %in : f32
      linalg.yield %e : f32
    }
  } {seqc.parallel}
  return %y, %z : memref<4x64xf32>, memref<?x?xf32>
}

// Memory-bound rows split too: a bias broadcast into a TCN layer's
// [64, 1024] output has no body op, yet its 2^16 writes take longer than
// a fork. Per element, the output written element by element counts 4
// and the bias read once per row 1: 2^16 x 5 reaches 2 x 2^17.
// CHECK-LABEL: func.func @memory_bound_split
// CHECK: %[[WORK:.+]] = arith.muli %{{.+}}, %c5
// CHECK: arith.cmpi uge, %[[WORK]]
// CHECK: } {seqc.parallel}
func.func @memory_bound_split(%bias: memref<64xf32>,
                              %ctx: !llvm.ptr {seqc.model_context}) -> memref<64x1024xf32> {
  %y = memref.alloc() : memref<64x1024xf32>
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%bias : memref<64xf32>) outs(%y : memref<64x1024xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  return %y : memref<64x1024xf32>
}

// Data-movement named ops are row-wise generics: attention's head split
// [T, H, D] -> [H, T, D] (the innermost dimension stays in place) copies
// whole rows, and so does a copy. A transpose of the innermost dimension
// reads no row and stays a generic (scalar loops).
// CHECK-LABEL: func.func @head_split
// CHECK-SAME: %[[X:[^:]+]]: memref<6x4x20xf32>
// CHECK: %[[Y:.+]] = memref.alloc() : memref<4x6x20xf32>
// CHECK: scf.for %[[H:.+]] = {{.+}} {
// CHECK: scf.for %[[T:.+]] = {{.+}} {
// CHECK: scf.for %[[J:.+]] = {{.+}} {
// CHECK: %[[V:.+]] = vector.load %[[X]][%[[T]], %[[H]], %[[J]]] : memref<6x4x20xf32>, vector<8xf32>
// CHECK: vector.store %[[V]], %[[Y]][%[[H]], %[[T]], %[[J]]] : memref<4x6x20xf32>, vector<8xf32>
// CHECK: vector.maskedload %[[X]]
// CHECK: vector.maskedstore %[[Y]]
// CHECK: %[[C:.+]] = memref.alloc() : memref<4x6x20xf32>
// CHECK: vector.load %[[Y]]
// CHECK: vector.store %{{.+}}, %[[C]]
// CHECK: %[[K:.+]] = memref.alloc() : memref<4x20x6xf32>
// CHECK: linalg.generic {{.+}} ins(%[[C]] : memref<4x6x20xf32>) outs(%[[K]] : memref<4x20x6xf32>)
// CHECK-NOT: linalg.transpose
// CHECK-NOT: linalg.copy
func.func @head_split(%x: memref<6x4x20xf32>) -> memref<4x20x6xf32> {
  %y = memref.alloc() : memref<4x6x20xf32>
  linalg.transpose ins(%x : memref<6x4x20xf32>) outs(%y : memref<4x6x20xf32>) permutation = [1, 0, 2]
  %c = memref.alloc() : memref<4x6x20xf32>
  linalg.copy ins(%y : memref<4x6x20xf32>) outs(%c : memref<4x6x20xf32>)
  %k = memref.alloc() : memref<4x20x6xf32>
  linalg.transpose ins(%c : memref<4x6x20xf32>) outs(%k : memref<4x20x6xf32>) permutation = [0, 2, 1]
  return %k : memref<4x20x6xf32>
}
