"""The units of one build: which can stay as the last build left them, which are rendered again, and the
record of what each is made from, for the next build.

A build lists every unit it keeps or makes, and whatever the last build made that no unit lists goes. A
preview's build after an edit (`patch`) starts instead from the last build's units and files: it renders
what changed and drops what went, and everything else stays without being named, so its work follows the
edit, not the size of the digest.
"""
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
        self.patch = staging.patch
        self.units: dict[str, Unit] = dict(record.units) if self.patch else {}
        self.decision_units: dict[str, Unit] = dict(record.decision_units) if self.patch else {}
        self.rendered = 0

    def made_from(self, item: Planned) -> str:
        return digest(self.settings, *(self.templates.get(name, name) for name in item.templates), *item.inputs)

    def fresh(self, name: str, made_from: str) -> bool:
        return self._fresh(self.record.units.get(name), made_from)

    def fresh_decision(self, slug: str, made_from: str) -> bool:
        return self._fresh(self.record.decision_units.get(slug), made_from)

    def _fresh(self, unit: Unit | None, made_from: str) -> bool:
        """Is the unit made from what it was last time, and are its files still there as written?"""
        outputs = self.staging.previous
        if outputs is None or unit is None or unit.made_from != made_from:
            return False
        if not all(map(outputs.__contains__, unit.paths)):
            return False
        return not self.verify or all(intact(self.out_dir / path, outputs[path]) for path in unit.paths)

    def keep(self, name: str) -> None:
        self.units[name] = self._kept(self.record.units[name])

    def keep_decision(self, slug: str) -> None:
        self.decision_units[slug] = self._kept(self.record.decision_units[slug])

    def _kept(self, unit: Unit) -> Unit:
        self.staging.keep(*unit.paths)
        return unit

    def add(self, name: str, made_from: str, files: dict[str, str], same: set[str] | None = None) -> None:
        """A unit rendered again. `same`: those of its files known to be as the last build made them."""
        previous = self.staging.previous or {}
        for path, text in files.items():
            if same and path in same and path in previous:
                self.staging.keep(path)
            else:
                self.staging.add(path, text.encode("utf-8"))
        self.units[name] = self._replacing(self.units.get(name), Unit(made_from, tuple(files)))
        self.rendered += 1

    def add_decision(self, slug: str, unit: Unit) -> None:
        """A decision's page and text parts, staged by a worker."""
        self.decision_units[slug] = self._replacing(self.decision_units.get(slug), unit)
        self.rendered += 1

    def add_files(self, name: str, files: dict[str, bytes]) -> None:
        """Files with no inputs to compare (the assets): staged each time, written only when changed."""
        for path, data in files.items():
            self.staging.add(path, data)
        self.units[name] = self._replacing(self.units.get(name), Unit("", tuple(files)))

    def _replacing(self, old: Unit | None, new: Unit) -> Unit:
        """In a patch, the old unit's files that the new one no longer makes go."""
        if self.patch and old is not None:
            made = set(new.paths)
            self.staging.drop(*(path for path in old.paths if path not in made))
        return new

    def drop_units_but(self, planned: set[str]) -> None:
        """In a patch, units the last build made that this one no longer plans go, with their files."""
        if self.patch:
            for name in [name for name in self.units if name not in planned]:
                self.staging.drop(*self.units.pop(name).paths)

    def drop_decision(self, slug: str) -> None:
        unit = self.decision_units.pop(slug, None)
        if unit is not None and self.patch:
            self.staging.drop(*unit.paths)
