// RUN: seq-opt %s --convert-seq-to-linalg | FileCheck %s

// The NTM memory ops become generics over their role loops (b, h, n, w, k),
// a linalg.softmax for the content weighting and a linalg.batch_matmul for
// the read.

// CHECK-LABEL: func.func @content_address
// CHECK: linalg.generic {{.+}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%{{.+}} : tensor<?x7x5xf32>) outs(%{{.+}} : tensor<?x7xf32>)
// CHECK: linalg.generic {{.+}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%{{.+}} : tensor<?x2x5xf32>) outs(%{{.+}} : tensor<?x2xf32>)
// CHECK: linalg.generic {{.+}} iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%{{.+}}, %{{.+}} : tensor<?x2x5xf32>, tensor<?x7x5xf32>) outs(%{{.+}} : tensor<?x2x7xf32>)
// CHECK: math.sqrt
// CHECK: arith.maximumf %{{.+}}, %{{.+}} : f32
// CHECK: arith.divf
// CHECK: %[[W:.+]] = linalg.softmax dimension(2)
// CHECK: return %[[W]]
func.func @content_address(%m: tensor<?x7x5xf32>, %k: tensor<?x2x5xf32>, %s: tensor<?x2xf32>) -> tensor<?x2x7xf32> {
  %w = seq.content_address %m, %k, %s : (tensor<?x7x5xf32>, tensor<?x2x5xf32>, tensor<?x2xf32>) -> tensor<?x2x7xf32>
  return %w : tensor<?x2x7xf32>
}

// CHECK-LABEL: func.func @shift
// CHECK-DAG: %[[HALF:.+]] = arith.constant 1 : index
// CHECK-DAG: %[[N:.+]] = arith.constant 7 : index
// CHECK: linalg.generic {{.+}} iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%{{.+}} : tensor<?x2x3xf32>)
// CHECK: %[[n:.+]] = linalg.index 2
// CHECK: %[[k:.+]] = linalg.index 3
// CHECK: %[[D:.+]] = arith.subi %[[n]], %[[k]]
// CHECK: %[[O:.+]] = arith.addi %[[D]], %[[HALF]]
// CHECK: %[[R:.+]] = arith.remsi %[[O]], %[[N]]
// CHECK: %[[P:.+]] = arith.addi %[[R]], %[[N]]
// CHECK: %[[I:.+]] = arith.remsi %[[P]], %[[N]]
// CHECK: tensor.extract %{{.+}}[%{{.+}}, %{{.+}}, %[[I]]] : tensor<?x2x7xf32>
func.func @shift(%w: tensor<?x2x7xf32>, %s: tensor<?x2x3xf32>) -> tensor<?x2x7xf32> {
  %r = seq.address_shift %w, %s : (tensor<?x2x7xf32>, tensor<?x2x3xf32>) -> tensor<?x2x7xf32>
  return %r : tensor<?x2x7xf32>
}

// CHECK-LABEL: func.func @interpolate_sharpen
// CHECK: arith.subf
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: math.powf
// CHECK: linalg.generic {{.+}} iterator_types = ["parallel", "parallel", "reduction"]
// CHECK: %[[EPS:.+]] = arith.addf %{{.+}}, %{{.+}} : f32
// CHECK: arith.divf %{{.+}}, %[[EPS]]
func.func @interpolate_sharpen(%c: tensor<?x2x7xf32>, %p: tensor<?x2x7xf32>, %g: tensor<?x2xf32>) -> tensor<?x2x7xf32> {
  %wg = seq.address_interpolate %c, %p, %g : (tensor<?x2x7xf32>, tensor<?x2x7xf32>, tensor<?x2xf32>) -> tensor<?x2x7xf32>
  %w = seq.address_sharpen %wg, %g {epsilon = 1.0e-16 : f32} : (tensor<?x2x7xf32>, tensor<?x2xf32>) -> tensor<?x2x7xf32>
  return %w : tensor<?x2x7xf32>
}

// CHECK-LABEL: func.func @read_write
// CHECK: linalg.batch_matmul ins(%{{.+}}, %{{.+}} : tensor<?x2x7xf32>, tensor<?x7x5xf32>) outs(%{{.+}} : tensor<?x2x5xf32>)
// The heads' erase product and add sum in one generic over (b, n, w, h).
// CHECK: %[[HEADS:.+]]:2 = linalg.generic {{.+}} iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%{{.+}}, %{{.+}}, %{{.+}} : tensor<?x2x7xf32>, tensor<?x2x5xf32>, tensor<?x2x5xf32>) outs(%{{.+}}, %{{.+}} : tensor<?x7x5xf32>, tensor<?x7x5xf32>)
// CHECK: linalg.generic {{.+}} ins(%{{.+}}, %[[HEADS]]#0, %[[HEADS]]#1 : tensor<?x7x5xf32>, tensor<?x7x5xf32>, tensor<?x7x5xf32>)
func.func @read_write(%m: tensor<?x7x5xf32>, %w: tensor<?x2x7xf32>, %e: tensor<?x2x5xf32>, %a: tensor<?x2x5xf32>) -> (tensor<?x2x5xf32>, tensor<?x7x5xf32>) {
  %r = seq.memory_read %m, %w : (tensor<?x7x5xf32>, tensor<?x2x7xf32>) -> tensor<?x2x5xf32>
  %m2 = seq.memory_write %m, %w, %e, %a : (tensor<?x7x5xf32>, tensor<?x2x7xf32>, tensor<?x2x5xf32>, tensor<?x2x5xf32>) -> tensor<?x7x5xf32>
  return %r, %m2 : tensor<?x2x5xf32>, tensor<?x7x5xf32>
}
