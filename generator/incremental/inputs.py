"""What every part of the site is made from, apart from the decisions themselves, and whether any of it
(or any content file) changed since the last build."""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from ..content.folder import Stamp, content_stamps
from ..content.settings import SiteConfig, checked_base_url, load_config
from ..digest import digest
from ..errors import DigestError
from ..site.assets import Assets, fingerprint
from ..site.templates import template_digests
from .output import file_stamps
from .state import OutputRecord, code_digest

PACKAGE_TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates"


@dataclass(frozen=True)
class Inputs:
    config: SiteConfig
    templates_dir: Path
    assets: Assets
    templates: dict[str, str]         # template -> digest (with what it extends and includes)
    settings: str                     # digest of the code, the settings, the assets and the flags
    everything: str                   # ... and of every template
    stamps: dict[str, Stamp]          # content file -> (size, mtime_ns)

    def decision_files(self) -> int:
        return sum(1 for name in self.stamps if name.startswith("decisions/") and name.endswith(".md"))


def default_templates() -> Path:
    """`templates/` in the working folder when there is one, else the project's own."""
    local = Path("templates")
    return local if local.is_dir() else PACKAGE_TEMPLATES


def read_inputs(content_dir: Path, templates_dir: Path | None, base_url: str | None, strict: bool,
                stamps: dict[str, Stamp] | None = None) -> Inputs:
    """`stamps`: the content files' stamps when the caller knows them (a preview that knows what changed)."""
    templates_dir = templates_dir or default_templates()
    if not templates_dir.is_dir():
        raise DigestError(templates_dir, "no templates folder: build from the project folder (it has templates/), "
                                         "or name one with --templates")
    config = load_config(content_dir)
    if base_url:
        config = replace(config, base_url=checked_base_url(base_url, None, "--base-url"))
    assets = fingerprint(templates_dir / "static")
    templates = template_digests(templates_dir)
    settings = digest(code_digest(), repr(config), repr(sorted(assets.urls.items())), str(strict))
    everything = digest(settings, *sorted(f"{name}={value}" for name, value in templates.items()))
    return Inputs(config, templates_dir, assets, templates, settings, everything,
                  content_stamps(content_dir) if stamps is None else stamps)


def nothing_changed(out_dir: Path, record: OutputRecord, inputs: Inputs, verify: bool) -> bool:
    """The same code, settings, templates and content files as the last build, whose output is intact."""
    return (record.settings == inputs.everything and not record.warned and record.stamps == inputs.stamps
            and outputs_intact(out_dir, record, verify))


def outputs_intact(out_dir: Path, record: OutputRecord, verify: bool) -> bool:
    if not record.outputs:
        return False
    if not verify:
        return True
    found = file_stamps(out_dir.resolve())
    return len(found) == len(record.outputs) and all(
        found.get(path) == (output.size, output.mtime_ns) for path, output in record.outputs.items())
