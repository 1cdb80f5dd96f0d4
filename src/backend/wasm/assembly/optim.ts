// In-place optimiser updates; spec: src/backend/js/optim.ts (torch.optim formulas).

export function sgdStep(p: usize, grad: usize, buf: usize, n: i32, lr: f32, momentum: f32, dampening: f32,
  weightDecay: f32, nesterov: i32, firstStep: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const pi = load<f32>(p + o);
    let g = load<f32>(grad + o) + weightDecay * pi;
    if (momentum != 0 && buf != 0) {
      const b = firstStep ? g : momentum * load<f32>(buf + o) + (1 - dampening) * g;
      store<f32>(buf + o, b);
      g = nesterov ? g + momentum * b : b;
    }
    store<f32>(p + o, pi - lr * g);
  }
}

export function adamStep(p: usize, grad: usize, m: usize, v: usize, n: i32, lr: f64, beta1: f64, beta2: f64,
  eps: f64, weightDecay: f64, decoupled: i32, step: i32): void {
  const bc1 = 1 - Math.pow(beta1, <f64>step);
  const bc2 = 1 - Math.pow(beta2, <f64>step);
  const stepSize = lr / bc1;
  const sqrtBc2 = Math.sqrt(bc2);
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    let pi = <f64>load<f32>(p + o);
    let g = <f64>load<f32>(grad + o);
    if (decoupled) pi *= 1 - lr * weightDecay;
    else g += weightDecay * pi;
    const mi = <f32>(beta1 * <f64>load<f32>(m + o) + (1 - beta1) * g);
    const vi = <f32>(beta2 * <f64>load<f32>(v + o) + (1 - beta2) * g * g);
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
    store<f32>(p + o, <f32>(pi - (stepSize * <f64>mi) / (Math.sqrt(<f64>vi) / sqrtBc2 + eps)));
  }
}
