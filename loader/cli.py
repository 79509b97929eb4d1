"""`substrate-loader`: generate synthetic block streams, load blocks into ClickHouse, show status."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from loader.networks import UnknownNetworkError


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except (UnknownNetworkError, ValueError, FileNotFoundError) as error:
        print(f"substrate-loader: error: {error}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="substrate-loader", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    gen = commands.add_parser("generate", help="write a deterministic SYNTHETIC block stream (canonical NDJSON)")
    gen.add_argument("--network", required=True)
    gen.add_argument("--blocks", type=int, required=True)
    gen.add_argument("--seed", type=int, default=42)
    gen.add_argument("out", type=Path, help="output file: .ndjson, .ndjson.gz or .ndjson.zst")
    gen.set_defaults(run=_generate)
    return parser


def _generate(args: argparse.Namespace) -> int:
    from loader.generate import generate

    started = time.perf_counter()
    summary = generate(args.network, args.blocks, args.seed, args.out)
    seconds = time.perf_counter() - started
    print(
        f"{args.out}: {summary.blocks} blocks, {summary.extrinsics} extrinsics, {summary.events} events "
        f"(synthetic, {args.network}, seed {args.seed}) in {seconds:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
