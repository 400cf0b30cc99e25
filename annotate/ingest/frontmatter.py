"""YAML front matter: a `---` block at the top of a .md or .txt file, with field line numbers."""

import re

import yaml

from annotate.ingest.source import RecordError

_OPEN = re.compile(r"---[ \t]*\r?\n")
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.M)
_KEY_LINE = re.compile(r"[A-Za-z_][\w-]*\s*:")
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml's parser when installed
    """Safe YAML that leaves dates as written, so a bad one is reported with its field and line."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP] for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_constructor(_TIMESTAMP, lambda loader, node: loader.construct_scalar(node))


def split_front_matter(text: str) -> tuple[dict | None, dict[str, int], str]:
    """(fields or None, line number of each field in the file, body kept verbatim)."""
    opening = _OPEN.match(text)
    if not opening:
        return None, {}, text
    closing = _CLOSE.search(text, opening.end())
    if not closing:
        if _KEY_LINE.match(text, opening.end()):
            raise RecordError("front matter opened by '---' on line 1 is never closed by a '---' line", line=1)
        return None, {}, text  # a leading horizontal rule, not front matter
    fields, lines = _load(text[opening.end() : closing.start()], first_line=2)
    return fields, lines, text[closing.end() :]


def _load(source: str, first_line: int) -> tuple[dict, dict[str, int]]:
    loader = _Loader(source)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark
        if e.context_mark and (mark is None or mark.index >= len(source.rstrip())):
            mark = e.context_mark  # "unexpected end": point at what was left open
        line = first_line + mark.line if mark else first_line
        what = "; ".join(part for part in (e.context, e.problem) if part)
        raise RecordError(f"invalid YAML in front matter: {what}", line=line) from None
    except yaml.YAMLError as e:
        raise RecordError(f"invalid YAML in front matter: {e}", line=first_line) from None
    finally:
        loader.dispose()
    if data is None:
        return {}, {}
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"the single value {str(data)[:40]!r}"
        raise RecordError(f"front matter must be 'key: value' fields, not {kind}", line=first_line)
    lines = {str(key.value): first_line + key.start_mark.line for key, _ in node.value}
    return {str(k): v for k, v in data.items()}, lines
