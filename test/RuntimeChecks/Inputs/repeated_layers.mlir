// Five identical layers, each with weights of its own and an embedding
// lookup: layer l looks up ids + l (every layer passes its ids on plus 1).
#id = affine_map<(d0) -> (d0)>
func.func @m(%x: tensor<?x4xf32> {seq.name = "x"}, %ids: tensor<?xi64> {seq.name = "ids"}) -> (tensor<?x4xf32> {seq.name = "y"}) {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %ids, %c0 : tensor<?xi64>
  %table0 = arith.constant dense<[[-0.73,0.69,0.53,-0.49],[-0.01,-0.10,0.30,0.58],[-0.81,-0.94,0.67,-0.13],[0.52,-1.00,-0.11,0.44],[-0.54,0.89,0.80,-0.94],[-0.95,0.08,0.88,-0.24],[-0.57,-0.16,-0.94,-0.56],[-0.12,-0.01,-0.53,-0.54],[-0.56,-0.08,-0.42,-0.96],[0.68,0.11,0.28,-0.63]]> : tensor<10x4xf32>
  %w0 = arith.constant dense<[[0.99,0.72,-0.76,-0.33],[0.44,0.42,0.87,-0.16],[0.66,0.34,-0.39,0.18],[0.76,0.69,0.01,0.18]]> : tensor<4x4xf32>
  %v0 = arith.constant dense<[[-0.93,-0.51,0.59,-0.17],[-0.65,0.10,0.41,0.35],[-0.25,-0.12,0.02,0.56],[0.04,-0.21,-0.02,-0.94]]> : tensor<4x4xf32>
  %g0 = arith.constant dense<[-0.91,0.41,0.97,0.19]> : tensor<4xf32>
  %b0 = arith.constant dense<[-0.21,-0.66,0.00,0.96]> : tensor<4xf32>
  %e0 = seq.embedding %ids, %table0 : (tensor<?xi64>, tensor<10x4xf32>) -> tensor<?x4xf32>
  %p0 = seq.linear %x, %w0 : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  %s0 = arith.addf %p0, %e0 : tensor<?x4xf32>
  %n0 = seq.layer_norm %s0 scale(%g0) bias(%b0) : (tensor<?x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  %q0 = seq.linear %n0, %v0 : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  %a0 = seq.activation <tanh> %q0 : tensor<?x4xf32>
  %h1 = arith.addf %a0, %x : tensor<?x4xf32>
  %empty0 = tensor.empty(%n) : tensor<?xi64>
  %i1 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%ids : tensor<?xi64>) outs(%empty0 : tensor<?xi64>) {
  ^bb0(%v: i64, %o: i64):
    %one = arith.constant 1 : i64
    %next = arith.addi %v, %one : i64
    linalg.yield %next : i64
  } -> tensor<?xi64>
  %table1 = arith.constant dense<[[0.54,0.08,0.72,-0.54],[0.03,0.90,0.16,-0.08],[-0.46,0.10,0.91,-0.99],[0.57,0.64,0.77,0.48],[0.62,0.04,0.12,-0.15],[-0.89,0.74,0.14,-0.60],[0.01,-0.03,-0.29,-0.31],[0.08,0.25,0.22,-0.08],[-0.94,-0.54,-0.65,0.17],[0.72,0.60,0.59,0.63]]> : tensor<10x4xf32>
  %w1 = arith.constant dense<[[-0.49,0.68,0.35,-0.83],[-0.97,-0.97,0.51,-0.50],[-0.78,0.25,-0.31,-0.86],[-0.68,0.05,-0.66,-0.45]]> : tensor<4x4xf32>
  %v1 = arith.constant dense<[[0.42,-0.09,-0.36,-0.05],[-0.95,-0.23,-0.16,-0.62],[-0.78,0.80,0.02,-0.58],[0.21,0.63,-0.96,-0.96]]> : tensor<4x4xf32>
  %g1 = arith.constant dense<[-0.71,0.44,-0.68,0.41]> : tensor<4xf32>
  %b1 = arith.constant dense<[0.36,0.09,-0.56,0.95]> : tensor<4xf32>
  %e1 = seq.embedding %i1, %table1 : (tensor<?xi64>, tensor<10x4xf32>) -> tensor<?x4xf32>
  %p1 = seq.linear %h1, %w1 : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  %s1 = arith.addf %p1, %e1 : tensor<?x4xf32>
  %n1 = seq.layer_norm %s1 scale(%g1) bias(%b1) : (tensor<?x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  %q1 = seq.linear %n1, %v1 : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  %a1 = seq.activation <tanh> %q1 : tensor<?x4xf32>
  %h2 = arith.addf %a1, %h1 : tensor<?x4xf32>
  %empty1 = tensor.empty(%n) : tensor<?xi64>
  %i2 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%i1 : tensor<?xi64>) outs(%empty1 : tensor<?xi64>) {
  ^bb0(%v: i64, %o: i64):
    %one = arith.constant 1 : i64
    %next = arith.addi %v, %one : i64
    linalg.yield %next : i64
  } -> tensor<?xi64>
  %table2 = arith.constant dense<[[0.60,0.03,-0.55,0.30],[-0.21,0.15,-0.36,0.26],[-0.88,-0.40,0.94,0.75],[-0.39,0.72,-0.38,0.88],[0.49,-0.17,-0.50,-0.98],[0.76,-0.92,0.64,0.92],[0.14,-0.66,0.74,0.95],[0.41,0.02,-0.24,-0.31],[-0.59,0.35,-0.13,-0.61],[-0.79,0.33,-0.41,-0.00]]> : tensor<10x4xf32>
  %w2 = arith.constant dense<[[-0.35,0.74,0.80,-0.96],[-0.60,-0.34,0.97,0.57],[-0.32,-0.57,0.35,0.68],[0.86,-0.31,0.76,0.37]]> : tensor<4x4xf32>
  %v2 = arith.constant dense<[[-0.03,0.97,-0.53,0.45],[-0.83,-0.66,0.82,-0.57],[0.52,0.20,0.68,-0.26],[-0.32,-0.42,0.73,0.21]]> : tensor<4x4xf32>
  %g2 = arith.constant dense<[0.91,0.77,-0.73,0.10]> : tensor<4xf32>
  %b2 = arith.constant dense<[-0.79,-0.92,-0.85,0.73]> : tensor<4xf32>
  %e2 = seq.embedding %i2, %table2 : (tensor<?xi64>, tensor<10x4xf32>) -> tensor<?x4xf32>
  %p2 = seq.linear %h2, %w2 : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  %s2 = arith.addf %p2, %e2 : tensor<?x4xf32>
  %n2 = seq.layer_norm %s2 scale(%g2) bias(%b2) : (tensor<?x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  %q2 = seq.linear %n2, %v2 : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  %a2 = seq.activation <tanh> %q2 : tensor<?x4xf32>
  %h3 = arith.addf %a2, %h2 : tensor<?x4xf32>
  %empty2 = tensor.empty(%n) : tensor<?xi64>
  %i3 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%i2 : tensor<?xi64>) outs(%empty2 : tensor<?xi64>) {
  ^bb0(%v: i64, %o: i64):
    %one = arith.constant 1 : i64
    %next = arith.addi %v, %one : i64
    linalg.yield %next : i64
  } -> tensor<?xi64>
  %table3 = arith.constant dense<[[0.58,0.66,-0.32,0.23],[0.56,-0.24,0.14,-0.55],[-0.84,-0.47,0.78,0.13],[0.85,-0.08,-0.45,0.57],[0.66,-0.98,0.34,-0.82],[-0.77,0.77,-0.92,-0.52],[0.98,-0.16,-0.77,-0.67],[-0.52,0.49,-0.79,0.82],[-0.24,0.94,0.82,-0.41],[-0.49,-0.05,-0.80,0.30]]> : tensor<10x4xf32>
  %w3 = arith.constant dense<[[-0.92,-0.98,0.97,-0.41],[0.19,-0.10,-0.37,-0.87],[0.83,0.94,0.94,-0.78],[-0.57,0.24,0.96,0.09]]> : tensor<4x4xf32>
  %v3 = arith.constant dense<[[0.38,0.32,-0.48,0.08],[-0.39,-0.51,-0.84,-0.44],[0.97,-0.10,0.30,0.29],[0.88,-0.22,-0.39,-0.35]]> : tensor<4x4xf32>
  %g3 = arith.constant dense<[-0.37,0.69,0.79,-0.39]> : tensor<4xf32>
  %b3 = arith.constant dense<[-0.33,0.09,0.16,0.19]> : tensor<4xf32>
  %e3 = seq.embedding %i3, %table3 : (tensor<?xi64>, tensor<10x4xf32>) -> tensor<?x4xf32>
  %p3 = seq.linear %h3, %w3 : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  %s3 = arith.addf %p3, %e3 : tensor<?x4xf32>
  %n3 = seq.layer_norm %s3 scale(%g3) bias(%b3) : (tensor<?x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  %q3 = seq.linear %n3, %v3 : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  %a3 = seq.activation <tanh> %q3 : tensor<?x4xf32>
  %h4 = arith.addf %a3, %h3 : tensor<?x4xf32>
  %empty3 = tensor.empty(%n) : tensor<?xi64>
  %i4 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%i3 : tensor<?xi64>) outs(%empty3 : tensor<?xi64>) {
  ^bb0(%v: i64, %o: i64):
    %one = arith.constant 1 : i64
    %next = arith.addi %v, %one : i64
    linalg.yield %next : i64
  } -> tensor<?xi64>
  %table4 = arith.constant dense<[[-0.51,-0.96,-0.51,-0.86],[0.10,-0.86,-0.85,0.27],[-0.42,0.58,-0.01,0.73],[-0.69,0.00,0.59,-0.85],[0.90,-0.65,0.55,0.97],[0.64,-0.36,-0.79,0.03],[0.84,-0.41,0.79,-0.72],[0.82,-0.94,-0.37,0.81],[0.61,0.81,0.68,0.49],[0.38,-0.64,-0.13,-0.68]]> : tensor<10x4xf32>
  %w4 = arith.constant dense<[[0.43,0.34,-0.49,-0.87],[0.93,0.62,0.10,0.08],[0.70,-0.09,-0.21,-0.32],[-0.48,-0.95,0.29,-0.17]]> : tensor<4x4xf32>
  %v4 = arith.constant dense<[[0.14,-0.88,-0.29,-0.72],[-0.75,-0.48,0.66,-0.20],[-0.20,0.22,-0.53,-0.99],[0.06,0.00,0.30,-0.12]]> : tensor<4x4xf32>
  %g4 = arith.constant dense<[0.37,0.46,-0.52,-0.01]> : tensor<4xf32>
  %b4 = arith.constant dense<[-0.04,-0.55,-0.18,0.12]> : tensor<4xf32>
  %e4 = seq.embedding %i4, %table4 : (tensor<?xi64>, tensor<10x4xf32>) -> tensor<?x4xf32>
  %p4 = seq.linear %h4, %w4 : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  %s4 = arith.addf %p4, %e4 : tensor<?x4xf32>
  %n4 = seq.layer_norm %s4 scale(%g4) bias(%b4) : (tensor<?x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  %q4 = seq.linear %n4, %v4 : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  %a4 = seq.activation <tanh> %q4 : tensor<?x4xf32>
  %h5 = arith.addf %a4, %h4 : tensor<?x4xf32>
  %empty4 = tensor.empty(%n) : tensor<?xi64>
  %i5 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%i4 : tensor<?xi64>) outs(%empty4 : tensor<?xi64>) {
  ^bb0(%v: i64, %o: i64):
    %one = arith.constant 1 : i64
    %next = arith.addi %v, %one : i64
    linalg.yield %next : i64
  } -> tensor<?xi64>
  return %h5 : tensor<?x4xf32>
}
