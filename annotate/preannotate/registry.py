"""Find annotators by name: the built-in ones and third-party plug-ins.

A plug-in package declares, in its pyproject.toml,

    [project.entry-points."claimtrail.annotators"]
    my-model = "my_package.annotator:MyAnnotator"

where the object is a class or factory that returns an Annotator when called
with the keyword arguments given to get_annotator().
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from importlib.metadata import entry_points
from typing import Any

from .base import Annotator

GROUP = "claimtrail.annotators"
_BUILTINS = {"rules": "annotate.preannotate.rules:RulesAnnotator"}


def _load(target: str) -> Callable[..., Annotator]:
    module, _, attr = target.partition(":")
    return getattr(import_module(module), attr)


def _plugins() -> dict[str, Any]:
    return {ep.name: ep for ep in entry_points(group=GROUP) if ep.name not in _BUILTINS}


def available() -> list[str]:
    """Names of all annotators: built-ins first, then installed plug-ins."""
    return list(_BUILTINS) + sorted(_plugins())


def get_annotator(name: str, **options: Any) -> Annotator:
    """A new annotator instance; options go to its constructor."""
    if name in _BUILTINS:
        factory = _load(_BUILTINS[name])
    else:
        plugin = _plugins().get(name)
        if plugin is None:
            raise KeyError(f"no annotator named {name!r}; available: {', '.join(available())}")
        factory = plugin.load()
    annotator = factory(**options)
    if not isinstance(annotator, Annotator):
        raise TypeError(f"annotator {name!r} does not follow the Annotator protocol")
    return annotator
