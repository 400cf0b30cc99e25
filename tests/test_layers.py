"""The tree shows the flow: each layer imports only the layers below it, and no two modules
import each other, even through a chain (imports inside functions count too)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Lowest first. A module may import its own layer and the layers below it, never above.
LAYERS = [
    ("annotate.errors", "annotate.config"),
    ("annotate.store",),
    ("annotate.ingest", "annotate.preannotate", "annotate.linking", "annotate.review", "annotate.labelstudio", "annotate.accounts"),
    ("exports", "annotate.jobs"),
    ("annotate.commands", "annotate.cli", "annotate.__main__"),
    ("server",),
]


def layer_of(module: str) -> int:
    if module == "annotate":  # the package itself: its version
        return 0
    for rank, prefixes in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return rank
    raise AssertionError(f"{module} is in no layer: add it to LAYERS")


def project_modules() -> dict[str, Path]:
    found = {}
    for package in ("annotate", "server", "exports"):
        for path in (ROOT / package).rglob("*.py"):
            found[".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")] = path
    return found


def imports(path: Path, modules: dict) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{a.name}" for a in node.names]
            out |= {n for n in names if n in modules} or ({node.module} & modules.keys())
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names} & modules.keys()
    return out


def test_no_module_imports_a_layer_above_it():
    modules = project_modules()
    upward = [f"{m} imports {d}" for m, path in modules.items() for d in sorted(imports(path, modules)) if layer_of(d) > layer_of(m)]
    assert not upward, "\n".join(upward)


def test_no_import_cycles():
    modules = project_modules()
    graph = {m: imports(p, modules) - {m} for m, p in modules.items()}
    cycles = []

    def visit(node, trail, on_trail, done):
        on_trail.add(node)
        trail.append(node)
        for nxt in graph[node]:
            if nxt in on_trail:
                cycles.append(" -> ".join(trail[trail.index(nxt) :] + [nxt]))
            elif nxt not in done:
                visit(nxt, trail, on_trail, done)
        trail.pop()
        on_trail.discard(node)
        done.add(node)

    done: set = set()
    for module in sorted(graph):
        if module not in done:
            visit(module, [], set(), done)
    assert not cycles, "\n".join(cycles)
