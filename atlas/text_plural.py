"""Texts that put counts into sentences, with the words that agree with the counts.

`{name|singular|plural}` stands for the word that agrees with the count `{name}`: the
singular for exactly 1, the plural for anything else (0, 2, …; German and English both
say "0 Projekte", "0 projects"). `atlas.text.t` uses these forms in place of the plain
text of the same key, so every caller gets agreement without asking for it; the plain
text in the area's module stays the plural reading (a test checks that both read the same
when every count is 2, so the two cannot drift apart).
"""

DE: dict[str, str] = {
    "describe.projects": "{n} {n|Projekt|Projekte}",
    "kpi.funding_help": "Summe der bekannten Bundesförderung; bekannt für {known} von {total} "
    "{total|Projekt|Projekten}",
    "kpi.funding_cover": "für {known} von {total} {total|Projekt|Projekten}",
    "chart.alt_matrix": "Matrix „{title}“ mit {rows} {rows|Zeile|Zeilen} und {cols} "
    "{cols|Spalte|Spalten}; höchster Wert {max} ({row}, {col})",
    "error.data_problems": "{n} {n|Hinweis|Hinweise} zur Datenqualität",
    "about.coverage_topics": "Themen bekannt für {known} von {total} {total|Projekt|Projekten}",
    "about.coverage_funding": "Bundesförderung bekannt für {known} von {total} "
    "{total|Projekt|Projekten}",
    "about.counts": "{projects} {projects|Projekt|Projekte}, {municipalities} "
    "{municipalities|Kommune|Kommunen}, {links} {links|bekannte Verbindung|bekannte "
    "Verbindungen}, {events} Treffen.",
    "coop.reason.topics": "{n} {n|gemeinsames Thema|gemeinsame Themen} ({topics})",
    "coop.keywords_some": "{n} von {total} {total|Projekt hat|Projekten haben} keine Einträge "
    "in der Maßnahmen-Tabelle: {n|Seine|Ihre} Maßnahmen stammen aus den Stichworten "
    "(Stand unbekannt).",
    "coop.graph_alt": "Karte mit {members} {members|Mitglied|Mitgliedern}, {existing} "
    "{existing|bestehenden Verbindung|bestehenden Verbindungen} und {suggested} "
    "{suggested|Vorschlag|Vorschlägen}",
    "data.import_blocked": "Nicht übernommen: {n} {n|Problem muss|Probleme müssen} zuerst in "
    "der Datei behoben werden. Es wurde nichts geändert.",
    "data.import_apply": "Übernehmen ({n} {n|Änderung|Änderungen})",
    "data.import_removes": "{n} {n|Zeile|Zeilen} in „{table}“ {n|fehlt|fehlen} in der Datei "
    "und {n|würde|würden} entfernt (zum Vermeiden: „Nur ergänzen“ einschalten).",
    "data.ambiguous": "{n} {n|Kommune|Kommunen} ohne Koordinaten {n|trägt|tragen} einen "
    "mehrdeutigen Namen. Bitte jeweils die richtige Gemeinde wählen:",
    "data.edit_intro": "{n} {n|Zeile|Zeilen} (Kommunen und Projekte gemäß den Filtern). Zellen "
    "ändern, Zeilen unten hinzufügen oder links markieren und löschen; dann speichern. Es "
    "gelten dieselben Prüfungen wie beim Import.",
    "data.restore_later": "Damit {n|wird|werden} auch {n} {n|spätere Änderung|spätere "
    "Änderungen} dieser Zeile rückgängig gemacht: {changes}",
    "data.restore_button_later": "Zurücknehmen, auch {n|die spätere Änderung|die {n} späteren "
    "Änderungen}",
    "data.export_intro": "Die Tabellen der aktuellen Auswahl ({n} {n|Projekt|Projekte}, {m} "
    "{m|Kommune|Kommunen}) im Austauschformat; sie lassen sich wieder importieren.",
    "map.alt": "Karte Deutschlands mit {members} {members|Kommune|Kommunen}, {links} "
    "{links|bekannten Verbindung|bekannten Verbindungen} und {orgs} "
    "{orgs|Partnerorganisation|Partnerorganisationen}.",
    "meeting.saved": "Gespeichert: {title} mit {n} {n|nächsten Schritt|nächsten Schritten}.",
    "handout.sources_count": "{n} {n|Quellenangabe|verschiedene Quellenangaben} in den "
    "Projektdaten",
    "present.handout_ready": "Handout erstellt ({pages} {pages|Seite|Seiten}, {seconds} s).",
    "store.refused.edit": "Änderungen nicht gespeichert: {n} {n|Problem|Probleme}. Nichts wurde "
    "geändert.",
    "store.refused.restore": "Wiederherstellen nicht gespeichert: {n} {n|Problem|Probleme}. "
    "Nichts wurde geändert.",
    "problems.rows_skipped": "Nicht alle Zeilen der Daten werden gezeigt: {n} {n|Zeile|Zeilen} "
    "ausgelassen. Welche und warum, steht in den Hinweisen zur Datenqualität unten auf der "
    "Seite.",
    "read.title_rows": "Kopfzeile in Zeile {line} gefunden; {n} {n|Zeile|Zeilen} darüber "
    "{n|wird|werden} nicht gelesen",
    "asof.stale": "Achtung: Die Daten sind {months} {months|Monat|Monate} älter als heute. Phasen "
    "nach dem Stand können sich geändert haben; „Geplantes Ende überschritten“ heißt: keine "
    "Quelle sagt, ob das Projekt endete oder verlängert wurde.",
    "timeline.cohort_sentence": "Am {date} {n|war|waren} {n} von {total} "
    "{total|Projekt|Projekten} der Staffel {cohort} in der Umsetzung.",
    "timeline.alt": "Gantt-Diagramm mit {n} {n|Projekt|Projekten}; heutiges Datum als "
    "gepunktete Linie; {events} Treffen als Sterne.",
}

