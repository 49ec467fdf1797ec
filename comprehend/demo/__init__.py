"""The demo repository: a small shop library built by three people and their AI agents,
with a planted bug. `comprehend demo` builds it; tests reuse it as a fixture."""

from comprehend.demo.build import (
    DemoCommit,
    DemoFolderError,
    DemoRepo,
    PlantedBug,
    RewrittenExpectation,
    WeakTests,
    build_demo,
)

__all__ = [
    "DemoCommit", "DemoFolderError", "DemoRepo", "PlantedBug", "RewrittenExpectation",
    "WeakTests", "build_demo",
]
