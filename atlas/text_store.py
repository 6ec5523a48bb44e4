"""Messages of the data layer, German and English (merged into atlas.text.TEXTS): the
store's refusals (raised by key) and the checks of a loaded network (atlas.network, kept
as keys in each Problem): both are shown in the interface language."""

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
    "store.stale_restore": "„{row}“ ({table}) wurde seit der Vorschau geändert. Nichts wurde zurückgenommen; bitte die Vorschau prüfen und erneut wählen.",
    "store.stale_restore_by": "„{row}“ ({table}) wurde seit der Vorschau von {who} ({when}) geändert. Nichts wurde zurückgenommen; bitte die Vorschau prüfen und erneut wählen.",
    "network.table_missing": "Tabelle fehlt (Pflichttabelle)",
    "network.coordinates_swapped": "Koordinaten in Deutschland erwartet (Breiten- und Längengrad vertauscht?)",
    "network.coordinates_outside": "Koordinaten in Deutschland erwartet (liegt nicht in Deutschland)",
    "network.end_before_start": "Ende vor Beginn ({start}); Ende wird nicht verwendet",
    "network.unknown_id": "unbekannte Kennung (Verweis wird ignoriert)",
    "network.unknown_id_row": "unbekannte Kennung (Zeile wird ausgelassen)",
    "network.no_member": "keine gültige Kommune (Zeile ausgelassen)",
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
    "store.stale_restore": "“{row}” ({table}) was changed after the preview. Nothing was undone; please check the preview and choose again.",
    "store.stale_restore_by": "“{row}” ({table}) was changed after the preview by {who} ({when}). Nothing was undone; please check the preview and choose again.",
    "network.table_missing": "Table missing (required table)",
    "network.coordinates_swapped": "Coordinates in Germany expected (latitude and longitude swapped?)",
    "network.coordinates_outside": "Coordinates in Germany expected (not in Germany)",
    "network.end_before_start": "End before start ({start}); the end is not used",
    "network.unknown_id": "unknown id (reference ignored)",
    "network.unknown_id_row": "unknown id (row left out)",
    "network.no_member": "no valid municipality (row left out)",
}
