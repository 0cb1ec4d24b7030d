from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from screening.loaders import SOURCE_ALIASES
from screening.services import sanctions_list_load


class Command(BaseCommand):
    help = (
        "Load a sanctions list: the UN Security Council consolidated list (XML) or an OpenSanctions "
        "targets.simple.csv. Entries are upserted by their list id, so reloading a file is safe."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--source", choices=["un", "opensanctions"], help="The file's format; by default told from the file."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        source = SOURCE_ALIASES[options["source"]] if options["source"] else None
        try:
            result = sanctions_list_load(path=path, source=source)
        except (ValueError, SyntaxError) as error:  # ParseError is a SyntaxError
            raise CommandError(f"{path.name} could not be read: {error}") from error
        self.stdout.write(
            f"{path.name} ({result.source}): {result.read} entries read, {result.created} created, "
            f"{result.updated} updated, {result.skipped} skipped"
        )
