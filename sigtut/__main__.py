"""Command line: ``python -m sigtut COMMAND [ARGS]``.

Each command lives in its own module with a ``main(argv)`` function; this file only
dispatches, so adding an experiment never touches another one.
"""
from __future__ import annotations

import importlib
import sys

# command -> "module" with main(argv: list[str]) -> int, or "module:function" for another entry
COMMANDS: dict[str, str] = {
    "reproduce table1": "sigtut.experiments.table1",
    "reproduce table2": "sigtut.experiments.table2",
    "reproduce table3": "sigtut.experiments.table3",
    "reproduce peers": "sigtut.experiments.peers",
    "train-classifier": "sigtut.experiments.train_classifier",
    "assign": "sigtut.handout:main_assign",
    "grade": "sigtut.handout:main_grade",
}
SUMMARIES = {  # one line for commands that share a module
    "assign": "Write a chapter's student hand-out: solutions removed, exercise checks kept.",
    "grade": "Run a filled-in hand-out and score each exercise by its check cells.",
}


def _usage(prefix: str = "") -> int:
    """Print the commands (those starting with ``prefix``), one line each."""
    print(f"usage: python -m sigtut {prefix or 'COMMAND'}{' TABLE' if prefix else ''} [ARGS]\n\ncommands:")
    for name, target in COMMANDS.items():
        if name.startswith(prefix):
            doc = (importlib.import_module(target.split(":")[0]).__doc__ or "").strip().splitlines()
            print(f"  {name:<24}{SUMMARIES.get(name) or (doc[0] if doc else '')}")
    print("\n'python -m sigtut COMMAND --help' describes a command's arguments.")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help"}:
        return _usage()
    name = args[0]
    if name == "reproduce" and (len(args) == 1 or args[1] in {"-h", "--help"}):
        return _usage("reproduce")
    if name == "reproduce":
        name, args = f"reproduce {args[1]}", args[1:]
    if name not in COMMANDS:
        print(f"unknown command {name!r}; try: python -m sigtut --help", file=sys.stderr)
        return 2
    module, _, function = COMMANDS[name].partition(":")
    return int(getattr(importlib.import_module(module), function or "main")(args[1:]) or 0)


if __name__ == "__main__":
    sys.exit(main())
