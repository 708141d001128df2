"""Writes a function whose RNN reads the end of a chain of N elementwise
generics, each reading the one before twice, from a tensor whose time
length is computed (T + 1): no dimension of it leads back to an input.

    python3 deep_generic_chain.py N > chain.mlir
"""
import sys
n = int(sys.argv[1])
m = "#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>\n"
m += "func.func @deep(%x: tensor<?x?x4xf32> {seq.name = \"x\", seq.dims = [\"T\", \"B\", \"\"]}, %w: tensor<1x8x4xf32>, %r: tensor<1x8x8xf32>) -> tensor<1x?x8xf32> {\n"
m += "  %c0 = arith.constant 0 : index\n  %c1 = arith.constant 1 : index\n"
m += "  %t = tensor.dim %x, %c0 : tensor<?x?x4xf32>\n  %b = tensor.dim %x, %c1 : tensor<?x?x4xf32>\n"
m += "  %t1 = arith.addi %t, %c1 : index\n"
m += "  %a0 = tensor.empty(%t1, %b) : tensor<?x?x4xf32>\n"
for i in range(n):
    m += (f"  %a{i+1} = linalg.generic {{indexing_maps = [#id, #id, #id], iterator_types = [\"parallel\", \"parallel\", \"parallel\"]}} "
          f"ins(%a{i}, %a{i} : tensor<?x?x4xf32>, tensor<?x?x4xf32>) outs(%a0 : tensor<?x?x4xf32>) {{\n"
          f"  ^bb0(%p: f32, %q: f32, %o: f32):\n    %s = arith.addf %p, %q : f32\n    linalg.yield %s : f32\n  }} -> tensor<?x?x4xf32>\n")
m += f"  %y, %h = seq.rnn %a{n}, %w, %r {{hidden_size = 8 : i64}} : (tensor<?x?x4xf32>, tensor<1x8x4xf32>, tensor<1x8x8xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>)\n"
m += "  return %h : tensor<1x?x8xf32>\n}\n"
print(m)
