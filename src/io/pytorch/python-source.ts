/**
 * The fixed Python text of an exported `model.py`: the helper modules that
 * fovea layers without a torch.nn twin become, the safetensors reader, the
 * loader and the `__main__` summary. export-pytorch.ts puts the
 * model-specific parts (constants, `build()`) between them. Torch 1.13+
 * (Debian 12's python3-torch) and numpy are all it needs.
 */

/** Python literal of a string (a JSON string literal is a valid Python one). */
export const pyStr = (s: string): string => JSON.stringify(s);

/** Python literal of a number: `-Infinity` and `NaN` as `float(...)`. */
export function pyNum(n: number): string {
  if (Number.isNaN(n)) return "float('nan')";
  if (n === Infinity) return "float('inf')";
  if (n === -Infinity) return "float('-inf')";
  return String(n);
}

/** Python literal of a number or a pair of numbers (a tuple). */
export const pyPair = (v: number | readonly number[]): string => (typeof v === 'number' ? pyNum(v) : `(${v.map(pyNum).join(', ')})`);

/** Helper classes by name; export-pytorch.ts includes only those its model uses. */
export const PY_HELPERS = {
  SumPool2d: `
class SumPool2d(nn.Module):
    """Sum pooling (fovea's SumPool2d): each output is the sum of its window,
    zero padding included: average pooling with a divisor of 1."""

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        self.kernel_size, self.stride, self.padding = kernel_size, stride, padding

    def forward(self, x):
        return F.avg_pool2d(x, self.kernel_size, self.stride, self.padding, count_include_pad=True, divisor_override=1)

    def extra_repr(self):
        return f'kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}'
`,
  Residual: `
class Residual(nn.Module):
    """y = body(x) + shortcut(x) (the identity when there is no shortcut), then
    ReLU if relu_after: fovea's Residual, a ResNet block."""

    def __init__(self, body, shortcut=None, relu_after=False):
        super().__init__()
        self.body = body
        if shortcut is not None:
            self.shortcut = shortcut
        self.relu_after = relu_after

    def forward(self, x):
        s = self.shortcut(x) if 'shortcut' in self._modules else x
        y = self.body(x) + s
        return F.relu(y) if self.relu_after else y

    def extra_repr(self):
        return f'relu_after={self.relu_after}'
`,
  FoveaGraph: `
class FoveaGraph(nn.Module):
    """A DAG of layers (fovea's GraphModule, as ONNX and TF.js import make it):
    named values, one input, one output; each node a child module or a
    functional op. Children and constants keep their graph names, so the
    state_dict keys are fovea's."""

    def __init__(self, graph, modules, constants):
        super().__init__()
        self.graph = graph
        for name, module in modules:
            self._modules[name] = module  # not add_module: a graph name may shadow an nn.Module attribute
        for name, shape in constants:
            self._buffers[name] = torch.zeros(shape)

    def forward(self, x):
        g = self.graph
        values = dict(self._buffers)
        values[g['input']] = x
        for node in g['nodes']:
            ins = [values[i] for i in node['inputs']]
            values[node['name']] = self._run(node, ins)
        return values[g['output']]

    def _run(self, node, ins):
        op, a = node['op'], node.get('attrs', {})
        if op == 'module':
            return self._modules[node['name']](ins[0])
        if op == 'add':
            return ins[0] + ins[1]
        if op == 'sub':
            return ins[0] - ins[1]
        if op == 'mul':
            return ins[0] * ins[1]
        if op == 'div':
            return ins[0] / ins[1]
        if op == 'matmul':
            return torch.matmul(ins[0], ins[1])
        if op == 'concat':
            return torch.cat(ins, a.get('dim', 0))
        if op == 'permute':
            return ins[0].permute(a['dims'])
        x = ins[0]
        if op == 'reshape':  # 0 copies the input's dim, -1 is inferred (ONNX's Reshape)
            return x.reshape([x.shape[i] if d == 0 else d for i, d in enumerate(a['shape'])])
        dims = a.get('dims', [])
        if op == 'squeeze':
            drop = [d % x.dim() for d in dims]
            return x.reshape([n for i, n in enumerate(x.shape) if (i not in drop if dims else n != 1)])
        if op == 'unsqueeze':
            rank = x.dim() + len(dims)
            ones = [d % rank for d in dims]
            rest = iter(x.shape)
            return x.reshape([1 if i in ones else next(rest) for i in range(rank)])
        raise ValueError(f"graph node {node['name']!r}: unknown op {op!r}")

    def extra_repr(self):
        return f"{len(self.graph['nodes'])} nodes"
`,
} as const;

