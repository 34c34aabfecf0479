"""The units of one build: which can stay as the last build left them, which are rendered again, and the
record of what each is made from, for the next build."""
from __future__ import annotations

from pathlib import Path

from ..digest import digest
from ..site.pages import Planned
from .output import Staging, intact
from .state import OutputRecord, Unit


class Plan:
    """A unit is fresh when the digest of what it is made from (code and settings, its templates, what it
    shows) is the one recorded, and its files are in the output as written (looked at only with `verify`:
    a preview trusts its own memory of the folder)."""

    def __init__(self, out_dir: Path, record: OutputRecord, staging: Staging, verify: bool, settings: str,
                 templates: dict[str, str]):
        self.out_dir, self.record, self.staging, self.verify = out_dir.resolve(), record, staging, verify
        self.settings, self.templates = settings, templates
        self.units: dict[str, Unit] = {}
        self.rendered = 0

    def made_from(self, item: Planned) -> str:
        return digest(self.settings, *(self.templates.get(name, name) for name in item.templates), *item.inputs)

    def fresh(self, name: str, made_from: str) -> bool:
        """Is the unit made from what it was last time, and are its files still there as written?"""
        outputs = self.staging.previous
        if outputs is None:
            return False
        unit = self.record.units.get(name)
        if unit is None or unit.made_from != made_from or not all(map(outputs.__contains__, unit.paths)):
            return False
        return not self.verify or all(intact(self.out_dir / path, outputs[path]) for path in unit.paths)

    def keep(self, name: str) -> None:
        unit = self.record.units[name]
        self.staging.keep(*unit.paths)
        self.units[name] = unit

    def add(self, name: str, made_from: str, files: dict[str, str], same: set[str] | None = None) -> None:
        """A unit rendered again. `same`: those of its files known to be as the last build made them."""
        previous = self.staging.previous or {}
        for path, text in files.items():
            if same and path in same and path in previous:
                self.staging.keep(path)
            else:
                self.staging.add(path, text.encode("utf-8"))
        self.units[name] = Unit(made_from, tuple(files))
        self.rendered += 1

    def add_files(self, name: str, files: dict[str, bytes]) -> None:
        """Files with no inputs to compare (the assets): staged each time, written only when changed."""
        for path, data in files.items():
            self.staging.add(path, data)
        self.units[name] = Unit("", tuple(files))
