"""Messages of the data layer (the store's refusals), German and English (merged into
atlas.text.TEXTS). The store raises them by key; the page shows them in its language."""

DE: dict[str, str] = {
    "store.not_allowed": "Nur angemeldete Bearbeiterinnen und Bearbeiter dürfen Daten ändern.",
    "store.stale_preview": "Die Daten wurden seit der Vorschau geändert. Nichts wurde übernommen; bitte die Vorschau neu erstellen.",
    "store.stale_preview_by": "Die Daten wurden seit der Vorschau geändert (zuletzt von {who}, {when}). Nichts wurde übernommen; bitte die Vorschau neu erstellen.",
    "store.refused.edit": "Änderungen nicht gespeichert: {n} Problem(e). Nichts wurde geändert.",
    "store.refused.restore": "Wiederherstellen nicht gespeichert: {n} Problem(e). Nichts wurde geändert.",
    "store.import_blocked": "Import nicht möglich: die Vorschau meldet Probleme.",
    "store.stale_deleted": "Eine Zeile ({table}) wurde inzwischen gelöscht. Nichts wurde gespeichert; bitte neu laden.",
    "store.stale_row": "„{row}“ ({table}) wurde inzwischen von {who} ({when}) geändert. Ihre Änderungen wurden nicht gespeichert, damit nichts überschrieben wird; bitte neu laden und erneut eintragen.",
    "store.stale_concurrent": "Zeile wurde gleichzeitig geändert; nichts gespeichert.",
    "store.not_restorable": "Diese Änderung kann nicht einzeln zurückgenommen werden.",
}

EN: dict[str, str] = {
    "store.not_allowed": "Only signed-in editors may change data.",
    "store.stale_preview": "The data changed after the preview. Nothing was applied; please make the preview again.",
    "store.stale_preview_by": "The data changed after the preview (last by {who}, {when}). Nothing was applied; please make the preview again.",
    "store.refused.edit": "Changes not saved: {n} problem(s). Nothing was changed.",
    "store.refused.restore": "Restore not saved: {n} problem(s). Nothing was changed.",
    "store.import_blocked": "Import not possible: the preview reports problems.",
    "store.stale_deleted": "A row ({table}) was deleted meanwhile. Nothing was saved; please reload.",
    "store.stale_row": "“{row}” ({table}) was changed meanwhile by {who} ({when}). Your changes were not saved so that nothing is overwritten; please reload and enter them again.",
    "store.stale_concurrent": "The row was changed at the same time; nothing saved.",
    "store.not_restorable": "This change cannot be undone on its own.",
}
