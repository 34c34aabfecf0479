"""What a preview server keeps between its builds: the state a build would save (never read back from
disk while it runs), and what only memory holds to make the next edit quick, each kept with what it was
made from so that it is used again only for the same."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment

from ..content.folder import Stamp
from ..search.files import IndexMemo
from ..site.downloads import DataMemo
from ..site.entries import Entry
from ..site.pages import Planned
from .state import BuildState, record_stamp


@dataclass
class TemplatesMemo:
    made_for: str                       # the templates folder and the asset addresses
    environment: Environment            # (it reloads a template whose file changes)


@dataclass
class EntriesMemo:
    settings: str
    by_slug: dict[str, Entry]


@dataclass
class UnitsMemo:
    """The site's units but the decisions' (`site.units.site_units`) for the same entries and settings: an
    edit to a decision's body leaves every other page's plan as it was."""
    made_for: str                       # settings, templates, and every entry's facts
    planned: list[Planned]


@dataclass
class PreviewMemory:
    state: BuildState | None = None     # None until a build has read it
    record_seen: Stamp | None = None    # the saved record's stamp when this memory last matched it
    templates: TemplatesMemo | None = None
    entries: EntriesMemo | None = None
    units: UnitsMemo | None = None
    index: IndexMemo = field(default_factory=IndexMemo)
    downloads: DataMemo = field(default_factory=DataMemo)

    def output_as_remembered(self, folder: Path, output_there: bool) -> bool:
        """Is the output folder as this memory's last build left it, as far as a quick look tells? Not if
        another build has saved its record since (every build from the command line does), or the folder
        is gone (`output_there`); what memory says of the index files is then dropped."""
        seen = record_stamp(folder)
        same = self.state is not None and seen == self.record_seen and output_there
        self.record_seen = seen
        if not same:
            self.index.clear()
        return same

    def forget_output(self) -> None:
        """After a failed build, which may have changed the output folder (a commit cut short) and the index
        it was updating in place: the next build looks at the folder and reads the index again."""
        self.index.clear()
        self.record_seen = None
        if self.state is not None:
            self.state.search = None