export type PyHelper = keyof typeof PY_HELPERS;

/** The loader, preprocessing helpers and summary: the same for every model. */
export const PY_RUNTIME = `
WEIGHTS = 'model.safetensors'


def read_safetensors(path):
    """{name: float32 tensor} from a safetensors file (8-byte little-endian
    header length, a JSON header, the raw data). Uses the safetensors package
    when it is installed, else reads the format itself."""
    try:
        from safetensors.torch import load_file
        return load_file(path)
    except ImportError:
        pass
    with open(path, 'rb') as f:
        data = f.read()
    n = int.from_bytes(data[:8], 'little')
    header = json.loads(data[8:8 + n])
    start = 8 + n
    tensors = {}
    for name, info in header.items():
        if name == '__metadata__':
            continue
        if info['dtype'] != 'F32':
            raise ValueError(f"{path}: tensor {name!r} is {info['dtype']}, expected F32")
        begin, end = info['data_offsets']
        values = np.frombuffer(data, dtype='<f4', count=(end - begin) // 4, offset=start + begin)
        tensors[name] = torch.from_numpy(values.astype(np.float32)).reshape(info['shape'])
    return tensors


def load(directory=None):
    """The model with its trained weights (strict load_state_dict), in eval mode.
    directory: where model.safetensors lies (default: beside this file)."""
    directory = directory or os.path.dirname(os.path.abspath(__file__))
    model = build()
    state = read_safetensors(os.path.join(directory, WEIGHTS))
    # fovea's batch norms keep no batch counter; PyTorch's state_dict has one
    for name, m in model.named_modules():
        if isinstance(m, nn.BatchNorm2d) and m.num_batches_tracked is not None:
            state.setdefault(f'{name}.num_batches_tracked' if name else 'num_batches_tracked', torch.tensor(0))
    model.load_state_dict(state, strict=True)
    return model.eval()


def normalize(pixels):
    """pixels [N, C, H, W] (or [C, H, W]) scaled to [0, 1] → the model's input: (pixels - MEAN) / STD per channel."""
    shape = (-1, 1, 1)
    mean = torch.tensor(MEAN, dtype=pixels.dtype, device=pixels.device).reshape(shape)
    std = torch.tensor(STD, dtype=pixels.dtype, device=pixels.device).reshape(shape)
    return (pixels - mean) / std


def transform():
    """A torchvision transform from a PIL image to the model's input [C, H, W]:
    channels, size (FIT 'fill' stretches, 'cover' keeps the aspect ratio and
    cuts out the centre), ToTensor, Normalize. fovea resizes with sharp, so
    pixels may differ slightly from PIL's resampling."""
    from torchvision import transforms as T
    from torchvision.transforms import functional as TF
    c, h, w = INPUT_SHAPE

    def cover(im):  # the smallest scaling that covers h x w, then the centre
        s = max(h / im.height, w / im.width)
        return TF.center_crop(TF.resize(im, [max(h, round(im.height * s)), max(w, round(im.width * s))]), [h, w])

    steps = [T.Grayscale(1)] if c == 1 else [T.Lambda(lambda im: im.convert('RGB'))]
    steps += [T.Lambda(cover)] if FIT == 'cover' else [T.Resize((h, w))]
    return T.Compose(steps + [T.ToTensor(), T.Normalize(MEAN, STD)])


if __name__ == '__main__':
    net = load()
    c, h, w = INPUT_SHAPE
    with torch.no_grad():
        out = net(torch.zeros(1, c, h, w))
    print(net)
    print(f'parameters: {sum(p.numel() for p in net.parameters()):,}')
    print(f'input: [N, {c}, {h}, {w}], pixels/255 normalised with mean {list(MEAN)} std {list(STD)}, fit {FIT!r}')
    print(f'output: {list(out.shape)}, classes ({len(CLASS_NAMES)}): {", ".join(CLASS_NAMES)}')
`;
