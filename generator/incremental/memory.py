"""What a preview server keeps between its builds: the state a build would save (never read back from
disk while it runs), and what only memory holds to make the next edit quick, each kept with what it was
made from so that it is used again only for the same."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment

from ..content.folder import STAMPED_FOLDERS, Stamp, stamped, stamps_with_changes
from ..search.files import IndexMemo
from ..site.downloads import DataMemo
from ..site.entries import Entry
from ..site.layout import Layout
from ..site.pages import Planned
from ..site.related import Line
from .state import BuildState, record_stamp


@dataclass
class TemplatesMemo:
    made_for: str                       # the templates folder and the asset addresses
    environment: Environment            # (it reloads a template whose file changes)


@dataclass
class EntriesMemo:
    settings: str
    entries: list[Entry]                # newest first
    order: list[tuple]                  # each entry's place (`site.entries.newest_first`)
    by_slug: dict[str, Entry]
    listed: str                         # a digest that changes whenever any entry's facts do
    layout: Layout                      # where their pages are stored


@dataclass
class RelatedMemo:
    """Each decision's related decisions (`site.related`), with the facts they were chosen from."""
    chosen_by: dict[str, tuple]         # slug -> `related.chosen_by` of its entry
    lines: dict[str, tuple[Line, ...]]
    digests: dict[str, str]
    committed: bool = False             # the build that chose them put its pages in place


@dataclass
class ContentChanges:
    """The content files changed since the state in memory was made, as the preview's file events tell
    them. Until the events are known to be complete (a build has looked at every file since the watching
    began), the build looks at every file."""
    names: set[str] = field(default_factory=set)        # "decisions/<name>", "site.yaml"
    complete: bool = False              # the names are every change since the state was made
    watched: bool = False               # a watcher notes every change (and a build after it began looked)

    def note(self, paths: Iterable[str], content_dir: Path) -> None:
        """Paths the watcher saw change; one it cannot place (a folder, the content folder itself) means
        every file must be looked at again."""
        root = content_dir.resolve()
        for path in map(Path, paths):
            try:                                 # placed by its folder: a file that is a link is the link
                name = (path.parent.resolve() / path.name).relative_to(root).as_posix()
            except ValueError:                   # a template: its digest tells
                continue
            if name in (".", "") or f"{name}/" in STAMPED_FOLDERS or path.is_dir():
                self.complete = False
            elif stamped(name):
                self.names.add(name)

    def watching(self) -> None:
        """A watcher now notes every change; what changed before it began is not known."""
        self.watched, self.complete = True, False

    def taken_in(self) -> None:
        """A build has read every change: those from now on are known, if a watcher notes them."""
        self.names, self.complete = set(), self.watched

    def known(self) -> set[str] | None:
        return set(self.names) if self.complete else None

    def stamps(self, content_dir: Path, state: BuildState | None) -> dict[str, Stamp] | None:
        """The content files' stamps, when the changes are known: only changed files are looked at."""
        if state is None or not self.complete:
            return None
        return stamps_with_changes(content_dir, state.record.stamps, self.names)


@dataclass
class UnitsMemo:
    """The site's units but the decisions' (`site.units.site_units`) for the same entries and settings: an
    edit to a decision's body leaves every other page's plan as it was."""
    made_for: str                       # settings, templates, and every entry's facts
    planned: list[Planned]


@dataclass
class PreviewMemory:
    state: BuildState | None = None     # None until a build has read it
    changes: ContentChanges = field(default_factory=ContentChanges)
    record_seen: Stamp | None = None    # the saved record's stamp when this memory last matched it
    templates: TemplatesMemo | None = None
    entries: EntriesMemo | None = None
    units: UnitsMemo | None = None
    related: RelatedMemo | None = None
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
