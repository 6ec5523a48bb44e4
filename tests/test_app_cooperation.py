"""The cooperation page, headless: finder, network and groups, driven by the link."""

from __future__ import annotations

from tests.apptest import drawn_charts, run_app


def test_partner_finder_for_lemgo(monkeypatch):
    at = run_app(monkeypatch, page="cooperation", params={"partner": "lemgo"})
    assert not at.exception
    table = at.dataframe[0].value
    assert len(table) >= 10
    assert table["Begründung"].str.contains("gemeinsame Maßnahme").all()
    # existing links are listed apart, never among the suggestions
    assert "Kalletal" not in set(table["Partner"])
    linked = at.dataframe[1].value
    kalletal = linked[linked["Partner"] == "Kalletal"]
    assert len(kalletal) == 1  # one row per partner, every link named
    assert "Gemeinsames Projekt" in kalletal["Verbindung"].iloc[0]
    assert kalletal["Quelle"].str.startswith("http").all()
    assert {"Wolfsburg", "Hildesheim"} <= set(linked["Partner"])
    assert [s.value for s in at.subheader] == ["Vorschläge", "Bereits verbunden"]
    assert table["Profil"].str.startswith("profiles?municipality=").all()
    # every shared measure, with both sides' status, never cut short
    assert not table["Gemeinsame Maßnahmen (Stand: hier / dort)"].str.contains("…").any()
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Als CSV herunterladen", "Als Excel herunterladen"]


def test_partner_finder_in_english_names_measures(monkeypatch):
    at = run_app(monkeypatch, page="cooperation", params={"partner": "hildesheim", "lang": "EN"})
    assert not at.exception
    reasons = at.dataframe[0].value["Reasons"]
    # near members whose projects have no measures table are told by their topics
    assert reasons.str.contains("shared measure|shared topic").all()
    assert reasons.str.contains("shared measure").sum() > len(reasons) / 2


def test_network_view_follows_the_filters(monkeypatch):
    at = run_app(
        monkeypatch, page="cooperation", params={"view": "network", "state": "Niedersachsen"}
    )
    assert not at.exception
    table = at.dataframe[0].value
    lower_saxony = {
        "Hannover",
        "Hildesheim",
        "Wolfsburg",
        "Einbeck",
        "Geestland",
        "Landkreis Hameln-Pyrmont",
        "Osnabrück",
        "Bissendorf",
        "Hagen am Teutoburger Wald",
        "Samtgemeinde Fürstenau",
        "Samtgemeinde Artland",
        "Samtgemeinde Neuenkirchen",
        "Bad Bentheim",
        "Göttingen",
        "Langenhagen",
        "Lingen (Ems)",
        "Oldenburg (Oldb)",
        "Stade",
        "Wennigsen (Deister)",
    }
    assert set(table["Kommune A"]) | set(table["Kommune B"]) <= lower_saxony
    assert len(drawn_charts(at)) == 1


def test_weight_zero_in_the_link_removes_the_reason(monkeypatch):
    at = run_app(monkeypatch, page="cooperation", params={"partner": "lemgo", "w_near": "0.0"})
    assert not at.exception
    reasons = at.dataframe[0].value["Begründung"]
    assert not reasons.str.contains(r"\d+ km", regex=True).any()


def test_working_groups_around_measures(monkeypatch):
    at = run_app(monkeypatch, page="cooperation", params={"view": "groups"})
    assert not at.exception
    groups = at.dataframe[0].value
    assert len(groups) > 0
    assert set(groups.columns) == {"Maßnahme", "Mitglieder", "Weiter sind", "Stand"}
    assert groups["Maßnahme"].nunique() > 1


def test_lower_saxony_groups_are_not_all_one_topic(monkeypatch):
    at = run_app(
        monkeypatch, page="cooperation", params={"view": "groups", "state": "Niedersachsen"}
    )
    assert not at.exception
    groups = at.dataframe[0].value
    assert groups["Maßnahme"].nunique() == len(groups) or groups["Maßnahme"].nunique() > 2
    assert not groups["Maßnahme"].str.contains("Klimaschutz").all()


def test_unknown_partner_in_link_is_named(monkeypatch):
    at = run_app(monkeypatch, page="cooperation", params={"partner": "atlantis"})
    assert not at.exception
    assert "atlantis" in at.warning[0].value


def test_partner_finder_for_a_project(monkeypatch):
    at = run_app(monkeypatch, page="cooperation", params={"partner": "mpsc-2020-kalletal"})
    assert not at.exception
    table = at.dataframe[0].value
    assert len(table) >= 10
    assert not {"Kalletal", "Lemgo"} & set(table["Partner"])  # its own members are not partners
    assert table["Begründung"].str.contains("gemeinsame").all()


def test_pages_on_a_synthetic_network(monkeypatch, tmp_path):
    from atlas.synth import write_network

    write_network(tmp_path, 60, 80, seed=3)
    for params in ({"view": "network"}, {"view": "groups"}, {"partner": "synth-m00001"}):
        at = run_app(monkeypatch, data_dir=tmp_path, page="cooperation", params=params)
        assert not at.exception, params
        assert len(at.dataframe) >= 1, params


def test_a_database_seeded_before_the_measures_gets_them_at_the_next_start(
    monkeypatch, copy_of_bundled
):
    """A server whose database was seeded from the data folder before the app had its
    measures table: opening a page fills the table from the folder, and the finder
    reasons with sourced measures instead of saying the network has none."""
    import os

    from atlas.store import Store

    measures = copy_of_bundled / "measures.csv"
    kept = measures.read_text(encoding="utf-8")
    measures.unlink()
    old = Store(f"sqlite:///{os.environ['ATLAS_DB_PATH']}")
    assert old.seed_from_folder(copy_of_bundled, "data/") is None
    old.close()
    measures.write_text(kept, encoding="utf-8")  # the release that brings the measures
    at = run_app(monkeypatch, copy_of_bundled, page="cooperation", params={"partner": "lemgo"})
    assert not at.exception
    shown = " ".join(c.value for c in at.caption)
    assert "keine Maßnahmen-Tabelle" not in shown
    table = at.dataframe[0].value
    assert table["Gemeinsame Maßnahmen (Stand: hier / dort)"].str.contains("in Betrieb").any()


def test_a_folder_that_fails_to_give_a_new_table_leaves_the_stored_data_shown(
    monkeypatch, copy_of_bundled
):
    """Filling a table the database never had fails (a file the readers cannot take):
    the pages show the stored data as before, with no "database unreachable" report."""
    import os

    from atlas.store import Store

    (copy_of_bundled / "measures.csv").unlink()
    old = Store(f"sqlite:///{os.environ['ATLAS_DB_PATH']}")
    assert old.seed_from_folder(copy_of_bundled, "data/") is None
    old.close()

    def broken(self, folder, label=None):
        raise ValueError("measures.csv: kaputt")

    monkeypatch.setattr(Store, "seed_new_tables", broken)
    at = run_app(monkeypatch, copy_of_bundled, page="cooperation", params={"partner": "lemgo"})
    assert not at.exception
    assert not at.error
    assert len(at.dataframe[0].value) >= 10  # the finder works on the stored data
    assert "keine Maßnahmen-Tabelle" in " ".join(c.value for c in at.caption)
