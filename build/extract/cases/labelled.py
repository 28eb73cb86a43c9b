"""Labelled blocks of the cost page: サービス提供事業者等 and 担当部署.

A label's value can share its line (after a TAB or a space), follow on the
next line, or come after a stack of labels (1-4 prints three labels, then
three values); labels can be split over two lines (``サービス`` / ``提供事業者``).
Values are therefore matched to labels in order, first in first out.
"""

from __future__ import annotations

import re
from pathlib import Path

from dxkg.pipeline.extract.cases.fields import (
    bracket_depth,
    clean_line,
    nfkc,
    parse_operation_modes,
    split_organisations,
    split_service_names,
)
from dxkg.pipeline.extract.records import Department, ServiceBlock
from dxkg.pipeline.extract.sourcetext import SourceFormatError

SERVICE_LABELS = {
    "サービス提供事業者": "providers",
    "サービス名": "service_names",
    "運用形態": "operation_mode",
    "その他参画主体": "participants",
}
DEPARTMENT_LABELS = {"担当部署": "name", "電話": "phone", "メール": "email"}
_SPLIT_LABEL_HEADS = {"サービス": "提供事業者", "その他": "参画主体"}


def _label_pattern(label: str) -> re.Pattern:
    """A label whose characters may be separated by spaces or emphasis marks."""
    return re.compile(r"^[\s*]*" + r"[\s*]*".join(map(re.escape, label)) + r"[\s*]*")


def _cells(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Non-empty TAB cells with bullets and emphasis removed, split labels joined."""
    # clean_line would take a lone 「-」 placeholder for a bullet
    cells = [
        (number, clean_line(cell) or cell.strip())
        for number, line in lines
        for cell in line.rstrip().split("\t")
        if cell.strip()
    ]
    joined: list[tuple[int, str]] = []
    for number, text in cells:
        if (
            joined
            and joined[-1][1] in _SPLIT_LABEL_HEADS
            and text.startswith(_SPLIT_LABEL_HEADS[joined[-1][1]])
        ):
            joined[-1] = (joined[-1][0], joined[-1][1] + text)
        else:
            joined.append((number, text))
    return joined


def read_labelled(
    lines: list[tuple[int, str]], labels: dict[str, str]
) -> dict[str, tuple[int, list[str]]]:
    """Map each label's field name to (line, value lines), matching values to labels FIFO."""
    patterns = {name: _label_pattern(label) for label, name in labels.items()}
    values: dict[str, tuple[int, list[str]]] = {}
    pending: list[str] = []
    last: str | None = None
    for number, text in _cells(lines):
        name = next((n for n, p in patterns.items() if p.match(nfkc(text))), None)
        if name:
            rest = patterns[name].sub("", nfkc(text), count=1)
            # the printed (not NFKC) remainder: same length, as labels are plain kana/kanji
            value = text[len(text) - len(rest) :].strip() if rest else ""
            values[name] = (number, [value] if value else [])
            if not value:
                pending.append(name)
            last = name
        elif pending:
            name = pending.pop(0)
            values[name] = (values[name][0], [text])
            last = name
        elif last:
            values[last][1].append(text)
    return values


def parse_service_block(path: Path, lines: list[tuple[int, str]]) -> ServiceBlock | None:
    """The サービス提供事業者等 section; None when the case has none."""
    if not lines:
        return None
    fields = read_labelled(lines, SERVICE_LABELS)
    if "providers" not in fields:
        raise SourceFormatError(
            path, lines[0][0], "サービス提供事業者等 without サービス提供事業者"
        )

    def raw(name: str) -> str | None:
        return "\n".join(fields[name][1]) if name in fields else None

    return ServiceBlock(
        providers_raw=raw("providers"),
        providers=split_organisations(raw("providers")),
        service_names_raw=raw("service_names"),
        service_names=split_service_names(raw("service_names")),
        operation_mode_raw=raw("operation_mode"),
        operation_modes=parse_operation_modes(raw("operation_mode")),
        participants_raw=raw("participants"),
        participants=split_organisations(raw("participants")),
        line=fields["providers"][0],
    )


def _balanced_join(parts: list[str]) -> list[str]:
    """Join lines that continue an unclosed bracket: ``…（愛媛`` + ``県…課）``."""
    joined: list[str] = []
    for part in parts:
        if joined and bracket_depth(joined[-1]) > 0:
            joined[-1] += part
        else:
            joined.append(part)
    return joined


def parse_department_block(path: Path, lines: list[tuple[int, str]]) -> list[Department]:
    """担当部署 / 電話 / メール on the cost page, with several departments where given."""
    if not lines:
        return []
    first = lines[0][0]
    if "非公表" in nfkc(lines[0][1]):
        return [Department(name=None, phone=None, email=None, undisclosed=True, line=first)]
    # 「担当部署 X 電話 Y メール Z」 on one line (layout C): break it at the labels
    split_lines = [
        (number, part)
        for number, line in lines
        for part in re.split(r"\s+(?=(?:電話|メール)\s)", clean_line(line))
    ]
    fields = read_labelled(split_lines, DEPARTMENT_LABELS)
    names = _balanced_join(fields.get("name", (first, []))[1])
    phones = _balanced_join(fields.get("phone", (first, []))[1])
    emails = fields.get("email", (first, []))[1]
    count = max(len(phones), len(emails), 1)
    if len(names) > count:  # a name wrapped onto the next line (2-6)
        names = names[: count - 1] + ["".join(names[count - 1 :])]
    if not names:
        raise SourceFormatError(path, first, "担当部署 without a department name")
    return [
        Department(
            name=names[i] if i < len(names) else None,
            phone=phones[i] if i < len(phones) else None,
            email=emails[i] if i < len(emails) else None,
            undisclosed=False,
            line=first,
        )
        for i in range(max(count, len(names)))
    ]


_INLINE = re.compile(
    r"^(?:【担当部署】)?\s*(?P<name>[^（(]*?)\s*[（(]電話[：:]\s*(?P<phone>[^、,]+?)\s*[、,]\s*"
    r"メール[：:]\s*(?P<email>[^）)]+?)\s*[）)]\s*$"
)


def parse_inline_departments(path: Path, lines: list[tuple[int, str]]) -> list[Department]:
    """``【担当部署】 name（電話：…、メール：…）`` lines at the end of an interview.

    The phone and e-mail can be on the following line (2-15), and a second
    department can follow without the label (2-20).
    """
    departments: list[Department] = []
    pending_name: tuple[int, str] | None = None
    for number, line in lines:
        text = nfkc(clean_line(line))
        printed = clean_line(line)
        match = _INLINE.match(printed) or _INLINE.match(text)
        if match and match.group("name"):
            departments.append(_inline_department(match, number))
            pending_name = None
        elif match and pending_name:
            departments.append(_inline_department(match, pending_name[0], pending_name[1]))
            pending_name = None
        elif printed.startswith("【担当部署】"):
            pending_name = (number, re.sub(r"^【担当部署】\s*", "", printed))
        else:
            raise SourceFormatError(path, number, "unreadable 【担当部署】 line")
    if pending_name:
        raise SourceFormatError(path, pending_name[0], "【担当部署】 without phone and e-mail")
    return departments


def _inline_department(match: re.Match, number: int, name: str | None = None) -> Department:
    return Department(
        name=name or match.group("name").strip(),
        phone=match.group("phone").strip(),
        email=match.group("email").strip(),
        undisclosed=False,
        line=number,
    )
