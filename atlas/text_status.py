"""Texts for where projects stand today: the state after a planned end, the data's as-of
date, and how complete the bundled facts are (DE and EN with identical keys)."""

DE = {
    "phase.Ende überschritten": "Geplantes Ende überschritten",
    "status.overdue_until": "geplantes Ende überschritten (bis {end})",
    "status.offer": "Verlängerung bis {until} angeboten",
    "asof.line": "Phasen berechnet für heute ({today}) aus Daten mit Stand {asof}.",
    "asof.unknown": "Phasen berechnet für heute ({today}); der Stand der Daten ist nicht angegeben.",
    "asof.stale": "Achtung: Die Daten sind {months} Monate älter als heute. Phasen nach dem Stand können sich geändert haben; „Geplantes Ende überschritten“ heißt: keine Quelle sagt, ob das Projekt endete oder verlängert wurde.",
    "coverage.header": "Vollständigkeit der Fakten",
    "coverage.intro": "Wie viele Projekte die einzelnen Angaben mit Quelle haben (mitgelieferte Daten).",
    "coverage.col_what": "Angabe",
    "coverage.col_known": "bekannt",
    "coverage.col_total": "von",
    "coverage.col_share": "Anteil",
    "coverage.end": "Projekte mit Enddatum",
    "coverage.end_or_reason": "Projekte mit Enddatum oder dokumentiertem Grund",
    "coverage.funding": "Projekte mit Förderbetrag (Bund oder gesamt)",
    "coverage.dated_phases": "Projekte mit datierten Phasen",
    "coverage.phase_known": "Projekte mit bekannter Phase heute",
    "coverage.source_url": "Zeilen mit vollständiger Quell-URL (alle Tabellen)",
}

EN = {
    "phase.Ende überschritten": "Planned end passed",
    "status.overdue_until": "planned end passed (until {end})",
    "status.offer": "extension to {until} offered",
    "asof.line": "Phases computed for today ({today}) from data as of {asof}.",
    "asof.unknown": "Phases computed for today ({today}); the data's as-of date is not given.",
    "asof.stale": "Note: the data is {months} months older than today. Phases may have changed since; “planned end passed” means no source says whether the project ended or was extended.",
    "coverage.header": "Completeness of the facts",
    "coverage.intro": "How many projects have each fact with a source (bundled data).",
    "coverage.col_what": "Fact",
    "coverage.col_known": "known",
    "coverage.col_total": "of",
    "coverage.col_share": "Share",
    "coverage.end": "Projects with an end date",
    "coverage.end_or_reason": "Projects with an end date or a documented reason",
    "coverage.funding": "Projects with a funding amount (federal or total)",
    "coverage.dated_phases": "Projects with dated phases",
    "coverage.phase_known": "Projects whose phase today is known",
    "coverage.source_url": "Rows with a full source URL (all tables)",
}
