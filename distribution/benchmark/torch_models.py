#!/usr/bin/env python3
"""PyTorch references of Transferbench's model builders, for `transferbench benchmark --model`.

The networks are built layer for layer as Transferbench's ModelBuilder builds them (same widths,
kernels, padding, strides, pooling, batch norm, dense layers), in PyTorch's default NCHW layout, and
trained with the protocol of shared/bench/torch_reference.py: 20 warm-up batches, then repetitions of
contiguous batches at advancing offsets, SGD with learning rate 0.01 and Nesterov momentum 0.9 (DL4J's
Nesterovs updater). Data: Fashion-MNIST (IDX) as 28x28x1, or for --input 32x32x3 each image padded
by 2 pixels of zeros and repeated on 3 channels, exactly as Transferbench's benchmark does.

Needs Debian's python3-torch and dataset-fashion-mnist. Prints one line per repetition and, last,
`images_per_second=<median>`.
"""
import argparse, gzip, os, statistics, struct, time

import torch
import torch.nn as nn
import torch.nn.functional as F

PLANS = {
    "small-cnn": ([16, "M", 32, "M"], 64, False),
    "bench-cnn": ([32, 32, "M", 64, 64, "M"], 128, False),
    "vgg-11": ([64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"], 512, True),
    "vgg-16": ([64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"], 512, True),
}


def scaled(filters, width):
    return max(1, int(round(filters * width)))  # ties: Java rounds half up, Python to even; widths used are exact


def read_idx(path):
    with gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    dims = magic & 0xFF
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return torch.frombuffer(bytearray(data[4 + 4 * dims:]), dtype=torch.uint8).reshape(shape)


def conv_chain(model, side, channels, width):
    """VGG and the small CNNs: conv3x3 (bias) [-> batch norm] -> ReLU, max pooling 2x2; a pooling
    that would take the side below 1 is left out, as ModelBuilder does on 28x28 inputs."""
    plan, dense, batch_norm = PLANS[model]
    if model == "bench-cnn":
        width = 1.0
    layers = []
    for step in plan:
        if step == "M":
            if side < 2:
                continue
            layers.append(nn.MaxPool2d(2))
            side //= 2
        else:
            out = scaled(step, width)
            layers.append(nn.Conv2d(channels, out, 3, padding=1))
            if batch_norm:
                layers.append(nn.BatchNorm2d(out))
            layers.append(nn.ReLU())
            channels = out
    layers += [nn.Flatten(), nn.Linear(channels * side * side, scaled(dense, width)), nn.ReLU(),
               nn.Linear(scaled(dense, width), 10)]
    return nn.Sequential(*layers)


class Block(nn.Module):
    """ResNet basic block as ModelBuilder.buildGraph makes it: conv-bn-relu-conv-bn, plus the input or
    a 1x1 conv (stride 2) with batch norm where the shape changes, then ReLU. Convs have no bias."""

    def __init__(self, channels, filters, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, filters, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(filters)
        self.conv2 = nn.Conv2d(filters, filters, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(filters)
        self.shortcut = None
        if stride != 1 or channels != filters:
            self.shortcut = nn.Sequential(nn.Conv2d(channels, filters, 1, stride, 0, bias=False), nn.BatchNorm2d(filters))

    def forward(self, x):
        y = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        return F.relu(y + (x if self.shortcut is None else self.shortcut(x)))


class ResNet20(nn.Module):
    def __init__(self, side, channels, width):
        super().__init__()
        c = scaled(16, width)
        self.stem = nn.Sequential(nn.Conv2d(channels, c, 3, 1, 1, bias=False), nn.BatchNorm2d(c), nn.ReLU())
        blocks = []
        for stage in range(3):
            filters = scaled(16 << stage, width)
            for block in range(3):
                stride = 2 if stage > 0 and block == 0 else 1
                blocks.append(Block(c, filters, stride))
                c = filters
            if stage > 0:
                side = (side + 1) // 2
        self.blocks = nn.Sequential(*blocks)
        self.pool = nn.AvgPool2d(side)
        self.fc = nn.Linear(c, 10)

    def forward(self, x):
        return self.fc(torch.flatten(self.pool(self.blocks(self.stem(x))), 1))


def build(model, side, channels, width):
    if model == "resnet-20":
        return ResNet20(side, channels, width)
    return conv_chain(model, side, channels, width)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="vgg-11", choices=sorted(PLANS) + ["resnet-20"])
    ap.add_argument("--width", type=float, default=1.0)
    ap.add_argument("--input", default="28x28x1", choices=["28x28x1", "32x32x3"])
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--batches", type=int, default=100, help="batches per measured repetition")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    x = read_idx(os.path.join(args.data, "train-images-idx3-ubyte.gz")).float().div_(255).unsqueeze(1)
    y = read_idx(os.path.join(args.data, "train-labels-idx1-ubyte.gz")).long()
    side, channels = 28, 1
    if args.input == "32x32x3":
        x = F.pad(x, (2, 2, 2, 2)).repeat(1, 3, 1, 1).contiguous()
        side, channels = 32, 3
    net = build(args.model, side, channels, args.width)
    net.train()
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9, nesterov=True)
    loss_fn = nn.CrossEntropyLoss()
    n = x.shape[0]

    def run(batches, offset):
        loss = None
        for i in range(batches):
            s = ((offset + i) * args.batch) % (n - args.batch)
            opt.zero_grad()
            loss = loss_fn(net(x[s:s + args.batch]), y[s:s + args.batch])
            loss.backward()
            opt.step()
        return loss.item() if loss is not None else float("nan")

    run(args.warmup, 0)
    rates = []
    for r in range(args.reps):
        t = time.perf_counter()
        loss = run(args.batches, args.warmup + r * args.batches)
        dt = time.perf_counter() - t
        rates.append(args.batches * args.batch / dt)
        print(f"rep {r}: {rates[-1]:.1f} images/s, loss {loss:.4f}")
    print(f"torch {torch.__version__}, {args.model}, width {args.width}, input {args.input}, "
          f"threads {args.threads}, batch {args.batch}")
    print(f"images_per_second={statistics.median(rates):.1f}")


if __name__ == "__main__":
    main()