EN: dict[str, str] = {
    "describe.projects": "{n} {n|project|projects}",
    "kpi.funding_help": "Sum of known federal funding; known for {known} of {total} "
    "{total|project|projects}",
    "kpi.funding_cover": "for {known} of {total} {total|project|projects}",
    "chart.alt_matrix": "Matrix “{title}” with {rows} {rows|row|rows} and {cols} "
    "{cols|column|columns}; highest value {max} ({row}, {col})",
    "error.data_problems": "{n} {n|note|notes} on data quality",
    "about.coverage_topics": "Topics known for {known} of {total} {total|project|projects}",
    "about.coverage_funding": "Federal funding known for {known} of {total} "
    "{total|project|projects}",
    "about.counts": "{projects} {projects|project|projects}, {municipalities} "
    "{municipalities|municipality|municipalities}, {links} {links|known link|known links}, "
    "{events} {events|meeting|meetings}.",
    "coop.reason.topics": "{n} {n|shared topic|shared topics} ({topics})",
    "coop.keywords_some": "{n} of {total} {total|project|projects} {n|has|have} no rows in "
    "the measures table: {n|its|their} measures come from keywords (status unknown).",
    "coop.graph_alt": "Map with {members} {members|member|members}, {existing} "
    "{existing|existing link|existing links} and {suggested} "
    "{suggested|suggestion|suggestions}",
    "data.import_blocked": "Not applied: {n} {n|problem|problems} must be fixed in the file "
    "first. Nothing was changed.",
    "data.import_apply": "Apply ({n} {n|change|changes})",
    "data.import_removes": "{n} {n|row|rows} of “{table}” {n|is|are} missing from the file "
    "and would be removed (to avoid this, switch on “Only add”).",
    "data.ambiguous": "{n} {n|municipality|municipalities} without coordinates {n|has|have} "
    "an ambiguous name. Please choose the right one for each:",
    "data.edit_intro": "{n} {n|row|rows} (municipalities and projects as filtered). Change "
    "cells, add rows at the bottom or select rows on the left to delete; then save. The "
    "same checks as for imports apply.",
    "data.restore_later": "This also undoes {n} later {n|change|changes} to this row: {changes}",
    "data.restore_button_later": "Undo, including the {n|later change|{n} later changes}",
    "data.export_intro": "The tables of the current selection ({n} {n|project|projects}, {m} "
    "{m|municipality|municipalities}) in the exchange format; they can be imported again.",
    "map.alt": "Map of Germany with {members} {members|municipality|municipalities}, {links} "
    "{links|known link|known links} and {orgs} "
    "{orgs|partner organisation|partner organisations}.",
    "meeting.saved": "Saved: {title} with {n} {n|follow-up|follow-ups}.",
    "handout.sources_count": "{n} {n|source citation|different source citations} in the "
    "project data",
    "present.handout_ready": "Handout created ({pages} {pages|page|pages}, {seconds} s).",
    "store.refused.edit": "Changes not saved: {n} {n|problem|problems}. Nothing was changed.",
    "store.refused.restore": "Restore not saved: {n} {n|problem|problems}. Nothing was changed.",
    "problems.rows_skipped": "Not every row of the data is shown: {n} {n|row|rows} left out. "
    "Which and why is listed in the data-quality notes at the bottom of the page.",
    "read.title_rows": "Header row found in line {line}; the {n} {n|line|lines} above it {n|is|are} not read",
    "asof.stale": "Note: the data is {months} {months|month|months} older than today. Phases "
    "may have changed since; “planned end passed” means no source says whether the project "
    "ended or was extended.",
    "timeline.cohort_sentence": "On {date}, {n} of the {total} {total|project|projects} of "
    "cohort {cohort} {n|was|were} implementing.",
    "timeline.alt": "Gantt chart of {n} {n|project|projects}; today as a dotted line; "
    "{events} {events|meeting|meetings} as stars.",
}
